import type { Conversation, LastTurn, ToolChoice, ToolDefinition, ToolResult } from '../../conversation/conversation.js';
import { isRecord, readArray, readNumber, readString, readStringList, recordsOf, type JsonRecord } from '../../json/json-readers.js';
import type { JsonReply } from '../provider-api.js';
import { geminiErrorReply } from './gemini-errors.js';

/**
 * Protobuf JSON accepts both spellings of a field (`generationConfig` and
 * `generation_config`); the SDK sends camelCase, hand-written clients often snake_case.
 */
function field(record: JsonRecord, camelCase: string): unknown {
  return record[camelCase] ?? record[camelCase.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`)];
}

function fieldRecord(record: JsonRecord, camelCase: string): JsonRecord | null {
  const value = field(record, camelCase);
  return isRecord(value) ? value : null;
}

function fieldRecords(record: JsonRecord, camelCase: string): JsonRecord[] {
  const value = field(record, camelCase);
  return recordsOf(Array.isArray(value) ? value : null);
}

/**
 * Validates a `generateContent` body and reads it into a provider-neutral
 * conversation. The model was already checked from the path.
 * @see https://ai.google.dev/api/generate-content#request-body
 */
export function readGeminiRequest(body: unknown): { ok: true; conversation: Conversation } | { ok: false; reply: JsonReply } {
  if (!isRecord(body)) {
    return { ok: false, reply: geminiErrorReply(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Expected an object.') };
  }
  const contents = recordsOf(readArray(body, 'contents'));
  if (contents.length === 0) {
    return { ok: false, reply: geminiErrorReply(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified\n') };
  }
  const generationConfig = fieldRecord(body, 'generationConfig') ?? {};
  const userTexts = contents
    .filter((content) => content['role'] !== 'model')
    .map(partsText)
    .filter((text) => text !== '');
  return {
    ok: true,
    conversation: {
      promptTexts: [partsText(fieldRecord(body, 'systemInstruction') ?? {}), ...contents.map(partsText), ...contents.flatMap(functionResponseTexts)],
      lastUserText: userTexts[userTexts.length - 1] ?? '',
      lastTurn: readLastTurn(contents),
      tools: readTools(body),
      toolChoice: readToolChoice(body),
      maxOutputTokens: readNumber(generationConfig, 'maxOutputTokens') ?? readNumber(generationConfig, 'max_output_tokens'),
      stopSequences: [...readStringList(generationConfig, 'stopSequences'), ...readStringList(generationConfig, 'stop_sequences')],
    },
  };
}

function partsText(content: JsonRecord): string {
  return fieldRecords(content, 'parts')
    .map((part) => readString(part, 'text') ?? '')
    .join('');
}

function functionResponses(content: JsonRecord): JsonRecord[] {
  return fieldRecords(content, 'parts').flatMap((part) => {
    const response = fieldRecord(part, 'functionResponse');
    return response === null ? [] : [response];
  });
}

function functionResponseTexts(content: JsonRecord): string[] {
  return functionResponses(content).map((response) => JSON.stringify(response['response'] ?? {}));
}

function readLastTurn(contents: JsonRecord[]): LastTurn {
  const last = contents[contents.length - 1];
  if (last === undefined) return { kind: 'other' };
  const responses = functionResponses(last);
  if (responses.length > 0) {
    return {
      kind: 'tool-results',
      results: responses.map((response): ToolResult => ({
        toolName: readString(response, 'name') ?? 'unknown',
        result: JSON.stringify(response['response'] ?? {}),
      })),
    };
  }
  return last['role'] === 'model' ? { kind: 'assistant' } : { kind: 'user' };
}

function readTools(body: JsonRecord): ToolDefinition[] {
  return fieldRecords(body, 'tools').flatMap((tool) =>
    fieldRecords(tool, 'functionDeclarations').flatMap((declaration) => {
      const name = readString(declaration, 'name');
      const parameters = field(declaration, 'parameters') ?? field(declaration, 'parametersJsonSchema') ?? {};
      return name === null ? [] : [{ name, parameters }];
    }),
  );
}

/** @see https://ai.google.dev/gemini-api/docs/function-calling#function_calling_modes */
function readToolChoice(body: JsonRecord): ToolChoice {
  const config = fieldRecord(fieldRecord(body, 'toolConfig') ?? {}, 'functionCallingConfig');
  if (config === null) return { mode: 'auto' };
  switch (readString(config, 'mode')) {
    case 'NONE':
      return { mode: 'none' };
    case 'ANY': {
      const allowed = field(config, 'allowedFunctionNames');
      const first = Array.isArray(allowed) ? allowed.find((name): name is string => typeof name === 'string') : undefined;
      return first === undefined ? { mode: 'required' } : { mode: 'named', name: first };
    }
    default:
      return { mode: 'auto' };
  }
}
