import ipaddr from 'ipaddr.js';

/**
 * The address a per-client limit is counted under: an IPv4 address as it is, an IPv6 address as its
 * /64 — one customer's allocation (RFC 6177), where picking a fresh address for every attempt costs
 * nothing. IPv4-mapped IPv6 addresses count as the IPv4 address.
 */
export function clientNetwork(ip: string): string {
  if (!ipaddr.isValid(ip)) return ip;
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) address = (address as ipaddr.IPv6).toIPv4Address();
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4).map((part) => part.toString(16));
  return `${parts.join(':')}::/64`;
}
