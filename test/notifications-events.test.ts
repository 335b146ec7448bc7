// Domain events into notifications, through the real router on the shared platform: every change appends its
// outbox event in its own database transaction (a refused change writes none), the relays publish them to
// Redis Streams and the notifications consumers turn them into exactly one notification per recipient.
// "alice" and "bob" are customers of this suite's own (the demo users' data stays as seeded); the teller and
// the admin act with tokens minted for the demo staff.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { demoUserToken, newCustomer, type OwnCustomer } from "./support/customers.js";
import { LEDGER_OPS as OPS } from "./support/ledger-ops.js";
import { useSharedPlatform } from "./support/platform.js";
import { graphql } from "./support/stack.js";
import { until } from "./support/wait.js";

let sql: pg.Pool | undefined;
after(() => sql?.end()); // registered first: closed before a lone file's platform stops
const platform = useSharedPlatform();
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const customers: Record<string, OwnCustomer> = {};

type Body = { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };

async function call(who: string, query: string, variables: Record<string, unknown> = {}): Promise<Body> {
  return (await graphql(platform.routerUrl, query, variables, tokens[who])).body as Body;
}

function ok(body: Body) {
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return body.data;
}

/** The customer's funded USD checking account. */
const checking = (who: string) => customers[who]!.accounts[0]!;

async function outboxEvents(domain: string, type: string, aggregateId: string) {
  const { rows } = await sql!.query(`SELECT id::text, payload FROM ${domain}.outbox_events WHERE type = $1 AND aggregate_id = $2`, [type, aggregateId]);
  return rows as { id: string; payload: Record<string, unknown> }[];
}

async function notificationsOf(userId: string, where = "TRUE") {
  const { rows } = await sql!.query(
    `SELECT kind, title, body, event_id::text AS event_id, transaction_id::text AS transaction_id
       FROM notifications.notifications WHERE user_id = $1 AND event_id IS NOT NULL AND ${where} ORDER BY created_at`,
    [userId],
  );
  return rows as { kind: string; title: string; body: string; event_id: string; transaction_id: string | null }[];
}

before(async () => {
  await platform.ready;
  sql = new pg.Pool({ connectionString: platform.databaseUrl, max: 2 });
  for (const [who, name] of [["alice", "Alice Events"], ["bob", "Bob Events"]] as const) {
    customers[who] = await newCustomer(platform, name, [{ deposits: ["100.00"] }]);
    tokens[who] = customers[who]!.token;
    ids[who] = customers[who]!.id;
  }
  for (const who of ["teller", "admin"]) tokens[who] = await demoUserToken(platform, `${who}@demo.bank`);
});

