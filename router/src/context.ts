import type { Caller } from "../../kernel/identity.js";

export interface RouterContext {
  caller: Caller | null;
  requestId: string;
  /** Signed once per operation, on first use, and reused for every subgraph fetch of it. */
  identityToken: Promise<string>;
}
