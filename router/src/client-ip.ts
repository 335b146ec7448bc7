// The end client's IP: the socket's peer address, unless that peer is a configured trusted proxy, in
// which case X-Forwarded-For is read from the right, skipping trusted proxies. With no TRUSTED_PROXIES
// (the default) the header is ignored: anyone can write it.
import { BlockList, isIP } from "node:net";
import type { IncomingMessage } from "node:http";

export type ClientIpResolver = (req: IncomingMessage) => string | null;

const normalize = (address: string) => (address.startsWith("::ffff:") && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/** `entries`: IPs or CIDRs (IPv4 or IPv6), comma-separated in TRUSTED_PROXIES. Throws on a bad entry. */
export function parseTrustedProxies(value: string | undefined): BlockList {
  const list = new BlockList();
  for (const raw of (value ?? "").split(",").map((entry) => entry.trim()).filter(Boolean)) {
    const [address, prefix] = raw.split("/") as [string, string | undefined];
    const family = isIP(address);
    if (family === 0) throw new Error(`not an IP address or CIDR: ${raw}`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(address, type);
    else {
      const bits = Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) throw new Error(`bad CIDR prefix: ${raw}`);
      list.addSubnet(address, bits, type);
    }
  }
  return list;
}

function isTrusted(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? "ipv4" : "ipv6");
}

export function createClientIpResolver(trusted: BlockList): ClientIpResolver {
  return (req) => {
    const peer = req.socket.remoteAddress ? normalize(req.socket.remoteAddress) : null;
    if (!peer || !isTrusted(trusted, peer)) return peer;
    const header = req.headers["x-forwarded-for"];
    const hops = (Array.isArray(header) ? header.join(",") : (header ?? ""))
      .split(",")
      .map((hop) => normalize(hop.trim()))
      .filter(Boolean);
    for (let index = hops.length - 1; index >= 0; index--) {
      const hop = hops[index]!;
      if (isIP(hop) === 0) return peer;
      if (!isTrusted(trusted, hop)) return hop;
    }
    return hops[0] ?? peer;
  };
}