describe("producers append their event in the change's transaction", () => {
  test("a transfer writes one ledger.transfer.posted with both owners; a replay and a refused transfer write none", async () => {
    const from = checking("bob").id;
    const idempotencyKey = randomUUID();
    const input = { fromAccountId: from, toAccountNumber: checking("alice").number, amount: "12.34", idempotencyKey };
    const txn = ok(await call("bob", OPS.transfer, { input })).transfer.transaction;
    const events = await outboxEvents("ledger", "ledger.transfer.posted", txn.id);
    assert.equal(events.length, 1);
    assert.deepEqual(
      { ...events[0]!.payload, postedAt: undefined },
      { transactionId: txn.id, fromAccountId: from, fromOwnerId: ids.bob, toAccountId: checking("alice").id, toOwnerId: ids.alice, amountMinor: "1234", currency: "USD", postedAt: undefined },
    );
    // The same idempotency key replays the result: no second event.
    assert.equal(ok(await call("bob", OPS.transfer, { input })).transfer.replayed, true);
    assert.equal((await outboxEvents("ledger", "ledger.transfer.posted", txn.id)).length, 1);

    // Other suites write events meanwhile: what counts is every event bob (a customer of this suite's own) caused.
    const before = (await sql!.query(`SELECT COALESCE(max(sequence), 0)::text AS last FROM ledger.outbox_events`)).rows[0].last as string;
    const refused = await call("bob", OPS.transfer, {
      input: { fromAccountId: from, toAccountNumber: checking("alice").number, amount: "99999999.00", idempotencyKey: randomUUID() },
    });
    assert.equal(refused.errors?.[0]?.extensions?.code, "INSUFFICIENT_FUNDS");
    // A refusal moves no money: its only domain event is ledger.transfer.failed (for reporting's failed-transfer counts).
    const after = await sql!.query(
      `SELECT type FROM ledger.outbox_events WHERE type NOT LIKE '%.audit.recorded' AND sequence > $1 AND actor->>'userId' = $2 ORDER BY sequence`,
      [before, ids.bob],
    );
    assert.deepEqual(after.rows.map((row: { type: string }) => row.type), ["ledger.transfer.failed"], "a refused transfer writes only its failure event");
  });

  test("deposits, withdrawals, holds, reversals, account lifecycle and security changes have their events", async () => {
    const alice = checking("alice").id;
    const deposit = ok(await call("teller", OPS.deposit, { input: { accountId: alice, amount: "5.00", idempotencyKey: randomUUID() } })).deposit;
    assert.equal((await outboxEvents("ledger", "ledger.deposit.posted", deposit.transaction.id)).length, 1);
    const reversal = ok(await call("admin", `mutation R($id: ID!, $key: String!) { reverseTransaction(id: $id, reason: "teller mistake", idempotencyKey: $key) { transaction { id } } }`, {
      id: deposit.transaction.id, key: randomUUID(),
    })).reverseTransaction;
    const [reversed] = await outboxEvents("ledger", "ledger.reversal.posted", reversal.transaction.id);
    assert.equal(reversed!.payload.reversedTransactionId, deposit.transaction.id);

    // Holds: placed, voided; placed, captured (its transfer has its own event too).
    const HOLD = `mutation($input: TransferInput!) { authorizeTransfer(input: $input) { hold { id } } }`;
    const hold = async () => ok(await call("alice", HOLD, {
      input: { fromAccountId: alice, toAccountNumber: checking("bob").number, amount: "1.50", idempotencyKey: randomUUID() },
    })).authorizeTransfer.hold.id as string;
    const voidedId = await hold();
    const [placed] = await outboxEvents("ledger", "ledger.hold.placed", voidedId);
    assert.equal(placed!.payload.ownerId, ids.alice);
    assert.equal(placed!.payload.amountMinor, "150");
    ok(await call("alice", `mutation($id: ID!, $k: String!) { voidTransfer(holdId: $id, idempotencyKey: $k) { replayed } }`, { id: voidedId, k: randomUUID() }));
    assert.equal((await outboxEvents("ledger", "ledger.hold.voided", voidedId)).length, 1);
    const capturedId = await hold();
    const capture = ok(await call("alice", `mutation($id: ID!, $k: String!) { captureTransfer(input: { holdId: $id, amount: "1.00", idempotencyKey: $k }) { transaction { id } } }`, { id: capturedId, k: randomUUID() })).captureTransfer;
    const [captured] = await outboxEvents("ledger", "ledger.hold.captured", capturedId);
    assert.deepEqual([captured!.payload.transactionId, captured!.payload.amountMinor], [capture.transaction.id, "100"]);
    assert.equal((await outboxEvents("ledger", "ledger.transfer.posted", capture.transaction.id)).length, 1);
    const refusedVoid = await call("alice", `mutation($id: ID!, $k: String!) { voidTransfer(holdId: $id, idempotencyKey: $k) { replayed } }`, { id: capturedId, k: randomUUID() });
    assert.equal(refusedVoid.errors?.[0]?.extensions?.code, "HOLD_NOT_PENDING");
    assert.equal((await outboxEvents("ledger", "ledger.hold.voided", capturedId)).length, 0, "a refused void writes no event");

    const opened = ok(await call("alice", OPS.open, { input: { type: "SAVINGS", currency: "EUR" } })).openAccount;
    assert.equal((await outboxEvents("accounts", "accounts.account.opened", opened.id)).length, 1);
    ok(await call("teller", OPS.freeze, { id: opened.id, reason: "suspicious activity" }));
    assert.deepEqual((await outboxEvents("accounts", "accounts.account.frozen", opened.id))[0]!.payload, { accountId: opened.id, ownerId: ids.alice });
    ok(await call("teller", OPS.unfreeze, { id: opened.id, reason: "cleared" }));
    assert.equal((await outboxEvents("accounts", "accounts.account.unfrozen", opened.id)).length, 1);

    const changed = await call("alice", `mutation { changePassword(currentPassword: "wrong-password-x", newPassword: "An0ther-long-passphrase!") }`);
    assert.ok(changed.errors, "a wrong current password is refused");
    assert.equal((await outboxEvents("users", "users.password.changed", ids.alice!)).length, 0, "a refused change writes no event");
  });
});

