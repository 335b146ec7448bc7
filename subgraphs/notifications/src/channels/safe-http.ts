// Outbound HTTP to addresses users chose (webhooks) or operators configured (SMS gateway), with SSRF care:
// http(s) only, no credentials in the URL, no redirects followed, a timeout, and the resolved IP address
// checked at connect time (the check runs in the socket's own DNS lookup, so a name cannot resolve to a
// public address when checked and a private one when connected). Private, loopback and link-local
// addresses are refused unless explicitly allowed (tests, development).
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) {
  blocked.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [["::", 128], ["::1", 128], ["fc00::", 7], ["fe80::", 10], ["ff00::", 8], ["::ffff:0:0", 96]] as const) {
  blocked.addSubnet(network, prefix, "ipv6");
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? "ipv4" : "ipv6");
}

/** Why a URL may not be used as a delivery endpoint, or null when it may (syntax only; addresses at send time). */
export function endpointProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "must be an absolute http:// or https:// URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must use http or https";
  if (url.username || url.password) return "must not contain credentials";
  if (raw.length > 2048) return "must be at most 2048 characters";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivate && (host === "localhost" || host.endsWith(".localhost") || (isIP(host) !== 0 && isPrivateAddress(host)))) {
    return "must not point to a private, loopback or link-local address";
  }
  return null;
}

export class RefusedAddressError extends Error {
  override name = "RefusedAddressError";
}

export interface PostResult {
  statusCode: number;
}

/** POSTs `body` once; resolves with the HTTP status (any), rejects on network errors, timeouts and refused addresses. */
export function postOnce(
  rawUrl: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostResult> {
  const url = new URL(rawUrl);
  const problem = endpointProblem(rawUrl, options.allowPrivate);
  if (problem) return Promise.reject(new RefusedAddressError(`endpoint ${problem}`));
  const lookup = (hostname: string, lookupOptions: object, callback: (...args: any[]) => void) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const allowed = addresses.filter((entry) => options.allowPrivate || !isPrivateAddress(entry.address));
      if (allowed.length === 0) return callback(new RefusedAddressError("endpoint resolves only to private addresses"));
      if ((lookupOptions as { all?: boolean }).all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers },
        lookup: lookup as never,
        timeout: options.timeoutMs,
        agent: false,
      },
      (response) => {
        response.resume(); // the answer's body is not needed (nor kept: bounded memory)
        response.on("end", () => resolve({ statusCode: response.statusCode ?? 0 }));
        response.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on("error", reject);
    request.end(body);
  });
}

/** Retry on 408, 429 and 5xx; anything else that is not 2xx is final. */
export function isRetryableStatus(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 429 || statusCode >= 500;
}
