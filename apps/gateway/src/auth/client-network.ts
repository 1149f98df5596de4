import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/** The longest text form of an IP address (an IPv4-mapped IPv6 address written out in full). */
const MAX_ADDRESS_LENGTH = 45;

/**
 * The address a per-client limit is counted under: an IPv4 address as it is, an IPv6 address as its
 * /64 — one customer's allocation (RFC 6177), where picking a fresh address for every attempt costs
 * nothing. IPv4-mapped IPv6 addresses count as the IPv4 address.
 *
 * Anything else is kept as it is when short, and as a digest of fixed length when longer than any
 * address. `request.ip` is whatever text `X-Forwarded-For` carried when TRUST_PROXY believes it
 * (`true`, or more hops than there are proxies), and the rate-limit buckets built from it are a
 * `varchar(200)`: a 300-character "address" made every failed login's counter write fail, so no
 * failure was ever counted (per IP, per account or account-wide) and the password could be guessed
 * without limit — the wrong ones answered 400, the right one 200.
 */
export function clientNetwork(ip: string): string {
  return clientNetworks(ip).network;
}

/**
 * How many /64s' budgets an IPv6 /48 gets together, where a limit counts sites too (failed API-key lookups). A /48 is
 * what a site, or a cheap cloud account, is given (RFC 6177): 65,536 /64s, each with its own budget were the /64 the
 * only count. Only limits that refuse nobody with valid credentials count sites: a /48 also holds the /56s of hundreds
 * of households, and a login budget shared by them is one any of them could use up for its neighbours.
 */
export const SITE_BUDGET_FACTOR = 16;

/** The /64 a per-client limit counts (see `clientNetwork`) and, for IPv6, the /48 it belongs to, counted as well. */
export function clientNetworks(ip: string): { network: string; site?: string } {
  if (!ipaddr.isValid(ip)) {
    return { network: ip.length <= MAX_ADDRESS_LENGTH ? ip : `digest:${createHash('sha256').update(ip).digest('hex').slice(0, 32)}` };
  }
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  if (address.kind() === 'ipv4') return { network: address.toString() };
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return { network: `${parts.join(':')}::/64`, site: `${parts.slice(0, 3).join(':')}::/48` };
}