describe("the notifications consumer", () => {
  test("bob transfers to alice: each gets exactly one notification with the amount formatted per currency", async () => {
    const from = checking("bob").id;
    const transfer = async (amount: string) => ok(await call("bob", OPS.transfer, {
      input: { fromAccountId: from, toAccountNumber: checking("alice").number, amount, idempotencyKey: randomUUID() },
    })).transfer.transaction;
    const txn = await transfer("7.05");
    const aliceGot = await until("alice's notification", async () => {
      const rows = await notificationsOf(ids.alice!, `transaction_id = '${txn.id}'`);
      return rows.length > 0 && rows;
    });
    const bobGot = await until("bob's notification", async () => {
      const rows = await notificationsOf(ids.bob!, `transaction_id = '${txn.id}'`);
      return rows.length > 0 && rows;
    });
    // A duplicate (a second delivery of the event) would be handled before any later event of the stream:
    // once a later transfer's notification is there, the first's are final.
    const later = await transfer("0.01");
    await until("the later transfer's notification", async () => (await notificationsOf(ids.alice!, `transaction_id = '${later.id}'`)).length > 0);
    assert.deepEqual((await notificationsOf(ids.alice!, `transaction_id = '${txn.id}'`)).map((n) => [n.kind, n.title]), [["MONEY_RECEIVED", "You received 7.05 USD"]]);
    assert.deepEqual((await notificationsOf(ids.bob!, `transaction_id = '${txn.id}'`)).map((n) => [n.kind, n.title]), [["MONEY_SENT", "You sent 7.05 USD"]]);
    assert.equal(aliceGot[0]!.body, "A transfer of 7.05 USD was credited to your account.");
    assert.equal(bobGot[0]!.event_id, aliceGot[0]!.event_id);

    // Through the router, alice sees it in her own list.
    const me = ok(await call("alice", `{ me { notifications(first: 5) { edges { node { kind title read } } } } }`)).me;
    // Newest first: the later transfer's, then this one.
    assert.deepEqual(me.notifications.edges.slice(0, 2).map((edge: { node: unknown }) => edge.node), [
      { kind: "MONEY_RECEIVED", title: "You received 0.01 USD", read: false },
      { kind: "MONEY_RECEIVED", title: "You received 7.05 USD", read: false },
    ]);
  });

  test("a frozen account, a large deposit, a password change and MFA changes notify their owner", async () => {
    const opened = ok(await call("bob", OPS.open, { input: { type: "SAVINGS", currency: "JPY" } })).openAccount;
    ok(await call("teller", OPS.freeze, { id: opened.id, reason: "court order" }));
    await until("ACCOUNT_FROZEN", async () => (await notificationsOf(ids.bob!, `kind = 'ACCOUNT_FROZEN'`)).length === 1);
    ok(await call("teller", OPS.unfreeze, { id: opened.id, reason: "lifted" }));

    // JPY has no minor unit: 10,000 is the default "large" threshold, formatted without decimals.
    const deposit = ok(await call("teller", OPS.deposit, { input: { accountId: opened.id, amount: "25000", idempotencyKey: randomUUID() } })).deposit;
    const large = await until("LARGE_TRANSACTION", async () => {
      const rows = await notificationsOf(ids.bob!, `kind = 'LARGE_TRANSACTION' AND transaction_id = '${deposit.transaction.id}'`);
      return rows.length > 0 && rows;
    });
    assert.equal(large[0]!.title, "Large transaction: 25000 JPY");
    assert.deepEqual((await notificationsOf(ids.bob!, `kind = 'MONEY_RECEIVED' AND transaction_id = '${deposit.transaction.id}'`)).map((n) => n.title), ["You received 25000 JPY"]);
  });
});

