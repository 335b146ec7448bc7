// `npm start` with no DATABASE_URL/REDIS_URL: embedded Postgres (PGlite over the wire protocol), the
// in-process event transport and pub/sub, data kept in DATA_DIR. One data directory for the file: the
// platform boots, is stopped and boots again on the same data, and the restarted one serves the
// subscription and reporting checks too (an embedded boot costs as much as three on a server's Postgres).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { liveClient } from "./support/realtime.js";
import { freePort, graphql, login, metricValue, startStack, type Stack } from "./support/stack.js";
import { eventually, until } from "./support/wait.js";

const QUERY = `{ me { id accounts { id number balance { amount currency } transactions(first: 5) { edges { node { kind } } } } } }`;
const TRANSFER = `mutation Transfer($input: TransferInput!) { transfer(input: $input) { transaction { id } } }`;

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

describe("the embedded mode", () => {
  let dataDir: string;
  /** The platform after its restart on the first one's data: what the later tests use. */
  let restarted: Stack | undefined;
  const platform = () => {
    if (!restarted) throw new Error("the restarted embedded platform is not running (see the first test)");
    return restarted;
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "fedbank-embedded-"));
  });

  after(async () => {
    try {
      if (restarted) assert.equal(await restarted.stop(), 0, `exit code after SIGTERM\n${restarted.output().slice(-3000)}`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test("boots on PGlite, answers the dashboard query, stops cleanly and keeps its data", { timeout: 600_000 }, async () => {
    const postgresPort = await freePort();
    const env = { DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(postgresPort), REDIS_URL: "" };
    const first = await startStack(env);
    let firstView: { me: { id: string; accounts: { id: string; number: string; balance: { amount: string } }[] } };
    try {
      // The banner follows the router's start: the readiness probe can answer before it is written.
      await eventually("the start banner", async () => first.output(), (output) => /embedded PGlite/.test(output), { timeoutMs: 10_000 });
      const token = await login(first.routerUrl, "alice@demo.bank");
      const { body } = await graphql<typeof firstView>(first.routerUrl, QUERY, {}, token);
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      firstView = body.data!;
      const checking = firstView.me.accounts.find((account) => account.number === "FB65FDBK12817536338047");
      assert.deepEqual(checking?.balance, { amount: "1894.49", currency: "USD" });

      // Concurrent requests on the one PGlite session: every transfer answers correctly and money adds up.
      const transfers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          graphql(first.routerUrl, TRANSFER, {
            input: { fromAccountId: checking!.id, toAccountNumber: "FB82FDBK88850174739711", amount: "1.00", idempotencyKey: `embedded-${i}` },
          }, token),
        ),
      );
      for (const { body: moved } of transfers) assert.equal(moved.errors, undefined, JSON.stringify(moved.errors));
      const after = await graphql<typeof firstView>(first.routerUrl, QUERY, {}, token);
      const balances = Object.fromEntries(after.body.data!.me.accounts.map((account) => [account.number, account.balance.amount]));
      assert.equal(balances.FB65FDBK12817536338047, "1886.49");
      firstView = after.body.data!;
    } finally {
      assert.equal(await first.stop(), 0, `exit code after SIGTERM\n${first.output()}`);
    }
    assert.equal(await portIsOpen(postgresPort), false, "nothing keeps listening after the platform stopped");
    assert.ok((await stat(join(dataDir, "pglite"))).isDirectory());
    assert.ok((await stat(join(dataDir, "secrets", "jwt-ed25519.pem"))).mode & 0o600);

    restarted = await startStack(env);
    const token = await login(restarted.routerUrl, "alice@demo.bank");
    const { body } = await graphql<typeof firstView>(restarted.routerUrl, QUERY, {}, token);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    // Same user, same balances: the data survived and the seed did not run twice.
    assert.equal(body.data!.me.id, firstView.me.id);
    assert.deepEqual(body.data!.me.accounts, firstView.me.accounts);
  });

  test("a transfer to alice reaches her notificationReceived subscription (in-process pub/sub)", async () => {
    const stack = platform();
    const alice = await login(stack.routerUrl, "alice@demo.bank");
    const bob = await login(stack.routerUrl, "bob@demo.bank");
    const client = liveClient(stack.routerUrl, alice);
    try {
      const usd = async (token: string) =>
        ((await graphql(stack.routerUrl, "{ me { accounts { id number currency } } }", {}, token)).body.data as { me: { accounts: { id: string; number: string; currency: string }[] } }).me.accounts.find(
          (account) => account.currency === "USD",
        )!;
      const [to, from] = [await usd(alice), await usd(bob)];
      const live = client.subscribe("subscription { notificationReceived { kind transaction { id amount { amount } } } }");
      await until("the subscription is live on the router", async () => (await metricValue(stack.ports.router, "fedbank_router_subscriptions_active")) >= 1, { intervalMs: 50 });
      const { body } = await graphql(stack.routerUrl, OPS.transfer, { input: { fromAccountId: from.id, toAccountNumber: to.number, amount: "7.89", idempotencyKey: randomUUID() } }, bob);
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      const id = (body.data as { transfer: { transaction: { id: string } } }).transfer.transaction.id;
      type Event = { notificationReceived: { kind: string; transaction: { id: string; amount: { amount: string } } | null } };
      const event = (await live.next((each) => (each.data as Event | null)?.notificationReceived.transaction?.id === id, 60_000)).data as Event;
      assert.equal(event.notificationReceived.kind, "MONEY_RECEIVED");
      assert.equal(event.notificationReceived.transaction?.amount.amount, "7.89");
    } finally {
      await client.dispose();
    }
  });

  test("a transfer reaches the daily summary, the statement adds up, the day reconciles after a repair (in-process events)", async () => {
    const stack = platform();
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
    const after = await eventually("the transfer in the projection", transfers, (now) => now.count === before.count + 1, { intervalMs: 250 });
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
  });
});
