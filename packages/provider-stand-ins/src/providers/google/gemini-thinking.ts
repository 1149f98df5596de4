import type { Answer } from '../../conversation/answer.js';
import type { Conversation } from '../../conversation/conversation.js';
import type { SignatureLedger } from '../../conversation/signature-ledger.js';
import { isRecord, readArray, readNumber, readString, recordsOf, type JsonRecord } from '../../json/json-readers.js';
import type { JsonReply } from '../provider-api.js';
import { geminiErrorReply } from './gemini-errors.js';
import type { GeminiModel } from './gemini-models.js';

/**
 * The signatures Google documents for histories without real ones; Gemini skips validation for them.
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures#faqs
 */
export const DUMMY_THOUGHT_SIGNATURES: ReadonlySet<string> = new Set(['skip_thought_signature_validator', 'context_engineering_is_the_way_to_go']);

/** What thinking adds to one answer: a thought summary part, and the signature on the first function call. */
export interface GeminiReasoning {
  readonly thought: string | null;
  readonly signature: string | null;
}

const SIGNATURES_DOCS = 'https://ai.google.dev/gemini-api/docs/thought-signatures';

/**
 * Reads `generationConfig.thinkingConfig` (either spelling) and checks the history's thought signatures as Gemini
 * does: `thinkingBudget` and `thinkingLevel` never together; every signature one this server issued for that function
 * (or a documented dummy); and for Gemini 3, the first function call of each model step in the current turn (after the
 * last user text) must carry one. Then plans the thinking of the answer: a thought summary when `includeThoughts` is
 * set, a signature on the function call whenever a thinking model thinks.
 * @see https://ai.google.dev/gemini-api/docs/thinking
 * @see https://ai.google.dev/gemini-api/docs/thought-signatures
 */
export function planGeminiReasoning(
  body: JsonRecord,
  model: GeminiModel,
  conversation: Conversation,
  answer: Answer,
  ledger: SignatureLedger,
): { ok: true; reasoning: GeminiReasoning } | { ok: false; reply: JsonReply } {
  const generationConfig = record(body, 'generationConfig') ?? {};
  const config = record(generationConfig, 'thinkingConfig') ?? {};
  const budget = readNumber(config, 'thinkingBudget') ?? readNumber(config, 'thinking_budget');
  const level = readString(config, 'thinkingLevel') ?? readString(config, 'thinking_level');
  if (budget !== null && level !== null) {
    return invalid('Thinking budget and thinking level cannot both be set. Please set only one of them.');
  }
  const problem = checkSignatures(recordsOf(readArray(body, 'contents')), isGemini3(model), ledger);
  if (problem !== null) return invalid(problem);

  const thinks = model.thinking && budget !== 0;
  const includeThoughts = thinks && (config['includeThoughts'] === true || config['include_thoughts'] === true);
  const thought =
    conversation.lastTurn.kind === 'tool-results'
      ? '**Reading the results**\n\nThe function answered; I can reply.'
      : `**Considering the request**\n\nThe user said "${conversation.lastUserText.slice(0, 60)}".`;
  return {
    ok: true,
    reasoning: {
      thought: includeThoughts ? thought : null,
      signature: thinks && answer.kind === 'tool-call' ? ledger.issue(answer.toolName) : null,
    },
  };
}

function isGemini3(model: GeminiModel): boolean {
  return /^gemini-3/.test(model.id);
}

function checkSignatures(contents: JsonRecord[], required: boolean, ledger: SignatureLedger): string | null {
  const lastUserText = contents.findLastIndex((content) => content['role'] !== 'model' && parts(content).some((part) => typeof part['text'] === 'string'));
  for (const [contentIndex, content] of contents.entries()) {
    const calls = parts(content).filter((part) => isRecord(part['functionCall'] ?? part['function_call']));
    for (const [callIndex, call] of calls.entries()) {
      const signature = readString(call, 'thoughtSignature') ?? readString(call, 'thought_signature');
      const functionCall = record(call, 'functionCall') ?? {};
      const name = readString(functionCall, 'name') ?? '';
      if (signature !== null && !DUMMY_THOUGHT_SIGNATURES.has(signature) && !ledger.verify(signature, name)) {
        return `Corrupted thought signature. Function call \`${name}\` in the ${contentIndex + 1}. content block.`;
      }
      const inCurrentTurn = contentIndex > lastUserText && content['role'] === 'model';
      if (required && inCurrentTurn && callIndex === 0 && signature === null) {
        return (
          `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, ` +
          `and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${name}\` , ` +
          `position ${contentIndex + 1}. Please refer to ${SIGNATURES_DOCS} for more details.`
        );
      }
    }
  }
  return null;
}

function parts(content: JsonRecord): JsonRecord[] {
  return recordsOf(readArray(content, 'parts'));
}

/** Protobuf JSON accepts camelCase and snake_case field names. */
function record(source: JsonRecord, camelCase: string): JsonRecord | null {
  const value = source[camelCase] ?? source[camelCase.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];
  return isRecord(value) ? value : null;
}

function invalid(message: string): { ok: false; reply: JsonReply } {
  return { ok: false, reply: geminiErrorReply(400, 'INVALID_ARGUMENT', message) };
}