describe("the notifications API (own notifications only)", () => {
  const UNREAD = `{ me { unreadNotificationCount notifications(first: 50, unreadOnly: true) { edges { node { id kind read } } } } }`;

  test("unread count, mark one read (never someone else's), mark all read", async () => {
    const before = ok(await call("alice", UNREAD)).me;
    assert.ok(before.unreadNotificationCount >= 2);
    assert.equal(before.unreadNotificationCount, before.notifications.edges.length);
    const target = before.notifications.edges[0].node.id;

    // Bob can neither mark nor read alice's notification.
    const foreign = await call("bob", `mutation($id: ID!) { markNotificationRead(id: $id) { id read } }`, { id: target });
    assert.equal(foreign.errors?.[0]?.extensions?.code, "NOT_FOUND");
    const peek = await call("bob", `query($id: ID!) { user(id: $id) { unreadNotificationCount } }`, { id: ids.alice });
    assert.ok(peek.errors?.length, "bob cannot count alice's notifications");
    assert.equal(ok(await call("alice", UNREAD)).me.unreadNotificationCount, before.unreadNotificationCount);

    const marked = ok(await call("alice", `mutation($id: ID!) { markNotificationRead(id: $id) { id read readAt } }`, { id: target })).markNotificationRead;
    assert.equal(marked.read, true);
    // Idempotent: marking again keeps the first readAt.
    const again = ok(await call("alice", `mutation($id: ID!) { markNotificationRead(id: $id) { readAt } }`, { id: target })).markNotificationRead;
    assert.equal(again.readAt, marked.readAt);
    assert.equal(ok(await call("alice", UNREAD)).me.unreadNotificationCount, before.unreadNotificationCount - 1);

    const bobUnread = ok(await call("bob", UNREAD)).me.unreadNotificationCount;
    assert.equal(ok(await call("alice", `mutation { markAllNotificationsRead }`)).markAllNotificationsRead, before.unreadNotificationCount - 1);
    assert.equal(ok(await call("alice", UNREAD)).me.unreadNotificationCount, 0);
    assert.equal(ok(await call("bob", UNREAD)).me.unreadNotificationCount, bobUnread, "bob's notifications are untouched");
  });

  test("preferences: defaults, per-kind in-app switch and a large-transaction threshold in Money", async () => {
    const defaults = ok(await call("alice", `{ notificationPreferences { channels { kind inApp email webhook } largeTransactionThreshold { amount currency } } }`)).notificationPreferences;
    assert.deepEqual(defaults.largeTransactionThreshold, { amount: "10000.00", currency: "USD" });
    assert.deepEqual(defaults.channels.find((c: { kind: string }) => c.kind === "MONEY_RECEIVED"), { kind: "MONEY_RECEIVED", inApp: true, email: false, webhook: false });

    const bad = await call("alice", `mutation { updateNotificationPreferences(input: { largeTransactionThreshold: { amount: "1.005", currency: "USD" } }) { channels { kind } } }`);
    assert.equal(bad.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");

    const updated = ok(await call("alice", `mutation($input: UpdateNotificationPreferencesInput!) {
      updateNotificationPreferences(input: $input) { channels { kind inApp email } largeTransactionThreshold { amount currency } } }`, {
      input: { channels: [{ kind: "MONEY_RECEIVED", inApp: false }], largeTransactionThreshold: { amount: "5.00", currency: "USD" } },
    })).updateNotificationPreferences;
    assert.deepEqual(updated.largeTransactionThreshold, { amount: "5.00", currency: "USD" });
    assert.deepEqual(updated.channels.find((c: { kind: string }) => c.kind === "MONEY_RECEIVED"), { kind: "MONEY_RECEIVED", inApp: false, email: false });

    const from = checking("bob").id;
    const txn = ok(await call("bob", OPS.transfer, {
      input: { fromAccountId: from, toAccountNumber: checking("alice").number, amount: "6.00", idempotencyKey: randomUUID() },
    })).transfer.transaction;
    await until("bob's MONEY_SENT", async () => (await notificationsOf(ids.bob!, `transaction_id = '${txn.id}'`)).length === 1);
    const alice = await until("alice's LARGE_TRANSACTION", async () => {
      const rows = await notificationsOf(ids.alice!, `transaction_id = '${txn.id}'`);
      return rows.length > 0 && rows;
    });
    assert.deepEqual(alice.map((n) => [n.kind, n.title]), [["LARGE_TRANSACTION", "Large transaction: 6.00 USD"]], "MONEY_RECEIVED is switched off in-app");
    assert.equal(alice[0]!.body, "A transaction of 6.00 USD on your account reached your alert threshold of 5.00 USD.");
  });
});

describe("dead letters (admin)", () => {
  test("an event of an unknown version is dead-lettered at once; admins list and replay it, customers cannot", async () => {
    const eventId = randomUUID();
    const transactionId = randomUUID();
    await sql!.query(
      `INSERT INTO ledger.outbox_events (id, type, version, aggregate_type, aggregate_id, occurred_at, actor, request_id, payload)
       VALUES ($1, 'ledger.transfer.posted', 99, 'LedgerTransaction', $2, now(), NULL, NULL, '{"future": true}'::jsonb)`,
      [eventId, transactionId],
    );
    const LIST = `{ notificationDeadLetters(source: LEDGER, first: 100) { id sourceEntryId eventId eventType attempts error failedAt } }`;
    const letter = await until("the dead letter", async () => {
      const letters = ok(await call("admin", LIST)).notificationDeadLetters as { id: string; eventId: string; eventType: string; attempts: number; error: string }[];
      return letters.find((entry) => entry.eventId === eventId);
    });
    assert.equal(letter.eventType, "ledger.transfer.posted");
    assert.match(letter.error, /version/i);

    const denied = await call("alice", LIST);
    assert.ok(["FORBIDDEN", "UNAUTHENTICATED"].includes(denied.errors?.[0]?.extensions?.code ?? ""), JSON.stringify(denied.errors));

    const [replay] = ok(await call("admin", `mutation($ids: [ID!]) { replayNotificationDeadLetters(source: LEDGER, ids: $ids) { id eventId outcome error } }`, { ids: [letter.id] })).replayNotificationDeadLetters;
    assert.equal(replay.eventId, eventId);
    assert.equal(replay.outcome, "failed", "still unknown to this consumer: re-filed");
    const after = (ok(await call("admin", LIST)).notificationDeadLetters as { eventId: string; attempts: number }[]).filter((entry) => entry.eventId === eventId);
    assert.equal(after.length, 1);
    assert.equal(after[0]!.attempts, letter.attempts + 1);
  });
});
