import { isPlainObject } from '../request-content.js';
import type { GoogleSchema } from './google.types.js';

/** Keywords Gemini's Schema shares with JSON Schema, copied when their value has the right JSON type. */
const NUMBER_KEYWORDS = ['minItems', 'maxItems', 'minProperties', 'maxProperties', 'minLength', 'maxLength', 'minimum', 'maximum'] as const;
const STRING_KEYWORDS = ['title', 'description', 'pattern'] as const;

/** The only `format` values the Gemini API (not Vertex AI) accepts on strings. */
const ACCEPTED_FORMATS: ReadonlySet<string> = new Set(['enum', 'date-time']);

/** JSON Schema `type` → Gemini's `Type` enum name. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};

/** `$ref` chains deeper than this are treated as recursion, which Gemini's schema cannot express. */
const MAX_DEPTH = 16;

/**
 * A JSON Schema (OpenAI tool parameters, `response_format.json_schema`) rewritten into the OpenAPI 3.0 subset Gemini
 * accepts for `FunctionDeclaration.parameters` and `responseSchema`. Keywords Gemini rejects (`additionalProperties`,
 * `$schema`, `$id`, `$defs`, `not`, `patternProperties`, other `format`s …) are dropped; local `$ref`s are inlined;
 * `type: [T, "null"]` becomes `nullable`; `const` becomes a one-value `enum`; `oneOf` becomes `anyOf`; an object
 * without properties loses its empty `properties` (Gemini rejects an empty map there).
 * @see https://ai.google.dev/api/caching#Schema
 * @see https://ai.google.dev/gemini-api/docs/function-calling#function_declarations
 */
export function toGoogleSchema(schema: unknown): GoogleSchema | undefined {
  if (!isPlainObject(schema)) return undefined;
  return convert(schema, schema, 0);
}

function convert(node: Record<string, unknown>, root: Record<string, unknown>, depth: number): GoogleSchema {
  if (depth > MAX_DEPTH) return {};
  const resolved = resolveReference(node, root, depth);
  if (resolved !== node) return convert(resolved, root, depth + 1);

  const out: GoogleSchema = {};
  for (const key of STRING_KEYWORDS) if (typeof node[key] === 'string') out[key] = node[key];
  for (const key of NUMBER_KEYWORDS) if (typeof node[key] === 'number') out[key] = node[key];
  if (node.example !== undefined) out.example = node.example;
  else if (Array.isArray(node.examples) && node.examples.length > 0) out.example = node.examples[0];
  if (node.default !== undefined) out.default = node.default;
  if (node.nullable === true) out.nullable = true;
  if (typeof node.format === 'string' && ACCEPTED_FORMATS.has(node.format)) out.format = node.format;

  applyType(node.type, out);
  applyEnum(node, out);

  if (isPlainObject(node.properties)) {
    const properties: Record<string, GoogleSchema> = {};
    for (const [name, property] of Object.entries(node.properties)) {
      if (isPlainObject(property)) properties[name] = convert(property, root, depth + 1);
    }
    if (Object.keys(properties).length > 0) {
      out.properties = properties;
      const required = Array.isArray(node.required)
        ? node.required.filter((name): name is string => typeof name === 'string' && name in properties)
        : [];
      if (required.length > 0) out.required = required;
    }
  }
  // A tuple (`items: [...]`) has no OpenAPI 3.0 form; its first item is the closest single schema.
  const items = Array.isArray(node.items) ? node.items[0] : node.items;
  if (isPlainObject(items)) out.items = convert(items, root, depth + 1);

  applyAlternatives([...arrayOf(node.anyOf), ...arrayOf(node.oneOf)], root, depth, out);
  // `allOf` (Pydantic wraps a described `$ref` in one) merges into the node; the node's own keywords win.
  for (const subschema of arrayOf(node.allOf)) mergeInto(out, convert(subschema, root, depth + 1));
  return out;
}

/** Adds `source`'s keywords that `target` lacks, uniting `properties` and `required`. */
function mergeInto(target: GoogleSchema, source: GoogleSchema): void {
  for (const [key, value] of Object.entries(source)) {
    if (key === 'properties' && isPlainObject(target.properties) && isPlainObject(value)) {
      target.properties = { ...value, ...target.properties };
    } else if (key === 'required' && Array.isArray(target.required) && Array.isArray(value)) {
      target.required = [...new Set([...(target.required as unknown[]), ...(value as unknown[])])];
    } else if (!(key in target)) {
      target[key] = value;
    }
  }
}

/** Inlines `#/$defs/Name` and `#/definitions/Name` (what Pydantic and zod emit); sibling keywords override. */
function resolveReference(
  node: Record<string, unknown>,
  root: Record<string, unknown>,
  depth: number,
): Record<string, unknown> {
  if (typeof node.$ref !== 'string' || depth > MAX_DEPTH) return node;
  const match = /^#\/(\$defs|definitions)\/(.+)$/.exec(node.$ref);
  const definitions = match?.[1] ? root[match[1]] : undefined;
  const target = match?.[2] && isPlainObject(definitions) ? definitions[decodeURIComponent(match[2])] : undefined;
  const { $ref: _reference, ...siblings } = node;
  return isPlainObject(target) ? { ...target, ...siblings } : siblings;
}

function applyType(type: unknown, out: GoogleSchema): void {
  const types = (Array.isArray(type) ? type : [type]).filter((name): name is string => typeof name === 'string');
  if (types.includes('null')) out.nullable = true;
  const names = types.flatMap((name) => (TYPE_NAMES[name] ? [TYPE_NAMES[name]] : []));
  if (names.length === 1) out.type = names[0];
  else if (names.length > 1) out.anyOf = names.map((name) => ({ type: name }));
}

/** Gemini enums are strings, even for integer types. */
function applyEnum(node: Record<string, unknown>, out: GoogleSchema): void {
  const values = Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined;
  if (!values) return;
  if (values.includes(null)) out.nullable = true;
  const strings = values.filter((value) => value !== null && typeof value !== 'object').map(String);
  if (strings.length === 0) return;
  out.enum = strings;
  out.type ??= 'STRING';
  if (out.type !== 'STRING') out.format = 'enum';
}

function applyAlternatives(
  alternatives: Record<string, unknown>[],
  root: Record<string, unknown>,
  depth: number,
  out: GoogleSchema,
): void {
  if (alternatives.length === 0) return;
  const converted: GoogleSchema[] = [];
  for (const alternative of alternatives) {
    if (alternative.type === 'null') out.nullable = true;
    else converted.push(convert(alternative, root, depth + 1));
  }
  if (converted.length === 1 && converted[0]) mergeInto(out, converted[0]);
  else if (converted.length > 1) out.anyOf = converted;
}

function arrayOf(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isPlainObject) : [];
}
