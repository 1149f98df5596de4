import type { Conversation } from '../../conversation/conversation.js';
import type { SignatureLedger } from '../../conversation/signature-ledger.js';
import { isRecord, readArray, readNumber, readString, recordsOf, type JsonRecord } from '../../json/json-readers.js';
import type { JsonReply } from '../provider-api.js';
import { anthropicErrorReply } from './anthropic-errors.js';

/**
 * The string Anthropic documents for testing redacted thinking: a prompt containing it gets a `redacted_thinking` block.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking#thinking-redaction
 */
export const REDACTED_THINKING_TRIGGER = 'ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253';

const DOCS = 'https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/** The reasoning block an answer starts with when thinking is on. */
export type AnthropicReasoning =
  | { readonly type: 'thinking'; readonly thinking: string; readonly signature: string }
  | { readonly type: 'redacted_thinking'; readonly data: string };

/**
 * Checks `thinking` and the thinking blocks sent back the way the Messages API does: a budget of at least 1,024 below
 * `max_tokens`; no changed temperature; every thinking block's signature one this server issued for that very text,
 * every redacted block's data one it issued; and, with thinking on, a tool-use continuation whose last assistant turn
 * starts with its thinking block. Returns whether thinking is on, or the API's 400.
 * @see https://platform.claude.com/docs/en/build-with-claude/extended-thinking
 */
export function checkAnthropicThinking(
  body: JsonRecord,
  messages: JsonRecord[],
  maxTokens: number,
  ledger: SignatureLedger,
): { ok: true; enabled: boolean } | { ok: false; reply: JsonReply } {
  const thinking = isRecord(body['thinking']) ? body['thinking'] : null;
  const enabled = thinking !== null && readString(thinking, 'type') !== 'disabled';
  if (thinking !== null && readString(thinking, 'type') === 'enabled') {
    const budget = readNumber(thinking, 'budget_tokens');
    if (budget === null) return invalid('thinking.enabled.budget_tokens: Field required');
    if (budget < 1024) return invalid('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
    if (maxTokens <= budget) {
      return invalid(`\`max_tokens\` must be greater than \`thinking.budget_tokens\`. Please consult our documentation at ${DOCS}#max-tokens-and-context-window-size`);
    }
  }
  const temperature = readNumber(body, 'temperature');
  if (enabled && temperature !== null && temperature !== 1) {
    return invalid(`\`temperature\` may only be set to 1 when thinking is enabled. Please consult our documentation at ${DOCS}#feature-compatibility`);
  }
  for (const [messageIndex, message] of messages.entries()) {
    if (message['role'] !== 'assistant') continue;
    for (const [blockIndex, block] of recordsOf(readArray(message, 'content')).entries()) {
      const where = `messages.${messageIndex}.content.${blockIndex}`;
      if (block['type'] === 'thinking' && !ledger.verify(readString(block, 'signature') ?? '', readString(block, 'thinking') ?? '')) {
        return invalid(`${where}: Invalid \`signature\` in \`thinking\` block`);
      }
      if (block['type'] === 'redacted_thinking' && !ledger.verify(readString(block, 'data') ?? '')) {
        return invalid(`${where}: Invalid \`data\` in \`redacted_thinking\` block`);
      }
    }
  }
  if (enabled) {
    const problem = missingLeadingThinking(messages);
    if (problem !== null) return invalid(problem);
  }
  return { ok: true, enabled };
}

/** With thinking on, the assistant turn a tool result answers must start with its (signed) thinking. */
function missingLeadingThinking(messages: JsonRecord[]): string | null {
  const last = messages[messages.length - 1];
  const isToolResultTurn = last?.['role'] === 'user' && recordsOf(readArray(last, 'content')).some((block) => block['type'] === 'tool_result');
  if (!isToolResultTurn) return null;
  const assistantIndex = messages.length - 2;
  const assistant = messages[assistantIndex];
  if (assistant?.['role'] !== 'assistant') return null;
  const first = recordsOf(readArray(assistant, 'content'))[0];
  const type = first === undefined ? 'nothing' : String(first['type']);
  if (type === 'thinking' || type === 'redacted_thinking') return null;
  return (
    `messages.${assistantIndex}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${type}\`. ` +
    'When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of ' +
    '`tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this ' +
    `requirement, disable \`thinking\`. Please consult our documentation at ${DOCS}`
  );
}

/** The stand-in's deterministic thinking for a conversation, signed through the ledger. */
export function planAnthropicReasoning(conversation: Conversation, ledger: SignatureLedger): AnthropicReasoning {
  if (conversation.promptTexts.some((text) => text.includes(REDACTED_THINKING_TRIGGER))) {
    return { type: 'redacted_thinking', data: ledger.issue('redacted_thinking') };
  }
  const thinking =
    conversation.lastTurn.kind === 'tool-results'
      ? 'The tool answered; I can reply now.'
      : `The user said "${conversation.lastUserText.slice(0, 60)}". Let me think about it.`;
  return { type: 'thinking', thinking, signature: ledger.issue(thinking) };
}

function invalid(message: string): { ok: false; reply: JsonReply } {
  return { ok: false, reply: anthropicErrorReply(400, 'invalid_request_error', message) };
}
