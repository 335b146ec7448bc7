// The notifications subgraph's own rules, in-process (subgraph schema executed directly, real Postgres, no
// router): `_entities` of User (a page of one's own notifications, unread count) and of Notification (the
// owner only), read marks that never touch someone else's, cursor pages, and delivery preferences.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { createDatabase, type Database } from "#kernel/db.js";
import { createLogger } from "#kernel/logger.js";
import { createTestDatabase, type TestDatabase } from "../../../test/support/stack.js";
import { callerOf, errorCode, inProcessSubgraph, type ExecutionResult, type InProcessSubgraph } from "../../../test/support/subgraph.js";
import type { NotificationsContext } from "../src/context.js";
import { createNotificationsLive, type NotificationsLive } from "../src/live.js";
import { createNotificationLoaders } from "../src/loaders.js";
import { createNotification } from "../src/notifications.js";
import { resolvers } from "../src/resolvers/index.js";

let database: TestDatabase;
let db: Database;
let live: NotificationsLive;
let notifications: InProcessSubgraph;

/** The admin dead-letter tools are not exercised here: a test that reaches them fails loudly. */
const noConsumers = new Proxy({}, { get: () => { throw new Error("no event consumers in this test"); } }) as NotificationsContext["consumers"];

before(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolSize: 4 });
  live = await createNotificationsLive({ redisUrl: undefined, redisKeyPrefix: `fedbank-test-${randomBytes(4).toString("hex")}:`, logger: createLogger("test", "silent") });
  // The context the service builds for each request (service.ts).
  notifications = await inProcessSubgraph("notifications", resolvers, (base): NotificationsContext => ({
    ...base,
    db: db.prisma,
    loaders: createNotificationLoaders(db.prisma),
    consumers: noConsumers,
    live,
    webhookSettings: { encryptionKey: randomBytes(32), allowPrivate: false },
  }));
});

after(async () => {
  await live?.close();
  await db?.close();
  await database?.drop();
});

function data<T>(result: ExecutionResult<T>): T {
  assert.equal(result.errors, undefined, JSON.stringify(result.errors));
  return result.data!;
}

/** `count` notifications for a new user, oldest first; returns the user's id and the notifications' ids. */
async function userWithNotifications(count: number) {
  const userId = randomUUID();
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) {
    ids.push((await createNotification(db.prisma, { userId, kind: "MONEY_RECEIVED", title: `You received ${i}.00 USD`, body: `Transfer ${i}` })).id);
  }
  return { userId, ids };
}

const INBOX = `query($r: [_Any!]!, $after: String, $unreadOnly: Boolean) { _entities(representations: $r) { ... on User {
  unreadNotificationCount
  notifications(first: 2, after: $after, unreadOnly: $unreadOnly) { edges { cursor node { id title read } } pageInfo { hasNextPage endCursor } }
} } }`;

