// Resilience towards the subgraphs: one circuit breaker per subgraph (cockatiel), and retries with jitter for
// fetches that are safe to repeat. A subgraph that keeps failing is not called at all while its circuit is
// open, so a dead service costs the router one fast error instead of a connection attempt (or a timeout)
// per request, and it is tried again, alone, after a cool-down.
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  decorrelatedJitterGenerator,
  handleWhen,
  retry,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from "cockatiel";
import { GraphQLError } from "graphql";

export interface SubgraphPolicyOptions {
  /** Retries after the first attempt for idempotent fetches (0 = none). */
  retries: number;
  /** First retry delay; later ones grow exponentially with decorrelated jitter, capped at 20x. */
  retryBaseDelayMs: number;
  /** Consecutive failed fetches that open the circuit. */
  breakerFailures: number;
  /** How long an open circuit refuses calls before one trial call (half-open) may go through. */
  breakerCooldownMs: number;
}

export interface SubgraphPolicyEvents {
  retry(subgraph: string): void;
  failure(subgraph: string, reason: FailureKind): void;
  stateChange(subgraph: string, state: CircuitStateName): void;
}

export type FailureKind = "network" | "timeout" | "status" | "invalid-response" | "circuit-open";
export type CircuitStateName = "closed" | "open" | "half-open";

const STATE_NAMES: Record<CircuitState, CircuitStateName> = {
  [CircuitState.Closed]: "closed",
  [CircuitState.Open]: "open",
  [CircuitState.HalfOpen]: "half-open",
  [CircuitState.Isolated]: "open",
};

/** Numeric value of a state in the `fedbank_router_subgraph_circuit_state` gauge. */
export const CIRCUIT_STATE_VALUE: Record<CircuitStateName, number> = { closed: 0, open: 1, "half-open": 2 };

/**
 * What went wrong with a fetch, or null when the subgraph itself is healthy (a 4xx answer: the request was
 * refused, e.g. a bad signature; retrying or breaking the circuit would not help).
 */
export function classifyFailure(error: unknown): FailureKind | null {
  if (error instanceof BrokenCircuitError) return "circuit-open";
  if (error instanceof GraphQLError) {
    // RemoteGraphQLDataSource.errorFromResponse: a non-2xx HTTP answer.
    const status = (error.extensions?.response as { status?: number } | undefined)?.status;
    if (typeof status === "number") return status >= 500 ? "status" : null;
    return "invalid-response";
  }
  const details = error as { type?: string; code?: string; name?: string; message?: string };
  if (details?.type === "request-timeout" || details?.code === "ETIMEDOUT" || details?.name === "AbortError" || details?.name === "TimeoutError") {
    return "timeout";
  }
  if (details?.type === "system" || typeof details?.code === "string") return "network";
  if (details?.message?.startsWith("Expected JSON response body")) return "invalid-response";
  return "network";
}

/**
 * Failures worth another attempt: the connection failed (refused, reset: nothing was processed, or a pooled
 * socket was stale) or a gateway-style 502/503/504. A timeout is not retried: the subgraph may still be
 * working on it, and a retry would double the wait the client already had.
 */
function isRetryable(error: unknown): boolean {
  const kind = classifyFailure(error);
  if (kind === "network") return true;
  if (kind === "status") {
    const status = ((error as GraphQLError).extensions?.response as { status?: number }).status;
    return status === 502 || status === 503 || status === 504;
  }
  return false;
}

/** The breaker counts every failure of the subgraph (not its 4xx refusals). */
const countsAsFailure = (error: unknown) => {
  const kind = classifyFailure(error);
  return kind !== null && kind !== "circuit-open";
};

interface Policies {
  breaker: CircuitBreakerPolicy;
  idempotent: IPolicy;
}

export class SubgraphPolicies {
  private readonly policies = new Map<string, Policies>();

  constructor(
    private readonly options: SubgraphPolicyOptions,
    private readonly events: SubgraphPolicyEvents,
  ) {}

  private policiesFor(subgraph: string): Policies {
    let policies = this.policies.get(subgraph);
    if (policies) return policies;
    const breaker = circuitBreaker(handleWhen(countsAsFailure), {
      breaker: new ConsecutiveBreaker(this.options.breakerFailures),
      halfOpenAfter: this.options.breakerCooldownMs,
    });
    breaker.onStateChange((state) => this.events.stateChange(subgraph, STATE_NAMES[state]));
    breaker.onFailure(({ reason }) => {
      if ("error" in reason) {
        const kind = classifyFailure(reason.error);
        if (kind) this.events.failure(subgraph, kind);
      }
    });
    const retries = retry(handleWhen(isRetryable), {
      maxAttempts: this.options.retries,
      backoff: new ExponentialBackoff({
        initialDelay: this.options.retryBaseDelayMs,
        maxDelay: this.options.retryBaseDelayMs * 20,
        generator: decorrelatedJitterGenerator,
      }),
    });
    retries.onRetry(() => this.events.retry(subgraph));
    // Each attempt goes through the breaker: an opened circuit stops the retries (BrokenCircuitError is
    // not retryable).
    policies = { breaker, idempotent: wrap(retries, breaker) };
    this.policies.set(subgraph, policies);
    this.events.stateChange(subgraph, "closed");
    return policies;
  }

  /** Registers a subgraph so its circuit state is reported (metrics, /ready) before its first fetch. */
  register(subgraph: string) {
    this.policiesFor(subgraph);
  }

  /**
   * Runs one subgraph fetch. `idempotent` fetches (those of a query operation) may be retried; a mutation's
   * fetch is attempted once, whatever happens, since it may have reached the subgraph.
   */
  async run<T>(subgraph: string, idempotent: boolean, fetch: () => Promise<T>): Promise<T> {
    const policies = this.policiesFor(subgraph);
    try {
      return idempotent ? ((await policies.idempotent.execute(fetch)) as T) : await policies.breaker.execute(fetch);
    } catch (error) {
      // Refused by the open circuit: the subgraph was not called (the breaker reports its own failures).
      if (error instanceof BrokenCircuitError) this.events.failure(subgraph, "circuit-open");
      throw error;
    }
  }

  /** Each registered subgraph's circuit state. */
  states(): Record<string, CircuitStateName> {
    return Object.fromEntries([...this.policies].map(([name, { breaker }]) => [name, STATE_NAMES[breaker.state]]));
  }
}
