import type { StreamErrorEvent } from '../router/upstream-relay.service.js';

/**
 * An error UniRoute raises after a Responses stream began (a stalled or broken upstream), written as the
 * stream's own `error` event, numbered after the events already relayed. The status is sent by then; SDK
 * users see an event of type `error`, as they would from OpenAI.
 * @see https://platform.openai.com/docs/api-reference/responses-streaming/error
 */
export const responsesStreamError: StreamErrorEvent = (error, eventsRelayed) => {
  const event = { type: 'error', code: error.code, message: error.message, param: error.param, sequence_number: eventsRelayed };
  return `event: error\ndata: ${JSON.stringify(event)}\n\n`;
};
