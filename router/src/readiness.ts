// The router's health, for orchestrators and operators (docs/operations.md, "Observe"):
// - `GET /ready`: 200 while this router can serve: its supergraph is loaded and its required Redis (when
//   REDIS_URL is set) answers. A subgraph being down does NOT make it unready: taking every router replica
//   out of service during a partial outage would turn partial results into a full outage. The body still
//   reports each subgraph (`checks`, and `degraded` listing the ones that are not ok).
// - `GET /ready?subgraphs=all`: the whole platform: 200 only when every subgraph is ready too (what a test
//   or a deploy script waits for before sending traffic end to end).
// - `fedbank_router_subgraph_up{subgraph}` (1/0), probed when /metrics is scraped, for alerts.
import { Gauge, type Registry } from "prom-client";
import type { SharedStore } from "#kernel/shared-store.js";
import type { CircuitStateName } from "./resilience/subgraph-policy.js";

export interface ReadinessOptions {
  subgraphUrls: ReadonlyMap<string, string>;
  circuitStates: () => Record<string, CircuitStateName | undefined>;
  store: Pick<SharedStore, "kind" | "ping">;
  supergraphLoaded: () => boolean;
  registry: Registry;
  timeoutMs?: number;
}

export interface ReadinessReport {
  status: number;
  body: { status: string; service: "router"; checks: Record<string, string>; degraded: string[] };
}

export function createReadiness(options: ReadinessOptions) {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const storeName = options.store.kind === "redis" ? "redis" : "sharedStore";

  async function subgraphChecks(): Promise<Record<string, string>> {
    const checks: Record<string, string> = {};
    await Promise.all(
      [...options.subgraphUrls].map(async ([name, url]) => {
        try {
          const response = await fetch(new URL("/ready", url), { signal: AbortSignal.timeout(timeoutMs) });
          checks[name] = response.ok ? "ok" : "not ready";
        } catch {
          checks[name] = "unreachable";
        }
        // Reachable again but its circuit not closed yet: requests still get SUBGRAPH_UNAVAILABLE.
        const circuit = options.circuitStates()[name];
        if (checks[name] === "ok" && circuit && circuit !== "closed") checks[name] = `circuit ${circuit}`;
      }),
    );
    return checks;
  }

  async function storeCheck(): Promise<string> {
    try {
      await Promise.race([
        options.store.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), timeoutMs).unref()),
      ]);
      return "ok";
    } catch {
      return "unreachable";
    }
  }

  new Gauge({
    name: "fedbank_router_subgraph_up",
    help: "1 when the subgraph answers its /ready (and its circuit is closed) from this router, else 0; probed at scrape time",
    labelNames: ["subgraph"],
    registers: [options.registry],
    async collect() {
      for (const [name, state] of Object.entries(await subgraphChecks())) this.set({ subgraph: name }, state === "ok" ? 1 : 0);
    },
  });

  return {
    /** `all`: the platform check (every subgraph ready too); otherwise this router's own readiness. */
    async check(all: boolean): Promise<ReadinessReport> {
      const [subgraphs, store] = await Promise.all([subgraphChecks(), storeCheck()]);
      const checks: Record<string, string> = { ...subgraphs, [storeName]: store, supergraph: options.supergraphLoaded() ? "ok" : "not loaded" };
      const degraded = Object.entries(subgraphs).filter(([, state]) => state !== "ok").map(([name]) => name);
      const canServe = store === "ok" && checks.supergraph === "ok";
      const ok = canServe && (!all || degraded.length === 0);
      const status = !canServe ? "not ready" : degraded.length > 0 ? (all ? "not ready" : "ready, degraded") : "ready";
      return { status: ok ? 200 : 503, body: { status, service: "router", checks, degraded } };
    },
  };
}
