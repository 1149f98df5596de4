import { describe, expect, it } from 'vitest';
import { catchGatewayError } from '../common/errors/__fixtures__/catch-gateway-error.js';
import { resolveModel } from './resolve-model.js';

describe(resolveModel.name, () => {
  it.each([
    ['gpt-4o-mini', 'openai'],
    ['o1', 'openai'],
    ['o1-preview', 'openai'],
    ['o3-mini', 'openai'],
    ['o4-mini', 'openai'],
    ['chatgpt-4o-latest', 'openai'],
    ['text-embedding-3-small', 'openai'],
    ['claude-sonnet-4-5-20250929', 'anthropic'],
    ['gemini-2.5-flash', 'google'],
  ] as const)('routes %s to %s by its name, unchanged', (model, provider) => {
    expect(resolveModel(model)).toEqual({ provider, model });
  });

  it.each([
    ['openai/gpt-4o', 'openai', 'gpt-4o'],
    ['anthropic/claude-opus-4-5', 'anthropic', 'claude-opus-4-5'],
    ['google/gemini-2.5-pro', 'google', 'gemini-2.5-pro'],
    ['openai/ft:gpt-4o-mini:acme::abc123', 'openai', 'ft:gpt-4o-mini:acme::abc123'],
    ['google/models/gemini-2.5-pro', 'google', 'models/gemini-2.5-pro'],
  ] as const)('lets the explicit prefix of %s win and strips it', (model, provider, stripped) => {
    expect(resolveModel(model)).toEqual({ provider, model: stripped });
  });

  it('lets an explicit prefix override the name pattern', () => {
    expect(resolveModel('anthropic/gpt-4o')).toEqual({ provider: 'anthropic', model: 'gpt-4o' });
  });

  it.each(['llama-3-70b', 'mistral/mistral-large', 'GPT-4o', 'Claude-3', 'openai'])(
    'rejects %s as unknown_model on param "model", naming the accepted forms',
    (model) => {
      const error = catchGatewayError(() => resolveModel(model));

      expect(error).toMatchObject({ code: 'unknown_model', status: 400, param: 'model', type: 'invalid_request_error' });
      expect(error.message).toContain(`"${model}"`);
      expect(error.message).toContain('gpt-, o1, o3, o4, chatgpt- or text-embedding- (OpenAI), claude- (Anthropic)');
      expect(error.message).toContain('openai/<model>, anthropic/<model>, google/<model>');
    },
  );

  it.each(['openai/', 'anthropic/', 'google/  '])('rejects an empty model after the prefix in %j', (model) => {
    const error = catchGatewayError(() => resolveModel(model));

    expect(error).toMatchObject({ code: 'unknown_model', param: 'model' });
    expect(error.message).toContain('missing after');
  });

  it('rejects an empty model', () => {
    expect(catchGatewayError(() => resolveModel('')).message).toContain('must not be empty');
  });

  it('does not echo a key pasted as the model', () => {
    const error = catchGatewayError(() => resolveModel('sk-proj-PASTEDSECRET12345678'));

    expect(error.message).not.toContain('PASTEDSECRET');
  });
});
