// Reads ledger data from the transactions subgraph on the caller's behalf (signed as the same
// caller, so the ledger applies its own authorization). Reporting never reads the ledger's tables.
import { GraphQLError } from "graphql";
import type { SubgraphCaller } from "#kernel/internal-client.js";

export interface LedgerSlice {
  accountId: string;
  currency: string;
  openingBalanceMinor: string;
  closingBalanceMinor: string;
  entries: { transactionId: string; kind: string; reference: string | null; postedAt: string; amountMinor: string; balanceAfterMinor: string }[];
}

/** Bank-wide figures of one metric and currency over a period (counts and minor units as decimal strings). */
export interface LedgerTotals {
  currency: string;
  metric: string;
  count: string;
  volumeMinor: string;
}

const LEDGER_SLICE = /* GraphQL */ `
  query LedgerSlice($accountId: ID!, $from: DateTime!, $to: DateTime!) {
    ledgerSlice(accountId: $accountId, from: $from, to: $to) {
      accountId currency openingBalanceMinor closingBalanceMinor
      entries { transactionId kind reference postedAt amountMinor balanceAfterMinor }
    }
  }`;

const LEDGER_TOTALS = /* GraphQL */ `
  query LedgerTotals($from: DateTime!, $to: DateTime!) {
    ledgerTotals(from: $from, to: $to) { currency metric count volumeMinor }
  }`;

export interface LedgerClient {
  slice(accountId: string, from: Date, to: Date): Promise<LedgerSlice>;
  totals(from: Date, to: Date): Promise<LedgerTotals[]>;
}

export function createLedgerClient(url: string, callSubgraph: SubgraphCaller): LedgerClient {
  return {
    async slice(accountId, from, to) {
      const data = await callSubgraph.request<{ ledgerSlice: LedgerSlice | null }>(url, LEDGER_SLICE, {
        accountId,
        from: from.toISOString(),
        to: to.toISOString(),
      }, { audience: "transactions" });
      if (!data.ledgerSlice) throw new GraphQLError("ledger returned no slice");
      return data.ledgerSlice;
    },
    async totals(from, to) {
      const data = await callSubgraph.request<{ ledgerTotals: LedgerTotals[] }>(url, LEDGER_TOTALS, {
        from: from.toISOString(),
        to: to.toISOString(),
      }, { audience: "transactions" });
      return data.ledgerTotals;
    },
  };
}
