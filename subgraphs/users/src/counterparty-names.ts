// Another customer reached through the graph (the payee of a hold, the payer of a transfer) is shown by name
// only once money has actually moved between the two: before that, a guessed account number must not tell
// an attacker whose account it is ("B*** O***"). The ledger (transactions service) answers, per request and
// batched; when it cannot, the name stays masked.
import DataLoader from "dataloader";
import type { RequestBase } from "#kernel/subgraph-server.js";

/** The first letter of each word, then a fixed number of stars (the length is not revealed either). */
export function maskName(name: string): string {
  return name
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${[...word][0]!.toLocaleUpperCase()}***`)
    .join(" ");
}

const LEDGER_COUNTERPARTIES = /* GraphQL */ `
  query LedgerCounterparties($userIds: [ID!]!) { ledgerCounterparties(userIds: $userIds) }`;

/** Per request: user id → whether the caller has exchanged money with that user. */
export function createMoneyExchangedLoader(base: Pick<RequestBase, "callSubgraph" | "log">, transactionsUrl: string | undefined) {
  return new DataLoader<string, boolean>(async (userIds) => {
    if (!transactionsUrl) return userIds.map(() => false);
    try {
      const data = await base.callSubgraph.request<{ ledgerCounterparties: string[] }>(
        transactionsUrl,
        LEDGER_COUNTERPARTIES,
        { userIds },
        { audience: "transactions" },
      );
      const exchanged = new Set(data.ledgerCounterparties.map((id) => id.toLowerCase()));
      return userIds.map((id) => exchanged.has(id.toLowerCase()));
    } catch (error) {
      base.log.warn({ err: error }, "ledger counterparties unavailable: counterparty names stay masked");
      return userIds.map(() => false);
    }
  });
}
