// Reporting in the embedded mode (`npm start` with no DATABASE_URL/REDIS_URL: PGlite and the in-process event
// transport): the consumers feed the projection, the summary and the statement answer, reconciliation holds.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { freePort, graphql, login, startStack } from "./support/stack.js";

test("embedded: a transfer reaches the daily summary, the statement adds up, the day reconciles after a repair", { timeout: 600_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "fedbank-reporting-embedded-"));
  const stack = await startStack({ DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()), REDIS_URL: "" });
  try {
    const today = new Date().toISOString().slice(0, 10);
    const alice = await login(stack.routerUrl, "alice@demo.bank");
    const analyst = await login(stack.routerUrl, "analyst@demo.bank");
    const admin = await login(stack.routerUrl, "admin@demo.bank");
    const call = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
      const { body } = await graphql(stack.routerUrl, query, variables, token);
      assert.equal(body.errors, undefined, `${JSON.stringify(body.errors)}\n${stack.output().slice(-3000)}`);
      return body.data as any;
    };
    // The seed's movements have no events: repair the day first, so later figures come from events only.
    await call(admin, `mutation($d: String!) { reconcileReporting(date: $d, repair: true) { consistent } }`, { d: today });
    const DAILY = `query($d: String!) { dailySummary(date: $d, currency: "USD") { movements { kind count volume { amount } } } }`;
    const transfers = async () => (await call(analyst, DAILY, { d: today })).dailySummary.movements.find((m: any) => m.kind === "TRANSFER");
    const before = await transfers();
    const accounts = (await call(alice, "{ me { accounts { id number currency } } }")).me.accounts.filter((a: any) => a.currency === "USD");
    await call(alice, OPS.transfer, { input: { fromAccountId: accounts[0].id, toAccountId: accounts[1].id, amount: "3.21", idempotencyKey: randomUUID() } });
    const deadline = Date.now() + 60_000;
    let after = await transfers();
    while (after.count !== before.count + 1) {
      assert.ok(Date.now() < deadline, `the transfer never reached the projection: ${JSON.stringify(after)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = await transfers();
    }
    assert.equal(BigInt(after.volume.amount.replace(".", "")) - BigInt(before.volume.amount.replace(".", "")), 321n);
    const report = await call(analyst, `mutation($d: String!) { reconcileReporting(date: $d) { consistent differences { metric } } }`, { d: today });
    assert.deepEqual(report.reconcileReporting, { consistent: true, differences: [] });
    const period = { id: accounts[0].id, from: `${today}T00:00:00.000Z`, to: new Date(Date.now() + 60_000).toISOString() };
    const statement = (await call(alice, `query($id: ID!, $from: DateTime!, $to: DateTime!) {
      accountStatement(accountId: $id, from: $from, to: $to) { closingBalance { amount } entries { amount { amount } } }
      account(id: $id) { balance { amount } } }`, period));
    assert.equal(statement.accountStatement.closingBalance.amount, statement.account.balance.amount);
    const csv = (await call(alice, `query($id: ID!, $from: DateTime!, $to: DateTime!) { accountStatementCsv(accountId: $id, from: $from, to: $to) }`, period)).accountStatementCsv;
    assert.equal(csv.split("\r\n").length, statement.accountStatement.entries.length + 4, "header, opening, entries, closing, final CRLF");
  } finally {
    assert.equal(await stack.stop(), 0);
    await rm(dataDir, { recursive: true, force: true });
  }
});
