// Ledger metrics (docs/operations.md): every money-moving mutation counted by kind and outcome, so
// dashboards show transfer volume and alerts fire on internal failures (not on refusals a client caused).
// The mutations' resolvers are wrapped, not changed: the count follows what the client was answered.
import { GraphQLError } from "graphql";
import { Counter, type Registry } from "prom-client";
import { isClientCode } from "#kernel/errors.js";

/** Mutations that move (or reserve) money, and their `kind` label. */
const MONEY_MOVEMENTS: Record<string, string> = {
  deposit: "deposit",
  withdraw: "withdrawal",
  transfer: "transfer",
  reverseTransaction: "reversal",
  authorizeTransfer: "authorization",
  captureTransfer: "capture",
  voidTransfer: "void",
};

export const ledgerMetrics = {
  movements: new Counter({
    name: "fedbank_ledger_transfers_total",
    help: "Money-moving mutations by kind and outcome: posted, replayed (same idempotency key), refused (client error), error (internal)",
    labelNames: ["kind", "outcome"],
    registers: [],
  }),
};

export function registerLedgerMetrics(registry: Registry): void {
  if (!registry.getSingleMetric("fedbank_ledger_transfers_total")) registry.registerMetric(ledgerMetrics.movements);
}

type Resolver = (...args: unknown[]) => unknown;

function outcomeOfError(error: unknown): "refused" | "error" {
  return error instanceof GraphQLError && isClientCode(error.extensions?.code) ? "refused" : "error";
}

/** The resolver map with each money-moving mutation counted. */
export function withLedgerMetrics<R extends { Mutation?: object }>(resolvers: R): R {
  const mutations = { ...(resolvers.Mutation as Record<string, Resolver | undefined>) };
  for (const [field, kind] of Object.entries(MONEY_MOVEMENTS)) {
    const resolve = mutations[field];
    if (typeof resolve !== "function") continue;
    mutations[field] = async (...args: unknown[]) => {
      try {
        const result = await resolve(...args);
        const replayed = (result as { replayed?: unknown } | null)?.replayed === true;
        ledgerMetrics.movements.inc({ kind, outcome: replayed ? "replayed" : "posted" });
        return result;
      } catch (error) {
        ledgerMetrics.movements.inc({ kind, outcome: outcomeOfError(error) });
        throw error;
      }
    };
  }
  return { ...resolvers, Mutation: mutations };
}
