import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../common/errors/gateway-error.js';
import { estimateEmbeddingTokens, fromGoogleBatchEmbedResponse, toGoogleBatchEmbedRequest } from './google-embeddings.js';

const CONTEXT = { apiKey: 'AIzaSy-test-key-0000', keySource: 'user' as const, baseUrl: 'https://generativelanguage.googleapis.com/' };

describe(toGoogleBatchEmbedRequest.name, () => {
  it('sends one EmbedContentRequest per text, naming the model, with the key in a header', () => {
    const sut = toGoogleBatchEmbedRequest('models/gemini-embedding-001', ['a', 'b'], { dimensions: 256, taskType: 'RETRIEVAL_DOCUMENT' }, CONTEXT);

    expect(sut).toMatchObject({
      method: 'POST',
      url: 'https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:batchEmbedContents',
      headers: { 'x-goog-api-key': CONTEXT.apiKey, 'content-type': 'application/json' },
    });
    expect(sut.url).not.toContain(CONTEXT.apiKey);
    expect(JSON.parse(sut.body!)).toEqual({
      requests: [
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'a' }] }, taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 256 },
        { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'b' }] }, taskType: 'RETRIEVAL_DOCUMENT', outputDimensionality: 256 },
      ],
    });
  });

  it('leaves out the options the caller did not set, and escapes the model in the path', () => {
    const sut = toGoogleBatchEmbedRequest('text-embedding-004/../x', ['a'], {}, CONTEXT);
    expect(sut.url).toBe('https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004%2F..%2Fx:batchEmbedContents');
    expect(JSON.parse(sut.body!).requests[0]).toEqual({ model: 'models/text-embedding-004/../x', content: { parts: [{ text: 'a' }] } });
  });
});

describe(fromGoogleBatchEmbedResponse.name, () => {
  it('reads the vectors in order', () => {
    expect(fromGoogleBatchEmbedResponse({ embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] }, 2)).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
  });

  it.each([
    [{ embeddings: [{ values: [0.1] }] }, 2],
    [{ embeddings: [{ values: ['x'] }] }, 1],
    [{ nothing: true }, 1],
  ])('answers %j (for %i texts) with a 502', (body, expected) => {
    const error = (() => {
      try {
        fromGoogleBatchEmbedResponse(body, expected);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({ status: 502, code: 'upstream_error' });
  });
});

describe(estimateEmbeddingTokens.name, () => {
  it('counts about four characters per token, at least one per text', () => {
    expect(estimateEmbeddingTokens(['abcd', 'abcdefghi', 'a'])).toBe(1 + 3 + 1);
  });
});
