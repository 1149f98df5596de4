import { KEY_SOURCES } from '@uniroute/shared';
import { ApiOkResponse } from '@nestjs/swagger';

/**
 * The success response of a native route: the provider's own body (and, for `stream`, its event stream),
 * documented by the provider rather than re-described here; errors are added for every route in `openapi.ts`.
 */
export function NativeOkResponse(description: string, options: { stream?: boolean } = {}) {
  return ApiOkResponse({
    description: `${description} Byte for byte as the provider sent it.`,
    headers: {
      'x-uniroute-provider': { schema: { type: 'string', enum: ['anthropic', 'google'] }, description: 'Where the request went.' },
      'x-uniroute-key-source': { schema: { type: 'string', enum: [...KEY_SOURCES] }, description: 'Whose key it used.' },
      'x-uniroute-team-id': { schema: { type: 'string', format: 'uuid' }, description: 'Set for a team API key (§9): the team whose key or policy served the request.' },
    },
    content: {
      'application/json': { schema: { type: 'object', description: "The provider's own response body." } },
      ...(options.stream ? { 'text/event-stream': { schema: { type: 'string', description: "The provider's own server-sent events." } } } : {}),
    },
  });
}
