import type { Caller, ClientInfo } from "../../kernel/identity.js";

export interface RouterContext {
  caller: Caller | null;
  requestId: string;
  /** The end client (socket address, or X-Forwarded-For from a trusted proxy) and its user agent. */
  client: ClientInfo;
}
