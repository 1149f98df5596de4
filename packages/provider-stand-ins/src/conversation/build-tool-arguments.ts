import { isRecord, readArray, readRecord, readString, type JsonRecord } from '../json/json-readers.js';

const MAX_ARGUMENTS = 5;
const MAX_TEXT_ARGUMENT_LENGTH = 60;

/**
 * Small deterministic arguments that satisfy a tool's parameter schema: the
 * required properties (or all, when none are required), each with a value of
 * its type. The first free-text property carries the user's words so a test
 * can see them travel through the tool call.
 */
export function buildToolArguments(parameters: unknown, userText: string): Record<string, unknown> {
  if (!isRecord(parameters)) return {};
  const properties = readRecord(parameters, 'properties');
  if (properties === null) return {};
  const required = (readArray(parameters, 'required') ?? []).filter(
    (name): name is string => typeof name === 'string' && name in properties,
  );
  const names = (required.length > 0 ? required : Object.keys(properties)).slice(0, MAX_ARGUMENTS);
  const toolArguments: Record<string, unknown> = {};
  let userTextUsed = false;
  for (const name of names) {
    const property = properties[name];
    const schema = isRecord(property) ? property : {};
    const isFreeText = schemaType(schema) === 'string' && readArray(schema, 'enum') === null;
    if (isFreeText && !userTextUsed) {
      toolArguments[name] = userText.slice(0, MAX_TEXT_ARGUMENT_LENGTH) || 'example';
      userTextUsed = true;
    } else {
      toolArguments[name] = sampleValue(schema);
    }
  }
  return toolArguments;
}

/** Gemini spells schema types in capitals (`STRING`); JSON Schema in lower case. */
function schemaType(schema: JsonRecord): string | null {
  const type = readString(schema, 'type');
  return type === null ? null : type.toLowerCase();
}

function sampleValue(schema: JsonRecord): unknown {
  const allowed = readArray(schema, 'enum');
  if (allowed !== null && allowed.length > 0) return allowed[0];
  switch (schemaType(schema)) {
    case 'string':
      return 'example';
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return 'example';
  }
}
