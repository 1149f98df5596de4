import type { FastifyInstance } from 'fastify';
import { GatewayError } from '../errors/gateway-error.js';
import { isGatewayRoute } from './http-limits.js';
import { findUnstorableText, unstorableTextError } from './unstorable-text.js';

/** How deep a JSON body may nest (§12): deeper documents are refused before anything walks them. */
export const MAX_JSON_DEPTH = 64;

/**
 * True when JSON text nests arrays/objects deeper than `limit`. A linear scan of the text, before
 * parsing: brackets inside strings do not count. It stops at the first level too deep.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++; // backslash: the next character is escaped
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (code === 0x7b || code === 0x5b) {
      if (++depth > limit) return true;
    } else if (code === 0x7d || code === 0x5d) {
      depth--;
    }
  }
  return false;
}

/**
 * The one JSON body parser (replaces Fastify's and Nest's). Before validation ever sees a body:
 * - an empty body is no body (`undefined`): several HTTP clients send `content-type:
 *   application/json` on a body-less DELETE or POST; routes that need a body then fail validation;
 * - nesting deeper than {@link MAX_JSON_DEPTH} is a 400 (class-transformer and class-validator
 *   recurse, 10,000 levels overflowed the stack as a 500);
 * - prototype poisoning (`__proto__`, `constructor.prototype`) is a 400, as in Fastify's parser;
 * - on the management API (everything but the gateway routes, whose bodies are relayed to the
 *   provider, not stored), NUL and lone surrogates in any string or key are a 400 naming the field.
 * The limit is the route's `bodyLimit` (see http-limits.ts); none is given here on purpose, as a
 * parser's own limit would override the route's.
 */
export function installJsonBodyParser(fastify: FastifyInstance): void {
  const secureParse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new GatewayError('invalid_json', `Request body nests deeper than ${MAX_JSON_DEPTH} levels.`), undefined);
      return;
    }
    secureParse(request, text, (error, parsed) => {
      if (error) {
        done(error, undefined);
        return;
      }
      if (!isGatewayRoute(request.url)) {
        const field = findUnstorableText(parsed);
        if (field !== undefined) {
          done(unstorableTextError(field), undefined);
          return;
        }
      }
      done(null, parsed);
    });
  });
}
