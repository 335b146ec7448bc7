// The end client's IP: the socket's peer address, unless that peer is a configured trusted proxy, in
// which case X-Forwarded-For is read from the right, skipping trusted proxies (proxy-addr). With no
// TRUSTED_PROXIES (the default) the header is ignored: anyone can write it.
import { isIP } from "node:net";
import type { IncomingMessage } from "node:http";
import proxyaddr from "proxy-addr";

export type ClientIpResolver = (req: IncomingMessage) => string | null;

/** Whether an address (IPv4, IPv6, or IPv4-mapped IPv6) is a trusted proxy. */
export type TrustedProxies = (address: string) => boolean;

const normalize = (address: string) => (address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/** `value`: IPs or CIDRs (IPv4 or IPv6), comma-separated as in TRUSTED_PROXIES. Throws on a bad entry. */
export function parseTrustedProxies(value: string | undefined): TrustedProxies {
  const entries = (value ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    // proxy-addr also knows names (`loopback`, `uniquelocal`); the configuration takes addresses only.
    if (isIP(entry.split("/")[0]!) === 0) throw new Error(`not an IP address or CIDR: ${entry}`);
  }
  const compiled = proxyaddr.compile(entries);
  return (address) => isIP(address) !== 0 && compiled(address, 0);
}

export function createClientIpResolver(trusted: TrustedProxies): ClientIpResolver {
  return (req) => {
    const peer = req.socket.remoteAddress ? normalize(req.socket.remoteAddress) : null;
    if (!peer) return null;
    const address = normalize(proxyaddr(req, (hop) => trusted(hop)));
    // A malformed hop in the header: believe nothing of it, the peer is the client.
    return isIP(address) !== 0 ? address : peer;
  };
}
