// Reporting through the real router on a fresh Postgres: a seeded random workload of deposits, transfers,
// withdrawals and refused transfers; then statements reconcile with the ledger (for random accounts and
// periods), the CSV says what the GraphQL statement says, summaries and KPIs equal what was done,
// reconciliation finds nothing and then finds a corrupted projection row, and only the right roles get in.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { createClient } from "redis";
import { createDatabase, type Database } from "#kernel/db.js";
import { createLogger } from "#kernel/logger.js";
import { formatAmount, parseAmount } from "#domain/money.js";
import { dashboardMetricsStream } from "../subgraphs/reporting/src/resolvers/dashboard-metrics.js";
import type { ReportingContext } from "../subgraphs/reporting/src/context.js";
import type { DashboardMetricsView } from "../subgraphs/reporting/src/summaries.js";
import { createScheduledReconciliation } from "../subgraphs/reporting/src/scheduled-reconciliation.js";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { liveClient, type LiveClient } from "./support/realtime.js";
import { usePlatform } from "./support/platform.js";
import { TEST_REDIS_URL, graphql, login, type Stack, type TestDatabase } from "./support/stack.js";
import { eventually } from "./support/wait.js";
import { rng } from "./support/random.js";

type Body = { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };

let database: TestDatabase;
let stack: Stack;
let sql: pg.Pool;
const tokens: Record<string, string> = {};
const TODAY = new Date().toISOString().slice(0, 10);
/** Shared with the scheduled-reconciliation job run by the test itself (it signs its ledger calls). */
const IDENTITY_SECRET = randomBytes(32).toString("base64url");

async function call(who: string, query: string, variables: Record<string, unknown> = {}): Promise<Body> {
  return (await graphql(stack.routerUrl, query, variables, tokens[who])).body as Body;
}

function ok(body: Body) {
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

/** A USD decimal string (possibly negative) in minor units, exactly. */
function signedMinor(amount: string): bigint {
  assert.match(amount, /^-?\d+\.\d{2}$/, "USD amounts carry exactly two decimals");
  return BigInt(amount.replace(".", ""));
}

const codeOf = (body: Body) => body.errors?.[0]?.extensions?.code;


const STATEMENT = /* GraphQL */ `query Statement($id: ID!, $from: DateTime!, $to: DateTime!) {
  accountStatement(accountId: $id, from: $from, to: $to) {
    account { id } from to openingBalance { amount currency } closingBalance { amount currency }
    totalCredits { amount } totalDebits { amount }
    entries { transaction { id } postedAt amount { amount currency } balanceAfter { amount } reference kind }
  }
}`;
const STATEMENT_CSV = /* GraphQL */ `query StatementCsv($id: ID!, $from: DateTime!, $to: DateTime!) {
  accountStatementCsv(accountId: $id, from: $from, to: $to)
}`;
const DAILY = /* GraphQL */ `query Daily($date: String!, $currency: String!) {
  dailySummary(date: $date, currency: $currency) {
    period currency failedTransfers newAccounts activeUsers movements { kind count volume { amount currency } }
  }
}`;
const MONTHLY = DAILY.replace("Daily($date", "Monthly($month").replace("dailySummary(date: $date", "monthlySummary(month: $month");
const KPIS = /* GraphQL */ `query Kpis($from: String!, $to: String!) {
  kpis(range: { from: $from, to: $to }) {
    from to days activeUsers averageDailyActiveUsers
    currencies { currency transactionCount volume { amount } transferCount averageTransfer { amount } failedTransfers transferFailureRate newAccounts }
  }
}`;
const RECONCILE = /* GraphQL */ `mutation Reconcile($date: String!, $repair: Boolean) {
  reconcileReporting(date: $date, repair: $repair) {
    date consistent repaired differences { currency metric measure ledger projection }
  }
}`;

/** The ledger's own figures for today, straight from its tables (the test's independent oracle). */
async function ledgerFigures(currency: string) {
  const { rows } = await sql.query(
    `SELECT kind::text AS kind, count(*)::int AS count, COALESCE(sum(amount_minor), 0)::text AS volume
       FROM ledger.transactions WHERE created_at >= $1::date AND created_at < $1::date + 1 AND currency = $2 GROUP BY kind`,
    [TODAY, currency],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, { count: row.count as number, volume: BigInt(row.volume) }]));
}

