import { Injectable } from '@nestjs/common';
import { PROVIDER_LABELS } from '@uniroute/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.js';
import { GatewayError } from '../common/errors/gateway-error.js';
import { forwardedQuery } from '../native/native-api.js';
import { joinUrl } from '../providers/adapter-runtime.js';
import { isPlainObject } from '../providers/request-content.js';
import { resolveModel } from '../providers/resolve-model.js';
import { UpstreamRelayService, type RoutedExchange } from '../router/upstream-relay.service.js';
import { isOwnedBy, withOwnerTag } from './response-ownership.js';
import { responsesStreamError } from './responses-stream-error.js';

/** OpenAI response ids are `resp_` and hex; anything that could leave the path segment is refused before it goes up. */
const RESPONSE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The Responses API (§11), relayed to OpenAI with the caller's credential (their key, else the server's):
 * `POST /v1/responses` (JSON, or with `stream: true` every event as OpenAI sent it), `GET` (also its
 * `?stream=true` replay) and `DELETE /v1/responses/{id}`. Models of other providers get a 400 until a
 * translation is designed. With the server's key, responses are tagged with their owner and only the owner
 * can read, delete or continue them (`response-ownership.ts`); `conversation` is refused there for the same reason.
 * @see https://platform.openai.com/docs/api-reference/responses
 */
@Injectable()
export class ResponsesService {
  constructor(private readonly relay: UpstreamRelayService) {}

  create(principal: Principal, body: unknown, reply: FastifyReply): Promise<void> {
    return this.relay.run('responses', principal, reply, async (exchange) => {
      if (!isPlainObject(body)) throw new GatewayError('invalid_request', 'The request body must be a JSON object.');
      const model = openAIModel(body['model']);
      if (body['stream'] !== undefined && body['stream'] !== null && typeof body['stream'] !== 'boolean') {
        throw new GatewayError('invalid_request', 'Invalid stream: must be a boolean.', { param: 'stream' });
      }
      exchange.outcome.stream = body['stream'] === true;
      const routed = await this.relay.route(exchange, 'openai', model);
      let upstreamBody: Record<string, unknown> = model === undefined ? body : { ...body, model };
      if (sharesServerKey(routed)) upstreamBody = await this.forServerKey(routed, upstreamBody);
      const response = await this.relay.send(routed, {
        method: 'POST',
        url: joinUrl(routed.context.baseUrl, '/responses'),
        headers: jsonHeaders(routed),
        body: JSON.stringify(upstreamBody),
      });
      await this.relay.relay(routed, response, responsesStreamError);
    });
  }

  retrieve(principal: Principal, responseId: string, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    return this.relay.run('responses', principal, reply, async (exchange) => {
      checkResponseId(responseId);
      const routed = await this.relay.route(exchange, 'openai', undefined);
      if (sharesServerKey(routed)) await this.assertOwned(routed, responseId, 'response_id');
      // `include[]`, `stream`, `starting_after` pass through; a `key=` never does.
      const response = await this.relay.send(routed, {
        method: 'GET',
        url: joinUrl(routed.context.baseUrl, `/responses/${encodeURIComponent(responseId)}${forwardedQuery(request.url)}`),
        headers: { authorization: `Bearer ${routed.context.apiKey}` },
      });
      // Its tokens were counted when it was created.
      await this.relay.relay(routed, response, responsesStreamError, false);
    });
  }

  delete(principal: Principal, responseId: string, reply: FastifyReply): Promise<void> {
    return this.relay.run('responses', principal, reply, async (exchange) => {
      checkResponseId(responseId);
      const routed = await this.relay.route(exchange, 'openai', undefined);
      if (sharesServerKey(routed)) await this.assertOwned(routed, responseId, 'response_id');
      const response = await this.relay.send(routed, {
        method: 'DELETE',
        url: joinUrl(routed.context.baseUrl, `/responses/${encodeURIComponent(responseId)}`),
        headers: { authorization: `Bearer ${routed.context.apiKey}` },
      });
      // Its tokens were counted when it was created.
      await this.relay.relay(routed, response, responsesStreamError, false);
    });
  }

  /**
   * With the shared server key a new response is tagged with its owner, and the response it continues must be the
   * caller's own. A `conversation` lives in the same shared account with no tag to check, so it is refused.
   */
  private async forServerKey(exchange: RoutedExchange, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (body['conversation'] !== undefined && body['conversation'] !== null) {
      throw new GatewayError(
        'invalid_request',
        "conversation is not available with the server's OpenAI key (conversations there are shared by every user of this gateway). Use previous_response_id, or add your own OpenAI key.",
        { param: 'conversation' },
      );
    }
    refuseSharedAccountReferences(body);
    const previous = body['previous_response_id'];
    if (typeof previous === 'string') {
      checkResponseId(previous, 'previous_response_id');
      await this.assertOwned(exchange, previous, 'previous_response_id');
    }
    return withOwnerTag(body, exchange.principal.userId);
  }

