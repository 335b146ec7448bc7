// Access tokens and authorization through the real router and services, on one platform of this file's own
// (the suites count subgraph requests and live subscriptions, process-wide: no other suite may run on it).
//
// Token attacks: every forged, stale, misdirected or revoked access token is refused with HTTP 401
// UNAUTHENTICATED before anything runs; a revocation is seen at once by two router processes sharing Redis.
//
// The directives: the router enforces @authenticated / @requiresScopes / @policy from the composed
// supergraph before planning: unauthorized fields are removed and reported at their paths, the rest is
// answered, and an operation with nothing authorized left is refused without calling any subgraph.
//
// The matrix: every role × every root field of the supergraph (and the entity paths that cross
// subgraphs). Data-driven: a new root field needs a row in ROWS, and a check fails when a root field of the
// supergraph has none, so nothing is added unprotected.
//
// "allowed" means authorization let the call through (no UNAUTHENTICATED/FORBIDDEN; a query returns its
// object). Mutations use harmless inputs (unknown ids, invalid values), so an allowed call fails later with
// a domain error and moves nothing. "denied" means UNAUTHENTICATED (always, for anonymous), FORBIDDEN or
// NOT_FOUND, or a null object, and none of the target's data in the response.
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { after, before, describe, test } from "node:test";
import { Supergraph } from "@apollo/federation-internals";
import { SignJWT } from "jose";
import { createLogger } from "#kernel/logger.js";
import { revokeSessions } from "#kernel/revocation.js";
import { createSharedStore, type SharedStore } from "#kernel/shared-store.js";
import { splitSecurityDirectives } from "../router/src/authorization.js";
import { usePlatform } from "./support/platform.js";
import { subscriptionOutcome } from "./support/realtime.js";
import {
  DEMO_PASSWORD,
  LOGIN,
  ROOT,
  TEST_REDIS_URL,
  createTokenKey,
  demoUsers,
  graphql,
  login,
  metricValue,
  mintAccessToken,
  startExtraRouter,
  type GraphQLResponse,
  type Stack,
  type TokenKey,
} from "./support/stack.js";

let key: TokenKey;
/** Shared with the token suite's second router replica (both sign for the same subgraphs). */
const identitySecret = randomBytes(32).toString("hex");
const platform = usePlatform(async () => {
  key = await createTokenKey();
  return { JWT_PRIVATE_KEY: key.pem, ROUTER_IDENTITY_SECRET: identitySecret };
});
let users: Record<string, { id: string; role: string }>;
before(async () => {
  await platform.ready;
  users = await demoUsers(platform.database.url);
});

const ROLES = ["anonymous", "alice", "bob", "teller", "admin", "auditor", "analyst"] as const;
type Who = (typeof ROLES)[number];
const EMAILS: Record<Exclude<Who, "anonymous">, string> = {
  alice: "alice@demo.bank",
  bob: "bob@demo.bank",
  teller: "teller@demo.bank",
  admin: "admin@demo.bank",
  auditor: "auditor@demo.bank",
  analyst: "analyst@demo.bank",
};

/** Alice's objects (the targets) and a few ids that exist nowhere. */
interface Fixtures {
  aliceId: string;
  bobId: string;
  aliceAccountId: string;
  aliceAccountNumber: string;
  aliceDepositId: string;
  /** A transfer between two of alice's own accounts (every posting is hers). */
  aliceOwnTransferId: string;
  aliceHoldId: string;
  bobAccountId: string;
  bobAccountNumbers: string[];
  bobDepositId: string;
}

type Expect = "allowed" | "denied";
const A: Expect = "allowed";
const D: Expect = "denied";

interface Row {
  /** The root field (`Query.x` / `Mutation.x`) or entity path the row covers. */
  field: string;
  query: string;
  variables?: (f: Fixtures) => Record<string, unknown>;
  /** In role order: anonymous, alice, bob, teller, admin, auditor, analyst. */
  expect: [Expect, Expect, Expect, Expect, Expect, Expect, Expect];
  /** Text that must not appear in a denied response (the target's data). */
  secret?: (f: Fixtures) => string;
  /**
   * Use a token from a real password login (the users service also checks its own session record, e.g.
   * for recent-login rules) instead of a minted one.
   */
  realLogin?: boolean;
}

const uuid = () => randomUUID();
const period = { from: "2000-01-01T00:00:00.000Z", to: "2000-12-31T00:00:00.000Z" };

