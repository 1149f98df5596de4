import type { IncomingHttpHeaders } from 'node:http';
import type { ProviderId } from '@uniroute/shared';
import type { GatewayError } from '../common/errors/gateway-error.js';

/**
 * One provider's own HTTP API as UniRoute relays it to that provider's SDK: no translation, only
 * the credential swapped. What differs between providers is how the key travels, which client
 * headers the provider needs, and what an error inside its event stream looks like.
 */
export interface NativeApi {
  readonly provider: ProviderId;

  /**
   * The upstream request headers: the resolved provider key the provider's way, plus the few client
   * headers the provider reads. Nothing else passes, so the caller's UniRoute key and any other
   * credential or cookie stay at the gateway.
   */
  upstreamHeaders(clientHeaders: IncomingHttpHeaders, apiKey: string, hasBody: boolean): Record<string, string>;

  /** Whether a provider response header goes back to the SDK (besides `content-type`): request ids, rate-limit and retry hints. */
  relaysResponseHeader(name: string): boolean;

  /** An error UniRoute raises after the provider's event stream began (a stalled upstream), as one event of that stream. */
  streamErrorEvent(error: GatewayError): string;
}

/** A client header as one string (repeated headers joined with commas, as HTTP allows); undefined when absent or blank. */
export function headerValue(value: string | readonly string[] | undefined): string | undefined {
  const text = typeof value === 'string' ? value : value?.join(',');
  return text?.trim() ? text.trim() : undefined;
}

/**
 * The caller's query string for the upstream URL (`?alt=sse`, `?pageSize=…`, `?limit=…`), without any
 * `key=` parameter: a provider key, or a UniRoute key, never travels in a URL, where proxies and logs keep it.
 */
export function forwardedQuery(requestUrl: string): string {
  const start = requestUrl.indexOf('?');
  if (start === -1) return '';
  const query = new URLSearchParams(requestUrl.slice(start + 1));
  query.delete('key');
  const text = query.toString();
  return text ? `?${text}` : '';
}
