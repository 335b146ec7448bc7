import type { Caller, ClientInfo } from "#kernel/identity.js";

export interface RouterContext {
  caller: Caller | null;
  requestId: string;
  /** The end client (socket address, or X-Forwarded-For from a trusted proxy) and its user agent. */
  client: ClientInfo;
  /** The operation's estimated cost, when an ADMIN asked to see it in the response extensions. */
  showCost?: number;
}