const ROWS: Row[] = [
  // Queries: the targets are alice's objects.
  { field: "Query.me", query: "{ me { id email } }", expect: [D, A, A, A, A, A, A] },
  { field: "Query.account", query: "query($id: ID!) { account(id: $id) { number } }", variables: (f) => ({ id: f.aliceAccountId }), expect: [D, A, D, A, A, D, D], secret: (f) => f.aliceAccountNumber },
  { field: "Query.accountByNumber", query: "query($n: String!) { accountByNumber(number: $n) { id } }", variables: (f) => ({ n: f.aliceAccountNumber }), expect: [D, D, D, A, A, D, D], secret: (f) => f.aliceAccountId },
  { field: "Query.auditEvents", query: "{ auditEvents(first: 2) { edges { node { action hash } } } }", expect: [D, D, D, D, A, A, D] },
  { field: "Query.verifyAuditChain", query: '{ verifyAuditChain(fromSequence: "1", toSequence: "5") { valid checked } }', expect: [D, D, D, D, A, A, D] },
  { field: "Query.auditDigest", query: "{ auditDigest { headSequence signature } }", expect: [D, D, D, D, A, A, D] },
  {
    field: "Query.accountStatement",
    query: "query($id: ID!, $from: DateTime!, $to: DateTime!) { accountStatement(accountId: $id, from: $from, to: $to) { account { id } closingBalance { amount } } }",
    variables: (f) => ({ id: f.aliceAccountId, ...period }),
    expect: [D, A, D, A, A, D, D],
  },
  {
    field: "Query.accountStatementCsv",
    query: "query($id: ID!, $from: DateTime!, $to: DateTime!) { accountStatementCsv(accountId: $id, from: $from, to: $to) }",
    variables: (f) => ({ id: f.aliceAccountId, ...period }),
    expect: [D, A, D, A, A, D, D],
  },
  {
    field: "Query.monthlyStatement",
    query: 'query($id: ID!) { monthlyStatement(accountId: $id, month: "2026-01") { account { id } closingBalance { amount } } }',
    variables: (f) => ({ id: f.aliceAccountId }),
    expect: [D, A, D, A, A, D, D],
  },
  { field: "Query.dailySummary", query: '{ dailySummary(date: "2026-01-01", currency: "USD") { period activeUsers } }', expect: [D, D, D, D, A, D, A] },
  { field: "Query.monthlySummary", query: '{ monthlySummary(month: "2026-01", currency: "USD") { period newAccounts } }', expect: [D, D, D, D, A, D, A] },
  { field: "Query.kpis", query: '{ kpis(range: { from: "2026-01-01", to: "2026-01-31" }) { days activeUsers } }', expect: [D, D, D, D, A, D, A] },
  { field: "Mutation.reconcileReporting", query: 'mutation { reconcileReporting(date: "2001-01-01") { consistent } }', expect: [D, D, D, D, A, D, A] },
  { field: "Subscription.dashboardMetrics", query: "subscription { dashboardMetrics(intervalSeconds: 5) { transferCount } }", expect: [D, D, D, D, A, D, A] },
  { field: "Query.transaction", query: "query($id: ID!) { transaction(id: $id) { id amount { amount } } }", variables: (f) => ({ id: f.aliceDepositId }), expect: [D, A, D, A, A, D, D], secret: (f) => f.aliceDepositId },
  { field: "Query.hold", query: "query($id: ID!) { hold(id: $id) { id amount { amount } } }", variables: (f) => ({ id: f.aliceHoldId }), expect: [D, A, D, A, A, D, D], secret: (f) => f.aliceHoldId },
  { field: "Query.user", query: "query($id: ID!) { user(id: $id) { email } }", variables: (f) => ({ id: f.aliceId }), expect: [D, A, D, A, A, A, D], secret: () => "alice@demo.bank" },
  { field: "Query.users", query: "{ users(first: 5) { edges { node { email } } } }", expect: [D, D, D, A, A, A, D], secret: () => "alice@demo.bank" },
  { field: "Query.exportMyData", query: "{ exportMyData }", expect: [D, A, A, A, A, A, A] },

  // Entity paths reached through federation (`_entities` hops between subgraphs).
  {
    field: "User.accounts → Account.balance/transactions (alice's, via user)",
    query: "query($id: ID!) { user(id: $id) { accounts { number balance { amount } transactions(first: 3) { edges { node { id } } } } } }",
    variables: (f) => ({ id: f.aliceId }),
    expect: [D, A, D, A, A, D, D],
    secret: (f) => f.aliceAccountNumber,
  },
  {
    field: "User.notifications (alice's, via user)",
    query: "query($id: ID!) { user(id: $id) { notifications(first: 5) { edges { node { title } } } } }",
    variables: (f) => ({ id: f.aliceId }),
    expect: [D, A, D, D, D, D, D],
  },
  {
    field: "Account.owner (alice's account → users)",
    query: "query($id: ID!) { account(id: $id) { owner { email } } }",
    variables: (f) => ({ id: f.aliceAccountId }),
    expect: [D, A, D, A, A, D, D],
    secret: () => "alice@demo.bank",
  },
  {
    field: "Transaction.postings → Account → owner (alice's own transfer)",
    query: "query($id: ID!) { transaction(id: $id) { postings { account { number owner { email } } } } }",
    variables: (f) => ({ id: f.aliceOwnTransferId }),
    expect: [D, A, D, A, A, D, D],
    secret: () => "alice@demo.bank",
  },
  {
    field: "AuditEvent.actor → User",
    query: "{ auditEvents(first: 5) { edges { node { actor { email } } } } }",
    expect: [D, D, D, D, A, A, D],
  },
  {
    field: "AccountStatement.entries → Transaction (alice's)",
    query: "query($id: ID!, $from: DateTime!, $to: DateTime!) { accountStatement(accountId: $id, from: $from, to: $to) { entries { transaction { id } } } }",
    variables: (f) => ({ id: f.aliceAccountId, ...period }),
    expect: [D, A, D, A, A, D, D],
  },

  // Mutations, with inputs that pass authorization and then fail, or do no harm.
  { field: "Mutation.openAccount", query: 'mutation { openAccount(input: { type: CHECKING, currency: "ZZZ" }) { id } }', expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.freezeAccount", query: 'mutation($id: ID!) { freezeAccount(id: $id, reason: "matrix") { id } }', variables: () => ({ id: uuid() }), expect: [D, D, D, A, A, D, D] },
  { field: "Mutation.unfreezeAccount", query: 'mutation($id: ID!) { unfreezeAccount(id: $id, reason: "matrix") { id } }', variables: () => ({ id: uuid() }), expect: [D, D, D, A, A, D, D] },
  { field: "Mutation.closeAccount", query: 'mutation($id: ID!) { closeAccount(id: $id, reason: "matrix") { id } }', variables: () => ({ id: uuid() }), expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.deposit", query: 'mutation($id: ID!, $k: String!) { deposit(input: { accountId: $id, amount: "0", idempotencyKey: $k }) { replayed } }', variables: () => ({ id: uuid(), k: uuid() }), expect: [D, D, D, A, A, D, D] },
  { field: "Mutation.withdraw", query: 'mutation($id: ID!, $k: String!) { withdraw(input: { accountId: $id, amount: "0", idempotencyKey: $k }) { replayed } }', variables: () => ({ id: uuid(), k: uuid() }), expect: [D, D, D, A, A, D, D] },
  { field: "Mutation.transfer", query: 'mutation($id: ID!, $k: String!) { transfer(input: { fromAccountId: $id, toAccountId: $id, amount: "0", idempotencyKey: $k }) { replayed } }', variables: () => ({ id: uuid(), k: uuid() }), expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.reverseTransaction", query: 'mutation($id: ID!, $k: String!) { reverseTransaction(id: $id, reason: "matrix", idempotencyKey: $k) { replayed } }', variables: () => ({ id: uuid(), k: uuid() }), expect: [D, D, D, D, A, D, D] },
  { field: "Mutation.authorizeTransfer", query: 'mutation($id: ID!, $k: String!) { authorizeTransfer(input: { fromAccountId: $id, toAccountId: $id, amount: "0", idempotencyKey: $k }) { replayed } }', variables: () => ({ id: uuid(), k: uuid() }), expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.captureTransfer", query: "mutation($id: ID!, $k: String!) { captureTransfer(input: { holdId: $id, idempotencyKey: $k }) { replayed } }", variables: () => ({ id: uuid(), k: uuid() }), expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.voidTransfer", query: "mutation($id: ID!, $k: String!) { voidTransfer(holdId: $id, idempotencyKey: $k) { replayed } }", variables: () => ({ id: uuid(), k: uuid() }), expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.register", query: 'mutation { register(input: { email: "not-an-email", password: "short", name: "x" }) { accessToken } }', expect: [A, A, A, A, A, A, A] },
  { field: "Mutation.login", query: 'mutation { login(email: "nobody@demo.bank", password: "wrong-password-123") { accessToken } }', expect: [A, A, A, A, A, A, A] },
  { field: "Mutation.refreshToken", query: 'mutation { refreshToken(token: "not-a-refresh-token") { accessToken } }', expect: [A, A, A, A, A, A, A] },
  { field: "Mutation.enrollMfa", query: "mutation { enrollMfa { otpauthUri } }", expect: [D, A, A, A, A, A, A] },
  { field: "Mutation.confirmMfa", query: 'mutation { confirmMfa(code: "000000") { id } }', expect: [D, A, A, A, A, A, A] },
  { field: "Mutation.disableMfa", query: 'mutation { disableMfa(code: "000000") { id } }', expect: [D, A, A, A, A, A, A] },
  { field: "Mutation.changePassword", query: 'mutation { changePassword(currentPassword: "not-the-password", newPassword: "another-long-password-42") }', expect: [D, A, A, A, A, A, A] },
  { field: "Mutation.updateProfile", query: "mutation { updateProfile(input: {}) { id } }", expect: [D, A, A, A, A, A, A] },
  { field: "Mutation.createUser", query: 'mutation { createUser(input: { email: "not-an-email", name: "x", role: ADMIN, password: "short" }) { id } }', expect: [D, D, D, D, A, D, D] },
  { field: "Mutation.setUserStatus", query: 'mutation($id: ID!) { setUserStatus(id: $id, status: LOCKED, reason: "matrix") { id } }', variables: () => ({ id: uuid() }), expect: [D, D, D, D, A, D, D] },
  { field: "Mutation.eraseUser", query: "mutation($id: ID!) { eraseUser(id: $id) { id } }", variables: () => ({ id: uuid() }), expect: [D, D, D, D, A, D, D], realLogin: true },
  { field: "Query.notificationPreferences", query: "{ notificationPreferences { channels { kind inApp } largeTransactionThreshold { amount currency } } }", expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.markNotificationRead", query: "mutation($id: ID!) { markNotificationRead(id: $id) { id } }", variables: () => ({ id: uuid() }), expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.updateNotificationPreferences", query: 'mutation { updateNotificationPreferences(input: { largeTransactionThreshold: { amount: "1", currency: "ZZZ" } }) { channels { kind } } }', expect: [D, A, A, A, A, D, D] },
  { field: "Query.notificationDeadLetters", query: "{ notificationDeadLetters(source: LEDGER, first: 5) { id error } }", expect: [D, D, D, D, A, D, D] },
  { field: "Mutation.replayNotificationDeadLetters", query: 'mutation { replayNotificationDeadLetters(source: LEDGER, ids: ["0-1"]) { id outcome } }', expect: [D, D, D, D, A, D, D] },
  { field: "Mutation.markAllNotificationsRead", query: "mutation { markAllNotificationsRead }", expect: [D, A, A, A, A, D, D] },
  // Over graphql-ws (see subscriptionOutcome): "allowed" means the router accepted the subscription.
  { field: "Subscription.notificationReceived", query: "subscription { notificationReceived { id kind } }", expect: [D, A, A, A, A, D, D] },
  { field: "Query.notificationDeliveries", query: "{ notificationDeliveries(first: 5) { id status attemptLog { outcome } } }", expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.setNotificationWebhook", query: 'mutation { setNotificationWebhook(url: "ftp://matrix.invalid/") { secret } }', expect: [D, A, A, A, A, D, D] },
  { field: "Mutation.removeNotificationWebhook", query: "mutation { removeNotificationWebhook }", expect: [D, A, A, A, A, D, D] },
  {
    field: "User.unreadNotificationCount (alice's, via user)",
    query: "query($id: ID!) { user(id: $id) { unreadNotificationCount } }",
    variables: (f) => ({ id: f.aliceId }),
    expect: [D, A, D, D, D, D, D],
  },
  // Last: they end sessions (each call uses a token of its own).
  { field: "Mutation.logout", query: "mutation { logout }", expect: [D, A, A, A, A, A, A] },
  { field: "Mutation.logoutEverywhere", query: "mutation { logoutEverywhere }", expect: [D, A, A, A, A, A, A] },
];

const AUTHZ_CODES = new Set(["UNAUTHENTICATED", "FORBIDDEN"]);

function rootKey(query: string): string {
  const match = /\{\s*(\w+)/.exec(query.slice(query.indexOf("{")));
  return match?.[1] ?? "";
}

function check(row: Row, who: Who, expected: Expect, response: GraphQLResponse, fixtures: Fixtures) {
  const codes = (response.body.errors ?? []).map((error) => error.extensions?.code);
  const text = JSON.stringify(response.body);
  const context = `${row.field} as ${who}: HTTP ${response.status} ${text.slice(0, 400)}`;
  const value = (response.body.data as Record<string, unknown> | null | undefined)?.[rootKey(row.query)];
  const isMutation = row.query.trimStart().startsWith("mutation");
  if (expected === "allowed") {
    assert.ok(!codes.some((code) => AUTHZ_CODES.has(code as string)), `expected allowed: ${context}`);
    if (!isMutation) assert.ok(value !== null && value !== undefined, `expected data: ${context}`);
    return;
  }
  if (who === "anonymous") assert.ok(codes.includes("UNAUTHENTICATED"), `expected UNAUTHENTICATED: ${context}`);
  const refused = codes.some((code) => code === "FORBIDDEN" || code === "UNAUTHENTICATED" || code === "NOT_FOUND");
  assert.ok(refused || value === null || value === undefined, `expected denied: ${context}`);
  if (!isMutation) assert.ok(value === null || value === undefined, `a denied query returned its object: ${context}`);
  if (row.secret) assert.ok(!text.includes(row.secret(fixtures)), `the response leaks the target's data: ${context}`);
}

/** Root fields of the supergraph's API schema (what clients can call), as `Query.x` / `Mutation.x`. */
async function supergraphRootFields(): Promise<string[]> {
  const { gatewaySdl } = splitSecurityDirectives(await readFile(`${ROOT}schema/supergraph.graphql`, "utf8"));
  const api = Supergraph.build(gatewaySdl).apiSchema().toGraphQLJSSchema();
  return [api.getQueryType(), api.getMutationType(), api.getSubscriptionType()].flatMap((type) =>
    type ? Object.keys(type.getFields()).map((name) => `${type.name}.${name}`) : [],
  );
}

const ACCEPTED = 'fedbank_subgraph_requests_total{outcome="accepted"}';
type Errors = { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] | undefined;
const paths = (errors: Errors, code: string) => (errors ?? []).filter((e) => e.extensions?.code === code).map((e) => e.path?.join("."));

describe("authorization directives enforced by the router", () => {
  let stack: Stack;
  let aliceNumber: string;
  let aliceAccountId: string;
  const as = (email: string, options = {}) => mintAccessToken(key, users[email]!, options);
  const accepted = (service: keyof Stack["ports"]) => metricValue(stack.ports[service], ACCEPTED);

  before(async () => {
    stack = platform.stack;
    const { body } = await graphql<{ me: { accounts: { id: string; number: string }[] } }>(stack.routerUrl, "{ me { accounts { id number } } }", {}, await as("alice@demo.bank"));
    aliceNumber = body.data!.me.accounts[0]!.number;
    aliceAccountId = body.data!.me.accounts[0]!.id;
  });

  test("allowed and forbidden fields mixed: the allowed part is answered, FORBIDDEN at the forbidden path", async () => {
    const { status, body } = await graphql(
      stack.routerUrl,
      "query($n: String!) { me { email } byNumber: accountByNumber(number: $n) { id number } }",
      { n: aliceNumber },
      await as("alice@demo.bank"),
    );
    assert.equal(status, 200);
    assert.deepEqual(body.data, { me: { email: "alice@demo.bank" }, byNumber: null });
    assert.deepEqual(paths(body.errors, "FORBIDDEN"), ["byNumber"]);
  });

  test("anonymous: public parts answered, UNAUTHENTICATED at the protected path", async () => {
    const { status, body } = await graphql(stack.routerUrl, "query($id: ID!) { __typename account(id: $id) { number } }", { id: aliceAccountId });
    assert.equal(status, 200);
    assert.deepEqual(body.data, { __typename: "Query", account: null });
    assert.deepEqual(paths(body.errors, "UNAUTHENTICATED"), ["account"]);
  });

  test("a forbidden nested field (through an entity hop) nulls its nearest nullable parent only", async () => {
    const { body } = await graphql<{ auditEvents: { edges: { node: { action: string; actor: unknown } }[] } }>(
      stack.routerUrl,
      "{ auditEvents(first: 3) { edges { node { action actor { email notifications { edges { node { id } } } } } } } }",
      {},
      await as("auditor@demo.bank"),
    );
    const edges = body.data!.auditEvents.edges;
    assert.equal(edges.length, 3);
    for (const edge of edges) {
      assert.equal(typeof edge.node.action, "string");
      assert.equal(edge.node.actor, null, "User.notifications is non-null: the actor becomes null");
    }
    assert.deepEqual(paths(body.errors, "FORBIDDEN"), ["auditEvents.edges.node.actor.notifications"]);
  });

  test("aliases and fragments: each removed occurrence is reported at its own path", async () => {
    const { body } = await graphql(
      stack.routerUrl,
      `query($n: String!) { a: accountByNumber(number: $n) { id } ...F }
       fragment F on Query { b: accountByNumber(number: $n) { ... on Account { id } } me { email } }`,
      { n: aliceNumber },
      await as("bob@demo.bank"),
    );
    assert.deepEqual(body.data, { a: null, b: null, me: { email: "bob@demo.bank" } });
    assert.deepEqual(paths(body.errors, "FORBIDDEN").sort(), ["a", "b"]);
  });

  test("nothing authorized left: refused before planning, no subgraph called", async () => {
    const audit = await accepted("audit");
    const alice = await graphql(stack.routerUrl, "{ auditEvents { edges { node { hash } } } }", {}, await as("alice@demo.bank"));
    assert.equal(alice.status, 200);
    assert.equal(alice.body.data, null);
    assert.deepEqual(paths(alice.body.errors, "FORBIDDEN"), ["auditEvents"]);
    assert.equal(await accepted("audit"), audit, "the audit subgraph was not called");

    const usersBefore = await accepted("users");
    const anonymous = await graphql(stack.routerUrl, "{ me { id } }");
    assert.equal(anonymous.status, 200);
    assert.deepEqual(paths(anonymous.body.errors, "UNAUTHENTICATED"), ["me"]);
    assert.equal(await accepted("users"), usersBefore, "the users subgraph was not called");

    const transactions = await accepted("transactions");
    const teller = await graphql(
      stack.routerUrl,
      'mutation { reverseTransaction(id: "00000000-0000-4000-8000-000000000000", reason: "x", idempotencyKey: "k-1") { replayed } }',
      {},
      await as("teller@demo.bank"),
    );
    assert.equal(teller.status, 200);
    assert.deepEqual(paths(teller.body.errors, "FORBIDDEN"), ["reverseTransaction"]);
    assert.equal(await accepted("transactions"), transactions, "the ledger was not called");
  });

  test("the same document for different roles never shares a trimmed query plan", async () => {
    const query = "query($n: String!) { me { email } accountByNumber(number: $n) { number } }";
    const first = await graphql(stack.routerUrl, query, { n: aliceNumber }, await as("alice@demo.bank"));
    assert.equal((first.body.data as { accountByNumber: unknown }).accountByNumber, null);
    const teller = await graphql(stack.routerUrl, query, { n: aliceNumber }, await as("teller@demo.bank"));
    assert.deepEqual(teller.body.data, { me: { email: "teller@demo.bank" }, accountByNumber: { number: aliceNumber } });
    assert.equal(teller.body.errors, undefined);
    const again = await graphql(stack.routerUrl, query, { n: aliceNumber }, await as("alice@demo.bank"));
    assert.deepEqual(again.body.data, { me: { email: "alice@demo.bank" }, accountByNumber: null });
  });

  test("@policy(recent_login): an admin whose login is older than 15 minutes cannot erase a user; no subgraph called", async () => {
    const usersBefore = await accepted("users");
    const stale = await as("admin@demo.bank", { claims: { auth_time: Math.floor(Date.now() / 1000) - 20 * 60 } });
    const { status, body } = await graphql(stack.routerUrl, 'mutation { eraseUser(id: "00000000-0000-4000-8000-000000000000") { id } }', {}, stale);
    assert.equal(status, 200);
    assert.equal(body.data, null);
    assert.deepEqual(paths(body.errors, "FORBIDDEN"), ["eraseUser"]);
    assert.equal(await accepted("users"), usersBefore);
  });

  test("introspection of the API is unaffected for anonymous clients", async () => {
    const { status, body } = await graphql<{ __type: { fields: { name: string }[] } }>(stack.routerUrl, '{ __type(name: "Query") { fields { name } } }');
    assert.equal(status, 200);
    assert.ok(body.data!.__type.fields.some((field) => field.name === "auditEvents"));
  });
});

const ME = "{ me { id email role } }";
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const now = () => Math.floor(Date.now() / 1000);

describe("access-token attacks through the router", () => {
  let stack: Stack;
  let alice: { id: string; role: string };
  let store: SharedStore;
  let secondRouter: Awaited<ReturnType<typeof startExtraRouter>>;

  before(async () => {
    stack = platform.stack;
    alice = users["alice@demo.bank"]!;
    store = await createSharedStore({ url: TEST_REDIS_URL, prefix: stack.redisKeyPrefix, logger: createLogger("test", "silent") });
    secondRouter = await startExtraRouter(stack, { ROUTER_IDENTITY_SECRET: identitySecret, REDIS_KEY_PREFIX: stack.redisKeyPrefix });
  });

  after(async () => {
    await secondRouter?.stop();
    await store?.close();
  });

  async function assertRefused(token: string, router = stack.routerUrl) {
    const acceptedBefore = await metricValue(stack.ports.users, 'fedbank_subgraph_requests_total{outcome="accepted"}');
    const { status, body, headers } = await graphql(router, ME, {}, token);
    assert.equal(status, 401, JSON.stringify(body));
    assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", JSON.stringify(body));
    assert.equal(body.data, undefined);
    assert.match(headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.doesNotMatch(JSON.stringify(body), /alice@demo\.bank/);
    const acceptedAfter = await metricValue(stack.ports.users, 'fedbank_subgraph_requests_total{outcome="accepted"}');
    assert.equal(acceptedAfter, acceptedBefore, "no subgraph was called");
  }

  async function assertAccepted(token: string, router = stack.routerUrl) {
    const { status, body } = await graphql(router, ME, {}, token);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.data?.me?.email, "alice@demo.bank", JSON.stringify(body));
  }

  test("control: a well-formed token for alice is accepted by both routers", async () => {
    const token = await mintAccessToken(key, alice);
    await assertAccepted(token);
    await assertAccepted(token, secondRouter.url);
  });

  test("alg: none", async () => {
    const header = b64({ alg: "none", typ: "at+jwt", kid: key.kid });
    const payload = b64({ sub: alice.id, role: "ADMIN", sid: randomUUID(), iss: "fedbank-users", aud: "fedbank", iat: now(), nbf: now(), exp: now() + 600 });
    await assertRefused(`${header}.${payload}.`);
    await assertRefused(`${header}.${payload}.${Buffer.from("x").toString("base64url")}`);
  });

  test("HS256 signed with the public key (JWK JSON, PEM, raw key bytes): key confusion", async () => {
    const jwks = (await (await fetch(`http://127.0.0.1:${stack.ports.users}/.well-known/jwks.json`)).json()) as { keys: { kid: string; x: string }[] };
    const jwk = jwks.keys.find((candidate) => candidate.kid === key.kid)!;
    const { createPublicKey } = await import("node:crypto");
    const pem = createPublicKey(key.privateKey).export({ type: "spki", format: "pem" }).toString();
    for (const secretBytes of [Buffer.from(JSON.stringify(jwk)), Buffer.from(pem), Buffer.from(jwk.x, "base64url")]) {
      const header = b64({ alg: "HS256", typ: "at+jwt", kid: key.kid });
      const payload = b64({ sub: alice.id, role: "ADMIN", sid: randomUUID(), iss: "fedbank-users", aud: "fedbank", iat: now(), nbf: now(), exp: now() + 600 });
      const signature = createHmac("sha256", secretBytes).update(`${header}.${payload}`).digest("base64url");
      await assertRefused(`${header}.${payload}.${signature}`);
    }
  });

  test("RS256 with an attacker's key under the genuine kid", async () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const token = await new SignJWT({ role: "ADMIN", sid: randomUUID() })
      .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "at+jwt" })
      .setSubject(alice.id)
      .setIssuer("fedbank-users")
      .setAudience("fedbank")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(privateKey);
    await assertRefused(token);
  });

  test("expired (beyond the clock skew), not yet valid (beyond the skew), wrong issuer, wrong audience", async () => {
    await assertRefused(await mintAccessToken(key, alice, { iat: now() - 1_000, exp: now() - 60 }));
    await assertRefused(await mintAccessToken(key, alice, { iat: now(), nbf: now() + 120, exp: now() + 900 }));
    await assertRefused(await mintAccessToken(key, alice, { issuer: "https://evil.example" }));
    await assertRefused(await mintAccessToken(key, alice, { audience: "another-api" }));
  });

  test("within the small clock skew, a token that expired 5 s ago is still accepted (control)", async () => {
    await assertAccepted(await mintAccessToken(key, alice, { iat: now() - 900, exp: now() - 5 }));
  });

  test("unknown kid, and a token signed by another Ed25519 key under the genuine kid", async () => {
    const other = await createTokenKey();
    await assertRefused(await mintAccessToken(other, alice));
    await assertRefused(await mintAccessToken({ ...other, kid: key.kid }, alice));
  });

  test("tampered payload: role escalated, subject swapped, signature kept", async () => {
    const token = await mintAccessToken(key, alice);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    await assertRefused(`${header}.${b64({ ...claims, role: "ADMIN" })}.${signature}`);
    await assertRefused(`${header}.${b64({ ...claims, sub: randomUUID() })}.${signature}`);
  });

  test("a token without a session id, or of another type, is refused", async () => {
    await assertRefused(await mintAccessToken(key, alice, { claims: { sid: undefined } }));
    await assertRefused(await mintAccessToken(key, alice, { header: { typ: "JWT" } }));
  });

  test("a revoked session is refused at once by both routers sharing Redis; other sessions still work", async () => {
    const sid = randomUUID();
    const token = await mintAccessToken(key, alice, { claims: { sid } });
    const otherSession = await mintAccessToken(key, alice);
    await assertAccepted(token);
    await assertAccepted(token, secondRouter.url);
    await revokeSessions(store, [sid], 900);
    await assertRefused(token);
    await assertRefused(token, secondRouter.url);
    await assertAccepted(otherSession);
    await assertAccepted(otherSession, secondRouter.url);
  });

  test("logout through the users service revokes the session for both routers", async (t) => {
    const { body } = await graphql<{ login: { accessToken: string } }>(stack.routerUrl, LOGIN, { email: "alice@demo.bank", password: DEMO_PASSWORD });
    const token = body.data?.login?.accessToken;
    assert.ok(token, `login failed: ${JSON.stringify(body.errors)}`);
    await assertAccepted(token);
    const logout = await graphql(stack.routerUrl, "mutation { logout }", {}, token);
    assert.equal(logout.body.errors, undefined, JSON.stringify(logout.body.errors));
    await assertRefused(token);
    await assertRefused(token, secondRouter.url);
    t.diagnostic("logout revocation checked on two routers");
  });
});

describe("authorization matrix through the router", () => {
  let stack: Stack;
  let fixtures: Fixtures;
  const token = (who: Who) => (who === "anonymous" ? Promise.resolve(undefined) : mintAccessToken(key, users[EMAILS[who]]!));
  const realToken = (who: Who) => (who === "anonymous" ? Promise.resolve(undefined) : login(stack.routerUrl, EMAILS[who]));

  before(async () => {
    stack = platform.stack;
    const admin = await token("admin");
    const ACCOUNTS = "query($id: ID!) { user(id: $id) { accounts { id number transactions(first: 50) { edges { node { id kind } } } } } }";
    type Accounts = { user: { accounts: { id: string; number: string; transactions: { edges: { node: { id: string; kind: string } }[] } }[] } };
    const alice = (await graphql<Accounts>(stack.routerUrl, ACCOUNTS, { id: users[EMAILS.alice]!.id }, admin)).body.data!.user.accounts;
    const bob = (await graphql<Accounts>(stack.routerUrl, ACCOUNTS, { id: users[EMAILS.bob]!.id }, admin)).body.data!.user.accounts;
    const deposit = (accounts: Accounts["user"]["accounts"]) =>
      accounts.flatMap((account) => account.transactions.edges.map((edge) => edge.node)).find((node) => node.kind === "DEPOSIT")!.id;
    const aliceIds = new Set(alice.map((account) => account.id));
    let aliceOwnTransferId = "";
    for (const node of alice.flatMap((account) => account.transactions.edges.map((edge) => edge.node)).filter((n) => n.kind === "TRANSFER")) {
      const { body } = await graphql<{ transaction: { postings: { account: { id: string } }[] } }>(
        stack.routerUrl,
        "query($id: ID!) { transaction(id: $id) { postings { account { id } } } }",
        { id: node.id },
        admin,
      );
      if (body.data?.transaction.postings.every((posting) => aliceIds.has(posting.account.id))) aliceOwnTransferId = node.id;
    }
    const hold = await graphql<{ authorizeTransfer: { hold: { id: string } } }>(
      stack.routerUrl,
      'mutation($from: ID!, $to: ID!, $k: String!) { authorizeTransfer(input: { fromAccountId: $from, toAccountId: $to, amount: "1.00", idempotencyKey: $k }) { hold { id } } }',
      { from: alice[0]!.id, to: bob[0]!.id, k: randomUUID() },
      await token("alice"),
    );
    assert.ok(hold.body.data?.authorizeTransfer, `authorizeTransfer: ${JSON.stringify(hold.body)}`);
    fixtures = {
      aliceOwnTransferId,
      aliceHoldId: hold.body.data.authorizeTransfer.hold.id,
      aliceId: users[EMAILS.alice]!.id,
      bobId: users[EMAILS.bob]!.id,
      aliceAccountId: alice[0]!.id,
      aliceAccountNumber: alice[0]!.number,
      aliceDepositId: deposit(alice),
      bobAccountId: bob[0]!.id,
      bobAccountNumbers: bob.map((account) => account.number),
      bobDepositId: deposit(bob),
    };
  });

  test("every root field of the supergraph has a row (no field added unprotected)", async () => {
    const covered = new Set(ROWS.map((row) => row.field));
    const missing = (await supergraphRootFields()).filter((field) => !covered.has(field));
    assert.deepEqual(missing, [], `root fields without a row in test/security-matrix.test.ts: ${missing.join(", ")}`);
  });

  for (const row of ROWS) {
    test(`${row.field}: ${ROLES.map((who, i) => `${who} ${row.expect[i] === A ? "✓" : "✗"}`).join(", ")}`, async () => {
      const failures: string[] = [];
      for (const [index, who] of ROLES.entries()) {
        const variables = row.variables?.(fixtures) ?? {};
        const bearer = await (row.realLogin ? realToken(who) : token(who));
        const response = row.query.trimStart().startsWith("subscription")
          ? await subscriptionOutcome(stack.routerUrl, stack.ports.router, row.query, variables, bearer, (port) => metricValue(port, "fedbank_router_subscriptions_active"))
          : await graphql(stack.routerUrl, row.query, variables, bearer);
        try {
          check(row, who, row.expect[index]!, response, fixtures);
        } catch (error) {
          failures.push((error as Error).message.split("\n")[0]!);
        }
      }
      assert.deepEqual(failures, []);
    });
  }
});

describe("customer A never reads customer B's objects, whatever the shape", () => {
  let stack: Stack;
  let alice: string;
  let bob: { id: string; email: string; accountIds: string[]; numbers: string[]; depositId: string };

  before(async () => {
    stack = platform.stack;
    alice = await mintAccessToken(key, users["alice@demo.bank"]!);
    const admin = await mintAccessToken(key, users["admin@demo.bank"]!);
    const { body } = await graphql<{ user: { accounts: { id: string; number: string; transactions: { edges: { node: { id: string; kind: string } }[] } }[] } }>(
      stack.routerUrl,
      "query($id: ID!) { user(id: $id) { accounts { id number transactions(first: 50) { edges { node { id kind } } } } } }",
      { id: users["bob@demo.bank"]!.id },
      admin,
    );
    const accounts = body.data!.user.accounts;
    bob = {
      id: users["bob@demo.bank"]!.id,
      email: "bob@demo.bank",
      accountIds: accounts.map((a) => a.id),
      numbers: accounts.map((a) => a.number),
      depositId: accounts.flatMap((a) => a.transactions.edges.map((e) => e.node)).find((n) => n.kind === "DEPOSIT")!.id,
    };
  });

  function assertNoBob(response: GraphQLResponse, what: string) {
    const text = JSON.stringify(response.body);
    for (const secret of [bob.email, "Bob Okafor", ...bob.numbers]) assert.ok(!text.includes(secret), `${what} leaks ${secret}: ${text.slice(0, 600)}`);
  }

  test("aliases: her own account next to bob's", async () => {
    const response = await graphql(
      stack.routerUrl,
      "query($mine: ID!, $theirs: ID!) { me { accounts { id } } theirs: account(id: $theirs) { number owner { email } } again: account(id: $theirs) { balance { amount } } }",
      { mine: bob.accountIds[0], theirs: bob.accountIds[0] },
      alice,
    );
    assertNoBob(response, "aliased account");
    assert.equal((response.body.data as { theirs?: unknown } | null)?.theirs ?? null, null);
  });

  test("named and inline fragments", async () => {
    const response = await graphql(
      stack.routerUrl,
      `query($id: ID!, $user: ID!) { ...Q } fragment Q on Query { account(id: $id) { ...A } user(id: $user) { ... on User { email accounts { number } } } }
       fragment A on Account { number owner { email name } transactions(first: 5) { edges { node { id } } } }`,
      { id: bob.accountIds[0], user: bob.id },
      alice,
    );
    assertNoBob(response, "fragments");
  });

  test("nested entity hops: her transfers' postings do not reveal bob's account or identity", async () => {
    const response = await graphql(
      stack.routerUrl,
      "{ me { accounts { transactions(first: 50) { edges { node { postings { account { number owner { email name } } } } } } } } }",
      {},
      alice,
    );
    assertNoBob(response, "postings → account → owner");
  });

  test("counterparty view: her transfers show bob's account number and name; his email stays FORBIDDEN", async () => {
    const HISTORY = (owner: string) => `{ me { accounts { transactions(first: 50) { edges { node { reference fromAccount { number owner { ${owner} } } toAccount { number owner { ${owner} } } } } } } } }`;
    type Side = { number: string; owner: { id?: string; name?: string } } | null;
    type History = { me: { accounts: { transactions: { edges: { node: { reference: string | null; fromAccount: Side; toAccount: Side } }[] } }[] } };
    const named = await graphql<History>(stack.routerUrl, HISTORY("id name"), {}, alice);
    assert.equal(named.body.errors, undefined, JSON.stringify(named.body.errors));
    const nodes = named.body.data!.me.accounts.flatMap((account) => account.transactions.edges.map((edge) => edge.node));
    const paid = nodes.find((node) => node.reference === "Concert tickets")!;
    assert.ok(bob.numbers.includes(paid.toAccount!.number), "the payee's account number");
    assert.deepEqual(paid.toAccount!.owner, { id: bob.id, name: "Bob Okafor" });
    assert.equal(paid.fromAccount?.owner.name, "Alice Martin");
    const received = nodes.find((node) => node.reference === "Pizza, my share")!;
    assert.equal(received.fromAccount?.owner.name, "Bob Okafor");
    const deposit = nodes.find((node) => node.reference === "Salary November")!;
    assert.equal(deposit.fromAccount, null, "a deposit is debited on the bank's side");

    const emails = await graphql(stack.routerUrl, HISTORY("email"), {}, alice);
    assert.ok(!JSON.stringify(emails.body).includes(bob.email), `bob's email leaked: ${JSON.stringify(emails.body).slice(0, 600)}`);
    const forbidden = (emails.body.errors ?? []).filter((error) => error.extensions?.code === "FORBIDDEN").map((error) => error.path?.join("."));
    assert.ok(forbidden.some((path) => /toAccount\.owner\.email$/.test(path ?? "")), JSON.stringify(emails.body.errors));
  });

  test("bob's transaction, statement and notifications by id", async () => {
    for (const [query, variables] of [
      ["query($id: ID!) { transaction(id: $id) { id postings { account { number } } } }", { id: bob.depositId }],
      [`query($id: ID!) { accountStatement(accountId: $id, from: "2000-01-01T00:00:00.000Z", to: "2100-01-01T00:00:00.000Z") { closingBalance { amount } entries { reference } } }`, { id: bob.accountIds[0] }],
      [`query($id: ID!) { monthlyStatement(accountId: $id, month: "2026-12") { closingBalance { amount } entries { reference } } }`, { id: bob.accountIds[0] }],
      ["query($id: ID!) { user(id: $id) { notifications { edges { node { title body } } } } }", { id: bob.id }],
    ] as const) {
      const response = await graphql(stack.routerUrl, query, variables, alice);
      assertNoBob(response, query);
      const data = response.body.data as Record<string, unknown> | null | undefined;
      assert.ok(!data || Object.values(data).every((value) => value === null), `${query} returned data: ${JSON.stringify(response.body)}`);
      assert.ok(response.body.errors?.length, `${query}: no error`);
    }
  });

  test("bob's money cannot be moved or his accounts changed by alice", async () => {
    for (const [query, variables] of [
      ['mutation($from: ID!, $k: String!) { transfer(input: { fromAccountId: $from, toAccountNumber: "FB65FDBK12817536338047", amount: "1.00", idempotencyKey: $k }) { transaction { id } } }', { from: bob.accountIds[0], k: randomUUID() }],
      ['mutation($id: ID!) { closeAccount(id: $id, reason: "mine now") { status } }', { id: bob.accountIds[0] }],
      ['mutation($owner: ID!) { openAccount(input: { ownerId: $owner, type: CHECKING, currency: "USD" }) { id } }', { owner: bob.id }],
    ] as const) {
      const response = await graphql(stack.routerUrl, query, variables, alice);
      const codes = (response.body.errors ?? []).map((error) => error.extensions?.code);
      assert.ok(codes.some((code) => code === "FORBIDDEN" || code === "NOT_FOUND"), `${query}: ${JSON.stringify(response.body)}`);
      assertNoBob(response, query);
    }
  });

  test("a batch of operations is refused as a whole (no per-entry bypass)", async () => {
    const response = await fetch(stack.routerUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${alice}` },
      body: JSON.stringify([{ query: "{ me { email } }" }, { query: "query($id: ID!) { account(id: $id) { number } }", variables: { id: bob.accountIds[0] } }]),
    });
    const text = await response.text();
    assert.equal(response.status, 400, text);
    assert.ok(!bob.numbers.some((number) => text.includes(number)));
  });
});