interface Inbox {
  _entities: { unreadNotificationCount: number; notifications: { edges: { cursor: string; node: { id: string; title: string; read: boolean } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }[];
}

const inbox = async (userId: string, variables: Record<string, unknown> = {}, caller = callerOf(userId, "CUSTOMER")) =>
  notifications.execute<Inbox>(INBOX, { r: [{ __typename: "User", id: userId }], ...variables }, caller);

describe("a user's inbox (User entity)", () => {
  test("newest first, in cursor pages that never repeat, with the unread count", async () => {
    const { userId, ids } = await userWithNotifications(3);
    const first = data(await inbox(userId))._entities[0]!;
    assert.equal(first.unreadNotificationCount, 3);
    assert.deepEqual(first.notifications.edges.map((edge) => edge.node.title), ["You received 3.00 USD", "You received 2.00 USD"]);
    assert.equal(first.notifications.pageInfo.hasNextPage, true);
    const second = data(await inbox(userId, { after: first.notifications.pageInfo.endCursor }))._entities[0]!;
    assert.deepEqual(second.notifications.edges.map((edge) => edge.node.id), [ids[0]]);
    assert.equal(second.notifications.pageInfo.hasNextPage, false);
  });

  test("another customer cannot read someone's inbox", async () => {
    const { userId } = await userWithNotifications(1);
    const result = await inbox(userId, {}, callerOf(randomUUID(), "CUSTOMER"));
    assert.equal(errorCode(result), "FORBIDDEN");
    assert.doesNotMatch(JSON.stringify(result.data), /You received/);
  });

  test("a page size outside 1..100 is a BAD_USER_INPUT", async () => {
    const { userId } = await userWithNotifications(1);
    const result = await notifications.execute(`query($r: [_Any!]!) { _entities(representations: $r) { ... on User { notifications(first: 101) { edges { cursor } } } } }`, { r: [{ __typename: "User", id: userId }] }, callerOf(userId, "CUSTOMER"));
    assert.equal(errorCode(result), "BAD_USER_INPUT");
  });
});

describe("read marks", () => {
  const MARK = `mutation($id: ID!) { markNotificationRead(id: $id) { id read readAt } }`;

  test("marking one read lowers the unread count once (idempotent) and drops it from the unread-only page", async () => {
    const { userId, ids } = await userWithNotifications(2);
    const owner = callerOf(userId, "CUSTOMER");
    const marked = data(await notifications.execute(MARK, { id: ids[1] }, owner)).markNotificationRead;
    assert.equal(marked.read, true);
    assert.ok(marked.readAt);
    data(await notifications.execute(MARK, { id: ids[1] }, owner));
    const after = data(await inbox(userId, { unreadOnly: true }))._entities[0]!;
    assert.equal(after.unreadNotificationCount, 1);
    assert.deepEqual(after.notifications.edges.map((edge) => edge.node.id), [ids[0]]);
  });

  test("someone else's notification is NOT_FOUND and stays unread; mark-all touches only the caller's", async () => {
    const alice = await userWithNotifications(2);
    const bob = await userWithNotifications(1);
    assert.equal(errorCode(await notifications.execute(MARK, { id: bob.ids[0] }, callerOf(alice.userId, "CUSTOMER"))), "NOT_FOUND");
    assert.equal(errorCode(await notifications.execute(MARK, { id: "not-a-uuid" }, callerOf(alice.userId, "CUSTOMER"))), "NOT_FOUND");
    assert.equal(data(await notifications.execute(`mutation { markAllNotificationsRead }`, {}, callerOf(alice.userId, "CUSTOMER"))).markAllNotificationsRead, 2);
    assert.equal(data(await inbox(alice.userId))._entities[0]!.unreadNotificationCount, 0);
    assert.equal(data(await inbox(bob.userId))._entities[0]!.unreadNotificationCount, 1);
  });
});

describe("Notification entity", () => {
  test("resolves for its owner only", async () => {
    const { userId, ids } = await userWithNotifications(1);
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Notification { id kind title read } } }`;
    const own = data(await notifications.execute<{ _entities: unknown[] }>(query, { r: [{ __typename: "Notification", id: ids[0] }] }, callerOf(userId, "CUSTOMER")));
    assert.deepEqual(own._entities, [{ id: ids[0], kind: "MONEY_RECEIVED", title: "You received 1.00 USD", read: false }]);
    const stranger = await notifications.execute(query, { r: [{ __typename: "Notification", id: ids[0] }] }, callerOf(randomUUID(), "CUSTOMER"));
    assert.equal(errorCode(stranger), "FORBIDDEN");
  });
});

describe("delivery preferences", () => {
  const PREFERENCES = `{ notificationPreferences { channels { kind inApp email webhook } largeTransactionThreshold { amount currency } } }`;
  const UPDATE = `mutation($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) {
    channels { kind inApp email webhook } largeTransactionThreshold { amount currency } } }`;

  test("defaults, then the caller's own choices, kept per user", async () => {
    const user = callerOf(randomUUID(), "CUSTOMER");
    const defaults = data(await notifications.execute(PREFERENCES, {}, user)).notificationPreferences;
    const received = (prefs: typeof defaults) => prefs.channels.find((channel: { kind: string }) => channel.kind === "MONEY_RECEIVED");
    assert.deepEqual(received(defaults), { kind: "MONEY_RECEIVED", inApp: true, email: false, webhook: false });
    const updated = data(await notifications.execute(UPDATE, {
      input: { channels: [{ kind: "MONEY_RECEIVED", email: true }], largeTransactionThreshold: { amount: "250.00", currency: "eur" } },
    }, user)).updateNotificationPreferences;
    assert.deepEqual(received(updated), { kind: "MONEY_RECEIVED", inApp: true, email: true, webhook: false });
    assert.deepEqual(updated.largeTransactionThreshold, { amount: "250.00", currency: "EUR" });
    assert.deepEqual(data(await notifications.execute(PREFERENCES, {}, user)).notificationPreferences, updated);
    const someoneElse = data(await notifications.execute(PREFERENCES, {}, callerOf(randomUUID(), "CUSTOMER"))).notificationPreferences;
    assert.deepEqual(someoneElse, defaults);
  });

  test("an unknown currency, a wrong scale or a kind listed twice is refused and changes nothing", async () => {
    const user = callerOf(randomUUID(), "CUSTOMER");
    const before = data(await notifications.execute(PREFERENCES, {}, user)).notificationPreferences;
    for (const input of [
      { largeTransactionThreshold: { amount: "10.00", currency: "XXX" } },
      { largeTransactionThreshold: { amount: "10.001", currency: "USD" } },
      { channels: [{ kind: "MONEY_SENT", email: true }, { kind: "MONEY_SENT", email: false }] },
    ]) {
      const result = await notifications.execute(UPDATE, { input }, user);
      assert.ok(["BAD_USER_INPUT", "INVALID_AMOUNT"].includes(errorCode(result) ?? ""), JSON.stringify(result.errors));
    }
    assert.deepEqual(data(await notifications.execute(PREFERENCES, {}, user)).notificationPreferences, before);
  });
});
