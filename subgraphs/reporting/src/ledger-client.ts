// Reads ledger data from the transactions subgraph on the caller's behalf (forwarding the router-signed
// identity, so the ledger applies its own authorization). Reporting never reads the ledger's tables.
import { GraphQLError } from "graphql";
import { ErrorCode, domainError } from "../../../kernel/errors.js";
import { IDENTITY_HEADER } from "../../../kernel/identity.js";

export interface LedgerSlice {
  accountId: string;
  currency: string;
  openingBalanceMinor: string;
  closingBalanceMinor: string;
  entries: { transactionId: string; reference: string | null; postedAt: string; amountMinor: string; balanceAfterMinor: string }[];
}

const LEDGER_SLICE = /* GraphQL */ `
  query LedgerSlice($accountId: ID!, $from: DateTime!, $to: DateTime!) {
    ledgerSlice(accountId: $accountId, from: $from, to: $to) {
      accountId currency openingBalanceMinor closingBalanceMinor
      entries { transactionId reference postedAt amountMinor balanceAfterMinor }
    }
  }`;

/** Error codes from the ledger that mean something to the client and pass through unchanged. */
const PASS_THROUGH = new Set<string>([ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.BAD_USER_INPUT, ErrorCode.NOT_FOUND]);

export interface LedgerClient {
  slice(accountId: string, from: Date, to: Date): Promise<LedgerSlice>;
}

export function createLedgerClient(url: string, identityToken: string, requestId: string, timeoutMs: number): LedgerClient {
  return {
    async slice(accountId, from, to) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", [IDENTITY_HEADER]: identityToken, "x-request-id": requestId },
        body: JSON.stringify({ query: LEDGER_SLICE, variables: { accountId, from: from.toISOString(), to: to.toISOString() } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = (await response.json()) as {
        data?: { ledgerSlice: LedgerSlice | null };
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      const error = body.errors?.[0];
      if (error) {
        const code = error.extensions?.code;
        if (code && PASS_THROUGH.has(code)) throw domainError(code as ErrorCode, error.message);
        throw new GraphQLError(`ledger query failed: ${error.message}`);
      }
      if (!body.data?.ledgerSlice) throw new GraphQLError(`ledger query failed with HTTP ${response.status}`);
      return body.data.ledgerSlice;
    },
  };
}