/** Balance of an account just before `to`, from the postings (last running balance before it). */
async function ledgerBalanceAt(accountId: string, to: Date): Promise<bigint> {
  const { rows } = await sql.query(
    `SELECT balance_after_minor::text AS balance FROM ledger.postings WHERE account_id = $1 AND created_at < $2 ORDER BY id DESC LIMIT 1`,
    [accountId, to],
  );
  return rows[0] ? BigInt(rows[0].balance) : 0n;
}

/** Polls until the projections caught up (`done` holds); the failure shows the last value. */
const caughtUp = <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string) => eventually(what, read, done, { timeoutMs: 60_000, intervalMs: 250 });

/** RFC 4180 parser for the test's side: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") record.push(field), (field = "");
    else if (char === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      (record = []), (field = ""), (i += 1);
    } else field += char;
  }
  assert.equal(field + record.join(""), "", "the CSV ends with CRLF");
  return records;
}

interface Workload {
  accounts: { id: string; owner: "alice" | "bob" }[];
  start: Date;
  transfers: { count: number; volume: bigint };
  deposits: { count: number; volume: bigint };
  withdrawals: { count: number; volume: bigint };
  failed: number;
}
let workload: Workload;
let baseline: Awaited<ReturnType<typeof ledgerFigures>>;

const platform = usePlatform({ ROUTER_IDENTITY_SECRET: IDENTITY_SECRET });
before(async () => {
  await platform.ready;
  ({ stack, database } = platform);
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
  platform.closeFirst(() => sql.end());
  for (const who of ["alice", "bob", "teller", "admin", "analyst"]) tokens[who] = await login(stack.routerUrl, `${who}@demo.bank`);
  // The demo seed posts its history without events: repair today from the ledger, so the projection
  // starts equal to the ledger and every later difference comes from the workload.
  const repaired = ok(await call("admin", RECONCILE, { date: TODAY, repair: true })).reconcileReporting;
  assert.equal(repaired.repaired, repaired.differences.length > 0);
  assert.equal(ok(await call("analyst", RECONCILE, { date: TODAY })).reconcileReporting.consistent, true);
  baseline = await ledgerFigures("USD");

  const random = rng(20261122);
  const start = new Date();
  const accounts: Workload["accounts"] = [];
  for (const owner of ["alice", "alice", "bob"] as const) {
    const opened = ok(await call(owner, OPS.open, { input: { type: "CHECKING", currency: "USD" } })).openAccount;
    accounts.push({ id: opened.id, owner });
  }
  const tally = { transfers: { count: 0, volume: 0n }, deposits: { count: 0, volume: 0n }, withdrawals: { count: 0, volume: 0n }, failed: 0 };
  const balances = new Map(accounts.map((account) => [account.id, 0n]));
  const references = ["rent", "=HYPERLINK(\"http://evil\")", "+1 dinner, \"split\"", "-cash", "@sum", null, "line\nbreak"];
  for (const account of accounts) {
    const amount = BigInt(5_000 + Math.floor(random() * 5_000));
    ok(await call("teller", OPS.deposit, { input: { accountId: account.id, amount: formatAmount(amount, "USD"), reference: "initial", idempotencyKey: randomUUID() } }));
    balances.set(account.id, amount);
    tally.deposits.count += 1;
    tally.deposits.volume += amount;
  }
  for (let step = 0; step < 40; step += 1) {
    const from = accounts[Math.floor(random() * accounts.length)]!;
    const to = accounts.filter((account) => account.id !== from.id)[Math.floor(random() * 2)]!;
    const roll = random();
    if (roll < 0.1) {
      const amount = BigInt(100 + Math.floor(random() * 900));
      if (amount > balances.get(from.id)!) continue;
      ok(await call("teller", OPS.withdraw, { input: { accountId: from.id, amount: formatAmount(amount, "USD"), idempotencyKey: randomUUID() } }));
      balances.set(from.id, balances.get(from.id)! - amount);
      tally.withdrawals.count += 1;
      tally.withdrawals.volume += amount;
      continue;
    }
    // One in eight asks for more than the account holds: refused, counted as a failed transfer.
    const overdraw = roll > 0.875;
    const amount = overdraw ? balances.get(from.id)! + 1n + BigInt(Math.floor(random() * 1_000)) : BigInt(1 + Math.floor(random() * 1_500));
    const reference = references[Math.floor(random() * references.length)];
    const body = await call(from.owner, OPS.transfer, {
      input: { fromAccountId: from.id, toAccountId: to.id, amount: formatAmount(amount, "USD"), reference, idempotencyKey: randomUUID() },
    });
    if (amount > balances.get(from.id)!) {
      assert.equal(codeOf(body), "INSUFFICIENT_FUNDS", JSON.stringify(body));
      tally.failed += 1;
      continue;
    }
    ok(body);
    balances.set(from.id, balances.get(from.id)! - amount);
    balances.set(to.id, balances.get(to.id)! + amount);
    tally.transfers.count += 1;
    tally.transfers.volume += amount;
  }
  assert.ok(tally.failed > 0 && tally.transfers.count > 10, `the workload mixes outcomes: ${JSON.stringify(tally, (_k, v) => (typeof v === "bigint" ? String(v) : v))}`);
  workload = { accounts, start, ...tally };
});

describe("summaries from the projections", () => {
  test("the daily summary counts exactly what the workload did, by kind, with failures, new accounts and active users", async () => {
    const expectedTransfers = (baseline.TRANSFER?.count ?? 0) + workload.transfers.count;
    const summary = (
      await caughtUp(
        async () => ok(await call("analyst", DAILY, { date: TODAY, currency: "USD" })).dailySummary,
        (value: any) =>
          value.movements.find((m: any) => m.kind === "TRANSFER").count === expectedTransfers && value.failedTransfers === workload.failed,
        "the projection catching up with the workload",
      )
    );
    const byKind = Object.fromEntries(summary.movements.map((m: any) => [m.kind, m]));
    assert.deepEqual(Object.keys(byKind), ["DEPOSIT", "WITHDRAWAL", "TRANSFER", "REVERSAL"]);
    const expected = {
      TRANSFER: workload.transfers,
      DEPOSIT: workload.deposits,
      WITHDRAWAL: workload.withdrawals,
      REVERSAL: { count: 0, volume: 0n },
    } as const;
    for (const [kind, done] of Object.entries(expected)) {
      const before = baseline[kind] ?? { count: 0, volume: 0n };
      assert.equal(byKind[kind].count, before.count + done.count, kind);
      assert.equal(byKind[kind].volume.amount, formatAmount(before.volume + done.volume, "USD"), kind);
      assert.equal(byKind[kind].volume.currency, "USD");
    }
    // And the ledger's own tables agree, kind by kind.
    const ledger = await ledgerFigures("USD");
    for (const kind of ["TRANSFER", "DEPOSIT", "WITHDRAWAL"]) {
      assert.equal(byKind[kind].count, ledger[kind]?.count ?? 0, `ledger ${kind}`);
      assert.equal(parseAmount(byKind[kind].volume.amount, "USD"), ledger[kind]?.volume ?? 0n, `ledger ${kind}`);
    }
    assert.equal(summary.failedTransfers, workload.failed);
    const { rows } = await sql.query(
      `SELECT count(*)::int AS n FROM ledger.ledger_accounts WHERE kind = 'CUSTOMER' AND currency = 'USD' AND created_at >= $1::date`,
      [TODAY],
    );
    assert.equal(summary.newAccounts, rows[0].n, "new accounts: the seed's (repaired) and the workload's three");
    // The refusal's ledger.transfer.failed event is not the transfer's change: the audit trail still records
    // each refused transfer as a FAILURE, and a SUCCESS only for the posted ones.
    const audit = await sql.query(
      `SELECT payload->>'outcome' AS outcome, count(*)::int AS n FROM ledger.outbox_events
        WHERE type = 'ledger.audit.recorded' AND payload->>'action' IN ('transfer', 'Mutation.transfer') GROUP BY 1`,
    );
    const outcomes = Object.fromEntries(audit.rows.map((row) => [row.outcome, row.n]));
    assert.deepEqual(outcomes, { SUCCESS: workload.transfers.count, FAILURE: workload.failed }, JSON.stringify(audit.rows));
    // Everyone who logged in today through the API: alice, bob, teller, admin, analyst.
    assert.equal(summary.activeUsers, 5);
  });

  test("the month and the KPIs contain the day; KPIs derive rates and averages exactly", async () => {
    const day = ok(await call("analyst", DAILY, { date: TODAY, currency: "USD" })).dailySummary;
    const month = ok(await call("admin", MONTHLY, { month: TODAY.slice(0, 7), currency: "USD" })).monthlySummary;
    assert.equal(month.period, TODAY.slice(0, 7));
    for (const [index, movement] of month.movements.entries()) {
      assert.ok(movement.count >= day.movements[index].count);
    }
    const kpis = ok(await call("analyst", KPIS, { from: TODAY, to: TODAY })).kpis;
    assert.equal(kpis.days, 1);
    assert.equal(kpis.activeUsers, 5);
    assert.equal(kpis.averageDailyActiveUsers, "5.00");
    const usd = kpis.currencies.find((entry: any) => entry.currency === "USD");
    const transfers = day.movements.find((m: any) => m.kind === "TRANSFER");
    assert.equal(usd.transferCount, transfers.count);
    assert.equal(usd.transactionCount, day.movements.reduce((sum: number, m: any) => sum + m.count, 0));
    assert.equal(usd.failedTransfers, workload.failed);
    const volume = parseAmount(transfers.volume.amount, "USD");
    assert.equal(usd.averageTransfer.amount, formatAmount(volume / BigInt(transfers.count), "USD"));
    const attempts = BigInt(transfers.count + workload.failed);
    const rate = (BigInt(workload.failed) * 10_000n * 2n + attempts) / (attempts * 2n);
    assert.equal(usd.transferFailureRate, `0.${String(rate).padStart(4, "0")}`);
  });

  test("bad periods and currencies are BAD_USER_INPUT", async () => {
    assert.equal(codeOf(await call("analyst", DAILY, { date: "2026-02-30", currency: "USD" })), "BAD_USER_INPUT");
    assert.equal(codeOf(await call("analyst", DAILY, { date: TODAY, currency: "XXX" })), "BAD_USER_INPUT");
    assert.equal(codeOf(await call("analyst", MONTHLY, { month: "2026-13", currency: "USD" })), "BAD_USER_INPUT");
    assert.equal(codeOf(await call("analyst", KPIS, { from: "2020-01-01", to: "2026-01-01" })), "BAD_USER_INPUT");
  });
});

describe("reconciliation", () => {
  test("the projection equals the ledger; a corrupted row is reported figure by figure, and a repair fixes it", async () => {
    const clean = ok(await call("analyst", RECONCILE, { date: TODAY })).reconcileReporting;
    assert.deepEqual(clean, { date: TODAY, consistent: true, repaired: false, differences: [] });
    // The scheduled job (REPORTING_RECONCILE_INTERVAL_MINUTES), run once here: it signs its own ledger calls.
    const db = createDatabase({ url: database.url, poolSize: 1 });
    const job = createScheduledReconciliation({
      intervalMinutes: 0,
      db: db.prisma,
      ledgerUrl: `http://127.0.0.1:${stack.ports.transactions}/graphql`,
      identitySecret: IDENTITY_SECRET,
      timeoutMs: 10_000,
      logger: createLogger("reporting-test", "silent"),
    });
    const gaugeFor = async (day: string) => (await job.gauge.get()).values.find((value) => value.labels.day === day)?.value;
    await job.runOnce();
    assert.equal(await gaugeFor("today"), 0);

    const { rows } = await sql.query(
      `UPDATE reporting.daily_activity SET count = count + 1, volume_minor = volume_minor + 7
        WHERE day = $1::date AND currency = 'USD' AND metric = 'TRANSFER' RETURNING count::text, volume_minor::text`,
      [TODAY],
    );
    assert.equal(rows.length, 1);
    const report = ok(await call("analyst", RECONCILE, { date: TODAY })).reconcileReporting;
    assert.equal(report.consistent, false);
    assert.deepEqual(report.differences, [
      { currency: "USD", metric: "TRANSFER", measure: "COUNT", ledger: String(Number(rows[0].count) - 1), projection: rows[0].count },
      { currency: "USD", metric: "TRANSFER", measure: "VOLUME", ledger: String(BigInt(rows[0].volume_minor) - 7n), projection: rows[0].volume_minor },
    ]);

    await job.runOnce();
    assert.equal(await gaugeFor("today"), 2, "the scheduled check sees the same two differences");
    await db.close();

    assert.equal(codeOf(await call("analyst", RECONCILE, { date: TODAY, repair: true })), "FORBIDDEN", "analysts only check");
    const repaired = ok(await call("admin", RECONCILE, { date: TODAY, repair: true })).reconcileReporting;
    assert.equal(repaired.repaired, true);
    assert.equal(repaired.differences.length, 2);
    assert.equal(ok(await call("analyst", RECONCILE, { date: TODAY })).reconcileReporting.consistent, true);
  });

  test("redelivered events change nothing: the ledger outbox republished, every event arrives twice, the figures stay", async () => {
    const before = ok(await call("analyst", DAILY, { date: TODAY, currency: "USD" })).dailySummary;
    const processed = async () => (await sql.query("SELECT count(*)::int AS n FROM reporting.processed_events")).rows[0].n as number;
    const handledBefore = await processed();
    const { rowCount } = await sql.query("UPDATE ledger.outbox_events SET published_at = NULL WHERE type LIKE 'ledger.transfer.%'");
    assert.ok((rowCount ?? 0) > workload.transfers.count);
    const redis = createClient({ url: TEST_REDIS_URL });
    await redis.connect();
    try {
      // Wait until the relay has published them again and the reporting group has read and acknowledged them.
      await caughtUp(
        async () => {
          const unpublished = (await sql.query("SELECT count(*)::int AS n FROM ledger.outbox_events WHERE published_at IS NULL")).rows[0].n;
          const groups = (await redis.xInfoGroups(`${stack.redisKeyPrefix}events:ledger`)) as unknown as { name: string; pending: number; lag: number | null }[];
          const group = groups.find((candidate) => candidate.name === "reporting");
          return { unpublished, pending: group?.pending, lag: group?.lag };
        },
        (state) => state.unpublished === 0 && state.pending === 0 && state.lag === 0,
        "the republished events being consumed",
      );
    } finally {
      await redis.quit();
    }
    assert.equal(await processed(), handledBefore, "no event was handled a second time");
    assert.deepEqual(ok(await call("analyst", DAILY, { date: TODAY, currency: "USD" })).dailySummary, before);
    assert.equal(ok(await call("analyst", RECONCILE, { date: TODAY })).reconcileReporting.consistent, true);
  });

  test("a day without activity reconciles with nothing on either side", async () => {
    const report = ok(await call("admin", RECONCILE, { date: "2001-01-01" })).reconcileReporting;
    assert.deepEqual(report, { date: "2001-01-01", consistent: true, repaired: false, differences: [] });
  });
});

describe("statements", () => {
  test("for random accounts and periods: opening + entries = closing = the ledger's balance at `to`", async () => {
    const random = rng(7);
    const now = Date.now();
    const span = now - workload.start.getTime();
    for (let sample = 0; sample < 12; sample += 1) {
      const account = workload.accounts[Math.floor(random() * workload.accounts.length)]!;
      const from = new Date(workload.start.getTime() - 1_000 + Math.floor(random() * span));
      const to = sample % 3 === 0 ? new Date(now + 3_600_000) : new Date(from.getTime() + 1 + Math.floor(random() * (now - from.getTime())));
      const statement = ok(await call(account.owner, STATEMENT, { id: account.id, from: from.toISOString(), to: to.toISOString() })).accountStatement;
      const opening = signedMinor(statement.openingBalance.amount);
      const closing = signedMinor(statement.closingBalance.amount);
      let running = opening;
      for (const entry of statement.entries) {
        running += signedMinor(entry.amount.amount);
        assert.equal(signedMinor(entry.balanceAfter.amount), running, "running balance");
        assert.ok(new Date(entry.postedAt) >= from && new Date(entry.postedAt) < to);
      }
      assert.equal(running, closing, "opening + entries = closing");
      assert.equal(closing, await ledgerBalanceAt(account.id, to), "closing = the ledger's balance at `to`");
      assert.equal(opening, await ledgerBalanceAt(account.id, from), "opening = the ledger's balance at `from`");
      if (to.getTime() > now) {
        const live = ok(await call(account.owner, OPS.balances, { id: account.id })).account;
        assert.equal(statement.closingBalance.amount, live.balance.amount, "a period ending in the future closes at today's balance");
      }
    }
  });

  test("the CSV holds the same rows as the GraphQL statement, RFC 4180 quoted and safe from formula injection", async () => {
    const account = workload.accounts[0]!;
    const period = { id: account.id, from: workload.start.toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const statement = ok(await call(account.owner, STATEMENT, period)).accountStatement;
    const csv: string = ok(await call(account.owner, STATEMENT_CSV, period)).accountStatementCsv;
    const records = parseCsv(csv);
    assert.deepEqual(records[0], ["row", "posted_at", "transaction_id", "kind", "reference", "amount", "balance_after", "currency"]);
    assert.deepEqual(records[1], ["OPENING", period.from, "", "", "", "", statement.openingBalance.amount, "USD"]);
    assert.deepEqual(records.at(-1), ["CLOSING", period.to, "", "", "", "", statement.closingBalance.amount, "USD"]);
    const unescape = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);
    const entries = records.slice(2, -1);
    assert.equal(entries.length, statement.entries.length);
    assert.ok(entries.length > 5);
    for (const [index, entry] of statement.entries.entries()) {
      const row = entries[index]!;
      assert.deepEqual(
        [row[0], row[1], row[2], row[3], unescape(row[4]!), row[5], row[6], row[7]],
        ["ENTRY", entry.postedAt, entry.transaction.id, entry.kind, entry.reference ?? "", entry.amount.amount, entry.balanceAfter.amount, "USD"],
      );
      // No text cell may start a formula; negative amounts stay numbers.
      for (const cell of [row[0], row[1], row[2], row[3], row[4], row[7]]) assert.doesNotMatch(cell!, /^[=+\-@]/, `cell ${cell}`);
    }
    assert.ok(entries.some((row) => row[4] === `'=HYPERLINK("http://evil")`), "a formula reference is neutralised");
    assert.ok(csv.includes(`"'+1 dinner, ""split"""`), "commas and quotes are quoted and doubled");
    assert.ok(entries.some((row) => row[5]!.startsWith("-")), "debits are plain negative numbers");
  });

  test("customers get FORBIDDEN for other customers' accounts (as from account(id)); analysts get no statements", async () => {
    const bobs = workload.accounts.find((account) => account.owner === "bob")!;
    const period = { id: bobs.id, from: workload.start.toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    for (const query of [STATEMENT, STATEMENT_CSV]) {
      const body = await call("alice", query, period);
      assert.equal(codeOf(body), "FORBIDDEN", JSON.stringify(body));
      assert.ok(!JSON.stringify(body).includes("initial"));
    }
    assert.equal(codeOf(await call("alice", STATEMENT, { ...period, id: randomUUID() })), "NOT_FOUND");
    assert.ok(["FORBIDDEN", "UNAUTHENTICATED"].includes(codeOf(await call("analyst", STATEMENT, period))!));
    // Staff may read any customer's statement.
    assert.equal(ok(await call("teller", STATEMENT, period)).accountStatement.account.id, bobs.id);
  });
});

describe("access to aggregated reports", () => {
  test("customers and tellers are refused summaries, KPIs and reconciliation", async () => {
    for (const who of ["alice", "teller"]) {
      for (const [query, variables] of [
        [KPIS, { from: TODAY, to: TODAY }],
        [DAILY, { date: TODAY, currency: "USD" }],
        [MONTHLY, { month: TODAY.slice(0, 7), currency: "USD" }],
        [RECONCILE, { date: TODAY }],
      ] as const) {
        const body = await call(who, query, variables);
        assert.ok(["FORBIDDEN", "UNAUTHENTICATED"].includes(codeOf(body)!), `${who}: ${JSON.stringify(body)}`);
        assert.ok(!body.data || Object.values(body.data).every((value) => value === null));
      }
    }
  });
});

describe("dashboard metrics (resolver level)", () => {
  let db: Database;
  before(() => {
    db = createDatabase({ url: database.url, poolSize: 2 });
  });
  after(async () => {
    await db.close();
  });

  test("the stream pushes today's figures, then figures that include transfers made meanwhile", async () => {
    const context = { db: db.prisma, sessionWindowMinutes: 60 } as unknown as ReportingContext;
    const stream = dashboardMetricsStream(context, 1);
    const first: DashboardMetricsView = (await stream.next()).value!.dashboardMetrics;
    const daily = ok(await call("analyst", DAILY, { date: TODAY, currency: "USD" })).dailySummary;
    const transfers = daily.movements.find((m: any) => m.kind === "TRANSFER");
    assert.equal(first.date, TODAY);
    assert.equal(first.failedTransfers, workload.failed);
    const usd = first.volumes.find((entry) => entry.currency === "USD")!;
    assert.equal(usd.transferCount, transfers.count);
    assert.equal(usd.volume.amount, transfers.volume.amount);
    assert.ok(first.activeSessions >= 5, `sessions: ${first.activeSessions}`);

    const [a, b] = workload.accounts;
    for (const amount of ["1.25", "2.50"]) {
      ok(await call("alice", OPS.transfer, { input: { fromAccountId: a!.id, toAccountId: b!.id, amount, idempotencyKey: randomUUID() } }));
    }
    let latest: DashboardMetricsView = first;
    const deadline = Date.now() + 60_000;
    while (latest.transferCount < first.transferCount + 2) {
      assert.ok(Date.now() < deadline, `the stream never showed the two transfers: ${JSON.stringify(latest)}`);
      latest = (await stream.next()).value!.dashboardMetrics;
    }
    assert.equal(latest.transferCount, first.transferCount + 2);
    const after = latest.volumes.find((entry) => entry.currency === "USD")!;
    assert.equal(parseAmount(after.volume.amount, "USD") - parseAmount(usd.volume.amount, "USD"), 375n);
    await stream.return(undefined);
  });
});

describe("dashboard metrics through the router (graphql-ws)", () => {
  const DASHBOARD = /* GraphQL */ `subscription Dashboard($interval: Int) {
    dashboardMetrics(intervalSeconds: $interval) {
      at date transferCount failedTransfers activeSessions volumes { currency transferCount volume { amount currency } }
    }
  }`;
  type Metrics = { dashboardMetrics: DashboardMetricsView & { at: string; volumes: { currency: string; transferCount: number; volume: { amount: string } }[] } };
  const clients: LiveClient[] = [];
  after(async () => {
    await Promise.all(clients.map((client) => client.dispose().catch(() => undefined)));
  });

  test("an analyst receives figures at once, then figures that include the transfers made meanwhile and a refused one", async () => {
    const client = liveClient(stack.routerUrl, tokens.analyst);
    clients.push(client);
    const live = client.subscribe(DASHBOARD, { interval: 1 });
    const first = ((await live.next()).data as Metrics).dashboardMetrics;
    assert.equal(first.date, TODAY);
    const usdBefore = first.volumes.find((entry) => entry.currency === "USD")!;
    const [a, b] = workload.accounts;
    for (const amount of ["10.00", "0.05"]) {
      ok(await call("alice", OPS.transfer, { input: { fromAccountId: a!.id, toAccountId: b!.id, amount, idempotencyKey: randomUUID() } }));
    }
    const refused = await call("alice", OPS.transfer, { input: { fromAccountId: a!.id, toAccountId: b!.id, amount: "999999.00", idempotencyKey: randomUUID() } });
    assert.equal(codeOf(refused), "INSUFFICIENT_FUNDS");
    const event = await live.next((candidate) => {
      const metrics = (candidate.data as Metrics | undefined)?.dashboardMetrics;
      return !!metrics && metrics.transferCount >= first.transferCount + 2 && metrics.failedTransfers >= first.failedTransfers + 1;
    }, 60_000);
    const latest = (event.data as Metrics).dashboardMetrics;
    assert.equal(latest.transferCount, first.transferCount + 2);
    assert.equal(latest.failedTransfers, first.failedTransfers + 1);
    const usd = latest.volumes.find((entry) => entry.currency === "USD")!;
    assert.equal(usd.transferCount, usdBefore.transferCount + 2);
    assert.equal(signedMinor(usd.volume.amount) - signedMinor(usdBefore.volume.amount), 1_005n);
    assert.ok(latest.activeSessions >= 5);
    assert.ok(new Date(latest.at) > new Date(first.at));
    live.stop();
  });

  test("customers are refused; an interval outside 1..300 seconds is BAD_USER_INPUT", async () => {
    const customer = liveClient(stack.routerUrl, tokens.alice);
    const analyst = liveClient(stack.routerUrl, tokens.analyst);
    clients.push(customer, analyst);
    const denied = customer.subscribe(DASHBOARD, { interval: 1 });
    const error = JSON.stringify(await denied.failed());
    assert.match(error, /FORBIDDEN|UNAUTHENTICATED/, error);
    assert.equal(denied.events.filter((event) => event.data).length, 0, "no figures reach a customer");
    for (const interval of [0, 301]) {
      const bad = analyst.subscribe(DASHBOARD, { interval });
      const failure = JSON.stringify(await Promise.race([bad.failed(), bad.next().then((event) => event)]));
      assert.match(failure, /BAD_USER_INPUT/, failure);
    }
  });
});
