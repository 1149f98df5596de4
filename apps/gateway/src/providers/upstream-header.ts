/**
 * The header `name` (lower case, as undici gives the names) of an upstream response as one string: its first
 * value when the upstream sent the header more than once (undici then gives an array), `undefined` when it was
 * not sent.
 */
export function upstreamHeader(headers: Readonly<Record<string, string | readonly string[] | undefined>> | undefined, name: string): string | undefined {
  const value = headers?.[name];
  return typeof value === 'string' ? value : value?.[0];
}
