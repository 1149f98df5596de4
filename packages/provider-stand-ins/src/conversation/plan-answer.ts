import type { Answer, TextAnswer } from './answer.js';
import { buildToolArguments } from './build-tool-arguments.js';
import type { Conversation, ToolDefinition } from './conversation.js';
import { countTokens, firstWords } from './count-tokens.js';

/**
 * Decides the stand-ins' deterministic answer to a conversation.
 *
 * - A tool is called when the request offers tools and either forces one, or
 *   leaves the choice open and the last message is the user's. The forced tool
 *   (else the first offered) is called with arguments from its schema.
 * - Otherwise the answer is text: a summary of the tool results when the last
 *   message carries them, else `Echo: <last user text>`.
 * - Text honours stop sequences, then the output token limit.
 */
export function planAnswer(conversation: Conversation): Answer {
  const inputTokens = countTokens(conversation.promptTexts.join(' '));
  const tool = chooseTool(conversation);
  if (tool !== null) {
    const toolArguments = buildToolArguments(tool.parameters, conversation.lastUserText);
    const argumentsJson = JSON.stringify(toolArguments);
    return {
      kind: 'tool-call',
      toolName: tool.name,
      toolArguments,
      argumentsJson,
      usage: { inputTokens, outputTokens: countTokens(tool.name) + countTokens(argumentsJson) },
    };
  }
  return limitText(composeText(conversation), conversation, inputTokens);
}

function chooseTool(conversation: Conversation): ToolDefinition | null {
  const { tools, toolChoice, lastTurn } = conversation;
  const firstTool = tools[0];
  if (firstTool === undefined) return null;
  switch (toolChoice.mode) {
    case 'none':
      return null;
    case 'named':
      return tools.find((tool) => tool.name === toolChoice.name) ?? { name: toolChoice.name, parameters: {} };
    case 'required':
      return firstTool;
    case 'auto':
      return lastTurn.kind === 'user' ? firstTool : null;
  }
}

function composeText(conversation: Conversation): string {
  const { lastTurn } = conversation;
  if (lastTurn.kind === 'tool-results') {
    return lastTurn.results.map((result) => `Tool ${result.toolName} returned: ${result.result}`).join(' ');
  }
  return `Echo: ${conversation.lastUserText}`.trimEnd();
}

function limitText(fullText: string, conversation: Conversation, inputTokens: number): TextAnswer {
  let text = fullText;
  let finish: TextAnswer['finish'] = 'complete';
  let stopSequence: string | null = null;

  const stop = earliestStopSequence(text, conversation.stopSequences);
  if (stop !== null) {
    text = text.slice(0, stop.index);
    finish = 'stop-sequence';
    stopSequence = stop.sequence;
  }

  const limit = conversation.maxOutputTokens;
  if (limit !== null && countTokens(text) > limit) {
    text = firstWords(text, limit);
    finish = 'max-tokens';
    stopSequence = null;
  }

  return { kind: 'text', text, finish, stopSequence, usage: { inputTokens, outputTokens: countTokens(text) } };
}

function earliestStopSequence(
  text: string,
  stopSequences: readonly string[],
): { index: number; sequence: string } | null {
  let earliest: { index: number; sequence: string } | null = null;
  for (const sequence of stopSequences) {
    if (sequence === '') continue;
    const index = text.indexOf(sequence);
    if (index !== -1 && (earliest === null || index < earliest.index)) earliest = { index, sequence };
  }
  return earliest;
}
