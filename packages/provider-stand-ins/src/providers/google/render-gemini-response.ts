import type { Answer, AnswerUsage } from '../../conversation/answer.js';
import { splitIntoChunks } from '../../conversation/split-into-chunks.js';
import { crlfDataEvent } from '../../http/sse-event.js';
import type { GeminiReasoning } from './gemini-thinking.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';

/** Identity shared by a response or by every chunk of one stream. */
export interface GeminiResponseIdentity {
  readonly responseId: string;
  readonly modelVersion: string;
}

const NO_REASONING: GeminiReasoning = { thought: null, signature: null };

/** The function-call part, with its thought signature when the model thought. */
function functionCallPart(answer: Extract<Answer, { kind: 'tool-call' }>, reasoning: GeminiReasoning): Record<string, unknown> {
  return {
    functionCall: { name: answer.toolName, args: answer.toolArguments },
    ...(reasoning.signature === null ? {} : { thoughtSignature: reasoning.signature }),
  };
}

/**
 * A GenerateContentResponse; a thought summary (`thought: true`) comes first when asked for.
 * @see https://ai.google.dev/api/generate-content#generatecontentresponse
 * @see https://ai.google.dev/gemini-api/docs/thinking#summaries
 */
export function renderGeminiResponse(answer: Answer, identity: GeminiResponseIdentity, reasoning: GeminiReasoning = NO_REASONING): Record<string, unknown> {
  const part = answer.kind === 'tool-call' ? functionCallPart(answer, reasoning) : { text: answer.text };
  const parts = reasoning.thought === null ? [part] : [{ text: reasoning.thought, thought: true }, part];
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason: mapGeminiFinishReason(answer), index: 0 }],
    usageMetadata: renderUsage(answer.usage),
    modelVersion: identity.modelVersion,
    responseId: identity.responseId,
  };
}

function renderUsage(usage: AnswerUsage): Record<string, unknown> {
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: usage.outputTokens,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.inputTokens }],
  };
}

/** Chunks before the last only know the prompt's size, as with the real API. */
function renderPromptOnlyUsage(usage: AnswerUsage): Record<string, unknown> {
  return {
    promptTokenCount: usage.inputTokens,
    totalTokenCount: usage.inputTokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.inputTokens }],
  };
}

/**
 * `alt=sse` events: each a GenerateContentResponse with the next piece of the
 * candidate; the last carries `finishReason` and the full usage. A function call
 * arrives whole in one chunk. There is no `[DONE]`.
 * @see https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
 */
export function renderGeminiStreamEvents(
  answer: Answer,
  identity: GeminiResponseIdentity,
  options: { readonly streamChunks: number },
  reasoning: GeminiReasoning = NO_REASONING,
): string[] {
  const finishReason = mapGeminiFinishReason(answer);
  const chunk = (part: Record<string, unknown>, isLast: boolean): string =>
    crlfDataEvent({
      candidates: [{ content: { parts: [part], role: 'model' }, ...(isLast ? { finishReason } : {}), index: 0 }],
      usageMetadata: isLast ? renderUsage(answer.usage) : renderPromptOnlyUsage(answer.usage),
      modelVersion: identity.modelVersion,
      responseId: identity.responseId,
    });
  const thoughts = reasoning.thought === null ? [] : [chunk({ text: reasoning.thought, thought: true }, false)];
  if (answer.kind === 'tool-call') return [...thoughts, chunk(functionCallPart(answer, reasoning), true)];
  const fragments = splitIntoChunks(answer.text, options.streamChunks);
  if (fragments.length === 0) return [...thoughts, chunk({ text: '' }, true)];
  return [...thoughts, ...fragments.map((fragment, index) => chunk({ text: fragment }, index === fragments.length - 1))];
}
