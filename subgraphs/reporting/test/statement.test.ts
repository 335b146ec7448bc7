import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GraphQLError } from "graphql";
import type { LedgerSlice } from "../src/ledger-client.js";
import { ReconciliationError, buildStatement } from "../src/statement.js";

const FROM = new Date("2026-01-01T00:00:00.000Z");
const TO = new Date("2026-02-01T00:00:00.000Z");
const ACCOUNT_ID = "3f1c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f";

/** A ledger slice whose running balances are consistent, built from signed movements in minor units. */
function sliceOf(opening: bigint, movements: bigint[], currency = "USD"): LedgerSlice {
  let running = opening;
  const entries = movements.map((amount, index) => {
    running += amount;
    return {
      transactionId: `00000000-0000-4000-8000-${String(index + 1).padStart(12, "0")}`,
      kind: amount > 0n ? "DEPOSIT" : "WITHDRAWAL",
      reference: index % 2 === 0 ? `ref-${index + 1}` : null,
      postedAt: new Date(FROM.getTime() + (index + 1) * 3_600_000).toISOString(),
      amountMinor: amount.toString(),
      balanceAfterMinor: running.toString(),
    };
  });
  return {
    accountId: ACCOUNT_ID,
    currency,
    openingBalanceMinor: opening.toString(),
    closingBalanceMinor: running.toString(),
    entries,
  };
}

function assertReconciliationFailure(run: () => unknown, message: RegExp) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ReconciliationError, `expected a ReconciliationError, got ${String(error)}`);
    assert.ok(error instanceof GraphQLError, "the client must receive it as a GraphQL error");
    assert.equal(error.extensions.code, "RECONCILIATION_FAILED");
    assert.match(error.message, message);
    return true;
  });
}

describe("buildStatement", () => {
  test("opening balance plus the entries equals the closing balance", () => {
    const statement = buildStatement(sliceOf(10_000n, [2_500n, -1_200n, -300n, 50_000n]), FROM, TO);
    assert.equal(statement.openingBalanceMinor, 10_000n);
    assert.equal(statement.closingBalanceMinor, 61_000n);
    const sum = statement.entries.reduce((total, entry) => total + entry.amountMinor, 0n);
    assert.equal(statement.openingBalanceMinor + sum, statement.closingBalanceMinor);
  });

  test("totals credits (money in) and debits (money out, negative) separately", () => {
    const statement = buildStatement(sliceOf(10_000n, [2_500n, -1_200n, -300n, 50_000n]), FROM, TO);
    assert.equal(statement.totalCreditsMinor, 52_500n);
    assert.equal(statement.totalDebitsMinor, -1_500n);
    assert.equal(statement.openingBalanceMinor + statement.totalCreditsMinor + statement.totalDebitsMinor, statement.closingBalanceMinor);
  });

  test("each entry carries its running balance, date, reference and the statement's currency", () => {
    const slice = sliceOf(0n, [1_000n, -250n], "EUR");
    const statement = buildStatement(slice, FROM, TO);
    assert.deepEqual(
      statement.entries.map((entry) => [entry.amountMinor, entry.balanceAfterMinor, entry.currency, entry.reference]),
      [
        [1_000n, 1_000n, "EUR", "ref-1"],
        [-250n, 750n, "EUR", null],
      ],
    );
    assert.equal(statement.entries[0]?.transactionId, slice.entries[0]?.transactionId);
    assert.ok(statement.entries[0]?.postedAt instanceof Date);
    assert.equal(statement.entries[0]?.postedAt.toISOString(), slice.entries[0]?.postedAt);
    assert.equal(statement.accountId, ACCOUNT_ID);
    assert.equal(statement.currency, "EUR");
    assert.equal(statement.from, FROM);
    assert.equal(statement.to, TO);
  });

  test("a period with no movements has closing equal to opening and zero totals", () => {
    const statement = buildStatement(sliceOf(4_200n, []), FROM, TO);
    assert.deepEqual(statement.entries, []);
    assert.equal(statement.closingBalanceMinor, 4_200n);
    assert.equal(statement.totalCreditsMinor, 0n);
    assert.equal(statement.totalDebitsMinor, 0n);
  });

  test("overdrawn balances and amounts beyond Number precision stay exact", () => {
    const big = 9_007_199_254_740_993n; // 2^53 + 1: a float would round it
    const statement = buildStatement(sliceOf(-5_000n, [big, -big, -1n]), FROM, TO);
    assert.equal(statement.closingBalanceMinor, -5_001n);
    assert.equal(statement.totalCreditsMinor, big);
    assert.equal(statement.totalDebitsMinor, -big - 1n);
    assert.equal(statement.entries[0]?.balanceAfterMinor, big - 5_000n);
  });
});

describe("reconciliation failures refuse the statement", () => {
  test("a wrong running balance on an entry", () => {
    const slice = sliceOf(10_000n, [2_500n, -1_200n, -300n]);
    const tampered = slice.entries[1]!;
    tampered.balanceAfterMinor = (BigInt(tampered.balanceAfterMinor) + 1n).toString();
    assertReconciliationFailure(() => buildStatement(slice, FROM, TO), new RegExp(`transaction ${tampered.transactionId}`));
  });

  test("an entry whose amount was changed after the fact", () => {
    const slice = sliceOf(10_000n, [2_500n, -1_200n]);
    slice.entries[0]!.amountMinor = "2600";
    assertReconciliationFailure(() => buildStatement(slice, FROM, TO), /Running balance does not match/);
  });

  test("a wrong closing balance", () => {
    const slice = sliceOf(10_000n, [2_500n, -1_200n]);
    slice.closingBalanceMinor = "11299";
    assertReconciliationFailure(() => buildStatement(slice, FROM, TO), /closing balance/);
  });

  test("a wrong opening balance", () => {
    const slice = sliceOf(10_000n, [2_500n]);
    slice.openingBalanceMinor = "9999";
    assertReconciliationFailure(() => buildStatement(slice, FROM, TO), /Running balance does not match/);
  });

  test("a missing entry (the remaining ones no longer add up)", () => {
    const slice = sliceOf(10_000n, [2_500n, -1_200n, -300n]);
    slice.entries.splice(1, 1);
    assertReconciliationFailure(() => buildStatement(slice, FROM, TO), /Running balance does not match/);
  });

  test("an empty period whose closing differs from opening", () => {
    const slice = sliceOf(10_000n, []);
    slice.closingBalanceMinor = "10001";
    assertReconciliationFailure(() => buildStatement(slice, FROM, TO), /closing balance/);
  });
});
