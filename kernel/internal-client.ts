// Calls from one subgraph to another on the current caller's behalf (e.g. reporting reading the ledger,
// accounts registering a ledger account). The request is signed like the router's own, so the callee
// applies its usual authentication and object-level authorization to the same caller.
import { GraphQLError } from "graphql";
import { domainError, isClientCode, type ErrorCode } from "./errors.js";
import { IDENTITY_HEADER, REQUEST_ID_HEADER, type Caller, type ClientInfo, type IdentitySigner } from "./identity.js";
import { endClientSpan, startClientSpan } from "./tracing.js";

export interface SubgraphCaller {
  /**
   * Runs one operation on another subgraph and returns its `data`. Errors with a client-facing code are
   * re-thrown with that code and message; anything else becomes an internal error.
   */
  request<T>(url: string, query: string, variables: Record<string, unknown>, options: { audience: string }): Promise<T>;
}

interface GraphQLResponseBody<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

export function createSubgraphCaller(options: {
  signer: IdentitySigner;
  caller: Caller | null;
  requestId: string;
  /** The end client the router saw, passed on so the callee can record it too. */
  client?: ClientInfo;
  timeoutMs: number;
  /** The calling service, named on the trace's client spans. */
  service?: string;
}): SubgraphCaller {
  return {
    async request<T>(url: string, query: string, variables: Record<string, unknown>, requestOptions: { audience: string }): Promise<T> {
      const body = JSON.stringify({ query, variables });
      // Signed over the exact bytes sent, with a fresh nonce: the callee verifies it like a router request.
      const target = new URL(url);
      const identity = options.signer.sign(
        { method: "POST", path: `${target.pathname}${target.search}`, body },
        {
          caller: options.caller,
          requestId: options.requestId,
          client: options.client ?? { ip: null, userAgent: null },
          // The callee's name (e.g. "transactions"): binds the signature to it.
          audience: requestOptions.audience,
        },
      );
      const headers: Record<string, string> = { "content-type": "application/json", [IDENTITY_HEADER]: identity, [REQUEST_ID_HEADER]: options.requestId };
      // Continues the caller's trace (traceparent) when tracing is on; null and free otherwise.
      const span = startClientSpan(options.service ?? "internal", `call ${requestOptions.audience}`, headers, { "fedbank.subgraph": requestOptions.audience });
      let response: Response;
      try {
        response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (error) {
        if (span) endClientSpan(span, error);
        throw error;
      }
      if (span) endClientSpan(span, undefined, response.status);
      let parsed: GraphQLResponseBody<T>;
      try {
        parsed = (await response.json()) as GraphQLResponseBody<T>;
      } catch {
        throw new GraphQLError(`internal call to ${new URL(url).host} failed with HTTP ${response.status}`);
      }
      const error = parsed.errors?.[0];
      if (error) {
        const { code, ...extra } = error.extensions ?? {};
        if (isClientCode(code)) throw domainError(code as ErrorCode, error.message, extra);
        throw new GraphQLError(`internal call to ${new URL(url).host} failed: ${error.message}`);
      }
      if (!parsed.data) throw new GraphQLError(`internal call to ${new URL(url).host} failed with HTTP ${response.status}`);
      return parsed.data;
    },
  };
}
