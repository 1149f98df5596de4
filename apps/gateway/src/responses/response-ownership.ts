import { GatewayError } from '../common/errors/gateway-error.js';
import { isPlainObject } from '../providers/request-content.js';

/**
 * The `metadata` key that names the UniRoute user a response made with the server's OpenAI key belongs to.
 * Every user of the server key shares one OpenAI account, where any stored response can be read, deleted
 * or continued by whoever knows its id; the tag lets the gateway answer only its owner.
 * @see https://platform.openai.com/docs/api-reference/responses/create#responses-create-metadata
 */
export const RESPONSE_OWNER_METADATA_KEY = 'uniroute_owner';

/** OpenAI's cap on `metadata` pairs; one is the owner tag. */
const MAX_METADATA_PAIRS = 16;

/** The request body to send with the server key: the caller's metadata plus the owner tag (any forged tag replaced). */
export function withOwnerTag(body: Record<string, unknown>, ownerId: string): Record<string, unknown> {
  const metadata = body['metadata'] ?? {};
  if (!isPlainObject(metadata)) throw new GatewayError('invalid_request', 'metadata must be an object of string values.', { param: 'metadata' });
  const own = Object.keys(metadata).filter((key) => key !== RESPONSE_OWNER_METADATA_KEY);
  if (own.length > MAX_METADATA_PAIRS - 1) {
    throw new GatewayError(
      'invalid_request',
      `With the server's OpenAI key, metadata takes at most ${MAX_METADATA_PAIRS - 1} pairs: UniRoute keeps one (${RESPONSE_OWNER_METADATA_KEY}) to know whose response it is.`,
      { param: 'metadata' },
    );
  }
  return { ...body, metadata: { ...metadata, [RESPONSE_OWNER_METADATA_KEY]: ownerId } };
}

/** Whether a stored response (OpenAI's JSON) carries `ownerId`'s tag. */
export function isOwnedBy(response: unknown, ownerId: string): boolean {
  if (!isPlainObject(response)) return false;
  const metadata = response['metadata'];
  return isPlainObject(metadata) && metadata[RESPONSE_OWNER_METADATA_KEY] === ownerId;
}
