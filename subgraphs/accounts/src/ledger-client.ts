// The accounts service's calls to the ledger's internal (@inaccessible) mutations, signed as the current
// caller, so the ledger applies its own authorization to the same person.
import type { SubgraphCaller } from "#kernel/internal-client.js";

export interface LedgerAccountState {
  accountId: string;
  status: "ACTIVE" | "FROZEN" | "CLOSED";
  statusVersion: number;
}

const REGISTER = /* GraphQL */ `
  mutation Register($input: RegisterLedgerAccountInput!) {
    registerLedgerAccount(input: $input) { accountId status statusVersion }
  }`;

const SET_STATE = /* GraphQL */ `
  mutation SetState($accountId: ID!, $status: String!) {
    setLedgerAccountState(accountId: $accountId, status: $status) { accountId status statusVersion }
  }`;

export interface LedgerClient {
  register(input: { accountId: string; ownerId: string; number: string; currency: string; overdraftLimitMinor: bigint }): Promise<LedgerAccountState>;
  setState(accountId: string, status: LedgerAccountState["status"]): Promise<LedgerAccountState>;
}

/** Signatures name the ledger's subgraph, so no other subgraph would accept them. */
const LEDGER = { audience: "transactions" };

export function createLedgerClient(url: string, callSubgraph: SubgraphCaller): LedgerClient {
  return {
    async register(input) {
      const data = await callSubgraph.request<{ registerLedgerAccount: LedgerAccountState }>(
        url,
        REGISTER,
        { input: { ...input, overdraftLimitMinor: String(input.overdraftLimitMinor) } },
        LEDGER,
      );
      return data.registerLedgerAccount;
    },
    async setState(accountId, status) {
      const data = await callSubgraph.request<{ setLedgerAccountState: LedgerAccountState }>(url, SET_STATE, { accountId, status }, LEDGER);
      return data.setLedgerAccountState;
    },
  };
}
