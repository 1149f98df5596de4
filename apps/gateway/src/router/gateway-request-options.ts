import type { IncomingHttpHeaders } from 'node:http';
import { BYOK_HEADER, PROVIDER_KEY_MAX_LENGTH, PROVIDER_KEY_MIN_LENGTH, REQUEST_KEY_HEADER } from '@uniroute/shared';
import { GatewayError } from '../common/errors/gateway-error.js';
import type { AppConfig } from '../config/app-config.js';
import type { ResolveOptions } from './credential-resolver.js';

/** Printable ASCII with no spaces: what every provider's keys are made of. */
const KEY_CHARACTERS = /^[\x21-\x7e]+$/;

/**
 * The §8 request headers of a gateway call, checked: `x-uniroute-byok: required` (the only value: a typo
 * must not silently leave a request looser than asked) and `x-uniroute-provider-key` (refused with a 400
 * under `ALLOW_REQUEST_KEYS=false`, never echoed in the error).
 */
export function gatewayRequestOptions(headers: IncomingHttpHeaders, config: Pick<AppConfig, 'allowRequestKeys'>): Pick<ResolveOptions, 'byokRequired' | 'requestKey'> {
  const byok = headers[BYOK_HEADER];
  let byokRequired = false;
  if (byok !== undefined) {
    if (typeof byok !== 'string' || byok.trim().toLowerCase() !== 'required') {
      throw new GatewayError('invalid_request', `${BYOK_HEADER} accepts one value, "required" (this request must use your own key).`, { param: BYOK_HEADER });
    }
    byokRequired = true;
  }
  const requestKey = headers[REQUEST_KEY_HEADER];
  if (requestKey === undefined) return { byokRequired };
  if (!config.allowRequestKeys) {
    throw new GatewayError('invalid_request', `${REQUEST_KEY_HEADER} is turned off on this gateway (ALLOW_REQUEST_KEYS=false): store your key in Settings → Provider keys instead.`, {
      param: REQUEST_KEY_HEADER,
    });
  }
  const key = typeof requestKey === 'string' ? requestKey.trim() : '';
  if (key.length < PROVIDER_KEY_MIN_LENGTH || key.length > PROVIDER_KEY_MAX_LENGTH || !KEY_CHARACTERS.test(key)) {
    throw new GatewayError(
      'invalid_request',
      `${REQUEST_KEY_HEADER} must be one provider key: ${PROVIDER_KEY_MIN_LENGTH}–${PROVIDER_KEY_MAX_LENGTH} printable characters, sent once.`,
      { param: REQUEST_KEY_HEADER },
    );
  }
  return { byokRequired, requestKey: key };
}
