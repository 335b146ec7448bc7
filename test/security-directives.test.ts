// The router enforces @authenticated / @requiresScopes / @policy from the composed supergraph before
// planning: unauthorized fields are removed and reported at their paths, the rest is answered, and an
// operation with nothing authorized left is refused without calling any subgraph.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  createTestDatabase,
  createTokenKey,
  demoUsers,
  graphql,
  metricValue,
  mintAccessToken,
  startStack,
  type Stack,
  type TestDatabase,
  type TokenKey,
} from "./support/stack.js";

const ACCEPTED = 'fedbank_subgraph_requests_total{outcome="accepted"}';
type Errors = { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] | undefined;
const paths = (errors: Errors, code: string) => (errors ?? []).filter((e) => e.extensions?.code === code).map((e) => e.path?.join("."));

describe("authorization directives enforced by the router", () => {
  let database: TestDatabase;
  let stack: Stack;
  let key: TokenKey;
  let users: Record<string, { id: string; role: string }>;
  let aliceNumber: string;
  let aliceAccountId: string;
  const as = (email: string, options = {}) => mintAccessToken(key, users[email]!, options);
  const accepted = (service: keyof Stack["ports"]) => metricValue(stack.ports[service], ACCEPTED);

  before(async () => {
    database = await createTestDatabase();
    key = await createTokenKey();
    stack = await startStack({ DATABASE_URL: database.url, JWT_PRIVATE_KEY: key.pem });
    users = await demoUsers(database.url);
    const { body } = await graphql<{ me: { accounts: { id: string; number: string }[] } }>(stack.routerUrl, "{ me { accounts { id number } } }", {}, await as("alice@demo.bank"));
    aliceNumber = body.data!.me.accounts[0]!.number;
    aliceAccountId = body.data!.me.accounts[0]!.id;
  });

  after(async () => {
    const code = await stack?.stop();
    await database?.drop();
    assert.equal(code, 0);
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