  /** A response the caller does not own answers exactly like one that does not exist. */
  private async assertOwned(exchange: RoutedExchange, responseId: string, param: string): Promise<void> {
    const response = await this.relay.send(exchange, {
      method: 'GET',
      url: joinUrl(exchange.context.baseUrl, `/responses/${encodeURIComponent(responseId)}`),
      headers: { authorization: `Bearer ${exchange.context.apiKey}` },
    });
    if (!isOwnedBy(await this.relay.readJson(exchange, response), exchange.principal.userId)) {
      const what = param === 'previous_response_id' ? 'Previous response' : 'Response';
      throw new GatewayError('not_found', `${what} with id '${responseId}' not found.`, { param });
    }
  }
}

/** The model as OpenAI knows it (prefix stripped), or undefined when the body names none (OpenAI then decides). */
function openAIModel(model: unknown): string | undefined {
  if (model === undefined) return undefined;
  if (typeof model !== 'string') throw new GatewayError('invalid_request', 'Invalid model: must be a string.', { param: 'model' });
  const route = resolveModel(model);
  if (route.provider !== 'openai') {
    throw new GatewayError(
      'invalid_request',
      `The Responses API is relayed to OpenAI only; ${PROVIDER_LABELS[route.provider]} models are not translated to it yet. Call them through /v1/chat/completions.`,
      { param: 'model' },
    );
  }
  return route.model;
}

/** Fields that name a file or vector store stored in the OpenAI account: on the server key, anyone's. */
const SHARED_ACCOUNT_ID_FIELDS = new Set(['file_id', 'file_ids', 'vector_store_ids']);

/**
 * On the server key, `input` items `{type: "item_reference", id}` and any `file_id` / `file_ids` /
 * `vector_store_ids` (input files and images, `file_search` and `code_interpreter` tools) and a `code_interpreter`
 * container id would read items,
 * files and vector stores of the one OpenAI account every user of the server key shares — none carries an owner
 * tag to check. Refused wherever they sit in the body; walked without recursion, so no nesting depth throws.
 */
function refuseSharedAccountReferences(body: Record<string, unknown>): void {
  const pending: unknown[] = [body['input'], body['tools'], body['tool_choice'], body['prompt']];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
      continue;
    }
    if (!isPlainObject(value)) continue;
    if (value['type'] === 'item_reference') {
      throw new GatewayError(
        'invalid_request',
        "item_reference input items are not available with the server's OpenAI key (stored items there are shared by every user of this gateway). Send the items themselves, use previous_response_id, or add your own OpenAI key.",
        { param: 'input' },
      );
    }
    // code_interpreter's `container` as a string is the id of an existing container (its files, its state);
    // the object form `{type: "auto", …}` makes a fresh one and only its `file_ids` need the check below.
    if (value['type'] === 'code_interpreter' && typeof value['container'] === 'string') {
      throw new GatewayError(
        'invalid_request',
        "A code_interpreter container id is not available with the server's OpenAI key (containers there are shared by every user of this gateway). Use container: {\"type\": \"auto\"}, or add your own OpenAI key.",
        { param: 'tools' },
      );
    }
    for (const [field, child] of Object.entries(value)) {
      if (SHARED_ACCOUNT_ID_FIELDS.has(field) && child !== undefined && child !== null) {
        throw new GatewayError(
          'invalid_request',
          `${field} is not available with the server's OpenAI key (files and vector stores there are shared by every user of this gateway). Send the content inline (file_data, image_url), or add your own OpenAI key.`,
          { param: field },
        );
      }
      pending.push(child);
    }
  }
}

function sharesServerKey(exchange: RoutedExchange): boolean {
  return exchange.context.keySource === 'server';
}

function checkResponseId(responseId: string, param = 'response_id'): void {
  if (!RESPONSE_ID.test(responseId)) throw new GatewayError('invalid_request', `Invalid ${param}: response ids are letters, digits, "_" and "-".`, { param });
}

function jsonHeaders(exchange: RoutedExchange): Record<string, string> {
  return { authorization: `Bearer ${exchange.context.apiKey}`, 'content-type': 'application/json' };
}
