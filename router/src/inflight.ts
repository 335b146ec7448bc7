// In-flight de-duplication of identical read operations from the same identity: while one request for a
// query is executing, an identical one (same caller and session, or same client IP when anonymous; same
// text, operation name, variables, extensions and Accept header) waits for that execution and answers with
// its response instead of planning and fetching again. Nothing is kept once the execution completes (this
// is not a cache: the next request executes afresh), and every request still passes token verification,
// revocation, rate limits, operation limits and cost on its own before it may join. Mutations and
// subscriptions never join; a response streamed incrementally (@defer) is not shared (the waiting requests
// execute themselves). A joined request keeps its own X-Request-Id and rate-limit headers; error extensions
// in the shared body carry the executing request's id (the one the subgraphs logged).
// Read-your-writes: every identity has a generation, bumped when one of its writes starts and again when it
// ends, and part of the key, so a read arriving after the identity's mutation never joins a read that began
// before that mutation finished. Per router process: a mutation sent through another replica is not seen,
// so a client that runs a read concurrently with its own write through two replicas may get the older
// answer for an identical read it sends right after (docs/router.md).
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HTTPGraphQLRequest, HTTPGraphQLResponse } from "@apollo/server";
import { Counter, type Registry } from "prom-client";
import { toHeaderMap } from "#kernel/http.js";

/** A complete response, replayable to every request that joined it. */
export interface SharedResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

export interface ReadIdentity {
  caller: { userId: string; sessionId: string | null; role: string } | null;
  ip: string | null;
}

export class InflightReads {
  private readonly inflight = new Map<string, Promise<{ shared: SharedResponse; meta: unknown } | null>>();
  private readonly joined: Counter;
  /** Write generation per identity (see the header); bounded: past the cap both maps start afresh. */
  private readonly generations = new Map<string, number>();
  private nextGeneration = 1;
  private static readonly MAX_IDENTITIES = 50_000;

  constructor(registry: Registry) {
    this.joined = new Counter({
      name: "fedbank_router_deduplicated_requests_total",
      help: "Read operations answered with the response of an identical one already executing (same identity)",
      registers: [registry],
    });
  }

  /** The key for a read operation that may be shared, or null when it must execute on its own. */
  keyOf(identity: ReadIdentity, fields: Record<string, unknown>, accept: string | undefined): string {
    const who = whoOf(identity);
    const generation = this.generations.get(who) ?? 0;
    return createHash("sha256")
      .update(JSON.stringify([who, generation, accept ?? "", fields.query, fields.operationName ?? null, fields.variables ?? null, fields.extensions ?? null]))
      .digest("base64url");
  }

  /** Called when a write of this identity starts and when it ends: later reads stop joining earlier ones. */
  writeStarted(identity: ReadIdentity) {
    if (this.generations.size >= InflightReads.MAX_IDENTITIES) {
      // Forgetting generations could let a read join one from before a write: forget the joinable reads too.
      this.generations.clear();
      this.inflight.clear();
    }
    this.generations.set(whoOf(identity), this.nextGeneration++);
  }

  /**
   * Runs `execute` unless an identical read is in flight, in which case its response is returned with the
   * `meta` the first request recorded. Returns the response to write and whether it was shared.
   */
  async run<M>(
    key: string,
    execute: () => Promise<HTTPGraphQLResponse>,
    meta: () => M,
  ): Promise<{ response: HTTPGraphQLResponse | SharedResponse; joined: M | null }> {
    const running = this.inflight.get(key);
    if (running) {
      const result = await running;
      if (result) {
        this.joined.inc();
        return { response: result.shared, joined: result.meta as M };
      }
      return { response: await execute(), joined: null };
    }
    let settle!: (value: { shared: SharedResponse; meta: unknown } | null) => void;
    const entry = new Promise<{ shared: SharedResponse; meta: unknown } | null>((resolve) => (settle = resolve));
    this.inflight.set(key, entry);
    try {
      const response = await execute();
      settle(response.body.kind === "complete" ? { shared: { status: response.status ?? 200, headers: [...response.headers], body: response.body.string }, meta: meta() } : null);
      return { response, joined: null };
    } catch (error) {
      settle(null);
      throw error;
    } finally {
      if (this.inflight.get(key) === entry) this.inflight.delete(key);
    }
  }

  get size() {
    return this.inflight.size;
  }
}

function whoOf(identity: ReadIdentity): string {
  return identity.caller ? `u:${identity.caller.userId}:${identity.caller.sessionId}:${identity.caller.role}` : `ip:${identity.ip}`;
}

export function isSharedResponse(response: HTTPGraphQLResponse | SharedResponse): response is SharedResponse {
  return typeof (response as SharedResponse).body === "string";
}

/** The request as Apollo Server reads it (what kernel/http.ts executeGraphQL builds). */
export function httpGraphQLRequestOf(req: IncomingMessage, body: unknown): HTTPGraphQLRequest {
  return { method: (req.method ?? "GET").toUpperCase(), headers: toHeaderMap(req), search: new URL(req.url ?? "/", "http://localhost").search, body };
}

export function writeSharedResponse(res: ServerResponse, response: SharedResponse) {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(response.body);
}
