import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';
import { isGatewayRoute } from './http-limits.js';

/** A NUL character or a UTF-16 surrogate without its pair: PostgreSQL's text type cannot store either. */
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const UNSTORABLE_TEXT_EVERYWHERE = new RegExp(UNSTORABLE_TEXT.source, 'g');

/**
 * `text` with each character PostgreSQL cannot store replaced by U+FFFD, for what the gateway records about a
 * request it relays as it is (a model name in a usage row): one such row must not fail the batch it is written in.
 */
export function storableText(text: string): string {
  return text.replace(UNSTORABLE_TEXT_EVERYWHERE, '\ufffd');
}

/** True when `text` holds a character PostgreSQL refuses (NUL) or that is not Unicode at all (a lone surrogate). */
export function hasUnstorableCharacters(text: string): boolean {
  return UNSTORABLE_TEXT.test(text);
}

/**
 * The path (`name`, `items.2.label`) of the first string or key in a parsed JSON value that
 * {@link hasUnstorableCharacters}, or undefined. Bodies reach it at most 64 levels deep (the JSON parser checks first).
 */
export function findUnstorableText(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') return hasUnstorableCharacters(value) ? path.join('.') || 'body' : undefined;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const found = findUnstorableText(value[index], [...path, String(index)]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (hasUnstorableCharacters(key)) return [...path, key.replace(UNSTORABLE_TEXT, '?')].join('.');
      const found = findUnstorableText(item, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The 400 for a field holding {@link hasUnstorableCharacters} text. */
export function unstorableTextError(field: string): GatewayError {
  return new GatewayError('invalid_request', `${field} must not contain NUL characters or unpaired UTF-16 surrogates.`, { param: field });
}

/**
 * Query strings and path parameters of the management API reach the database too (`?before=`,
 * `:id`): the same rule as for bodies, checked once for every route, present and future.
 */
export function refuseUnstorableQueryAndParams(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    if (isGatewayRoute(request.url)) {
      done();
      return;
    }
    const field = findUnstorableText(request.params, ['params']) ?? findUnstorableText(request.query, ['query']);
    done(field === undefined ? undefined : unstorableTextError(field));
  });
}
