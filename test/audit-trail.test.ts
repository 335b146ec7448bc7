// The audit trail through the real router and services (docs/audit.md): every mutation of the supergraph
// leaves exactly one record with its outcome, security events of the users service and the router arrive
// through the backbone, secrets never reach the table, the API filters and resolves actors, the digest
// verifies with the published key, customers are refused, and tampering with the table is detected.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Supergraph } from "@apollo/federation-internals";
import pg from "pg";
import { splitSecurityDirectives } from "../router/src/authorization.js";
import { verifyAuditDigestSignature, type AuditDigest } from "../subgraphs/audit/src/digest.js";
import { STRONG_PASSWORD, refresh, signIn, totpNow } from "./support/identity.js";
import {
  DEMO_PASSWORD,
  ROOT,
  createTestDatabase,
  createTokenKey,
  demoUsers,
  graphql,
  login,
  metricValue,
  mintAccessToken,
  startStack,
  type GraphQLResponse,
  type Stack,
  type TestDatabase,
  type TokenKey,
} from "./support/stack.js";

type Who = "anonymous" | "alice" | "bob" | "teller" | "admin" | "auditor" | "analyst";
const EMAILS: Record<Exclude<Who, "anonymous">, string> = {
  alice: "alice@demo.bank",
  bob: "bob@demo.bank",
  teller: "teller@demo.bank",
  admin: "admin@demo.bank",
  auditor: "auditor@demo.bank",
  analyst: "analyst@demo.bank",
};

interface Fixtures {
  aliceAccountId: string;
  bobAccountNumber: string;
}

interface Call {
  who: Who;
  query: string;
  variables?: (f: Fixtures) => Record<string, unknown>;
  /** Sign in with the password (the users service checks its own session record) instead of a minted token. */
  realLogin?: boolean;
}

const uuid = () => randomUUID();

/**
 * One invocation per Mutation field of the supergraph (inputs as in test/security-matrix.test.ts: harmless,
 * most fail in the service after authorization; some succeed). A mutation missing here fails the walk.
 */
const MUTATIONS: Record<string, Call> = {
  openAccount: { who: "alice", query: 'mutation { openAccount(input: { type: SAVINGS, currency: "USD" }) { id } }' },
  freezeAccount: { who: "teller", query: 'mutation($id: ID!) { freezeAccount(id: $id, reason: "audit walk") { id } }', variables: () => ({ id: uuid() }) },
  unfreezeAccount: { who: "teller", query: 'mutation($id: ID!) { unfreezeAccount(id: $id, reason: "audit walk") { id } }', variables: () => ({ id: uuid() }) },
  closeAccount: { who: "alice", query: 'mutation($id: ID!) { closeAccount(id: $id, reason: "audit walk") { id } }', variables: () => ({ id: uuid() }) },
  deposit: {
    who: "teller",
    query: 'mutation($id: ID!, $k: String!) { deposit(input: { accountId: $id, amount: "12.34", idempotencyKey: $k }) { replayed } }',
    variables: (f) => ({ id: f.aliceAccountId, k: uuid() }),
  },
  withdraw: { who: "teller", query: 'mutation($id: ID!, $k: String!) { withdraw(input: { accountId: $id, amount: "0", idempotencyKey: $k }) { replayed } }', variables: () => ({ id: uuid(), k: uuid() }) },
  transfer: {
    who: "alice",
    query: 'mutation($from: ID!, $to: String!, $k: String!) { transfer(input: { fromAccountId: $from, toAccountNumber: $to, amount: "1.00", idempotencyKey: $k }) { replayed } }',
    variables: (f) => ({ from: f.aliceAccountId, to: f.bobAccountNumber, k: uuid() }),
  },
  reverseTransaction: { who: "admin", query: 'mutation($id: ID!, $k: String!) { reverseTransaction(id: $id, reason: "audit walk", idempotencyKey: $k) { replayed } }', variables: () => ({ id: uuid(), k: uuid() }) },
  authorizeTransfer: { who: "alice", query: 'mutation($id: ID!, $k: String!) { authorizeTransfer(input: { fromAccountId: $id, toAccountId: $id, amount: "0", idempotencyKey: $k }) { replayed } }', variables: () => ({ id: uuid(), k: uuid() }) },
  captureTransfer: { who: "alice", query: "mutation($id: ID!, $k: String!) { captureTransfer(input: { holdId: $id, idempotencyKey: $k }) { replayed } }", variables: () => ({ id: uuid(), k: uuid() }) },
  voidTransfer: { who: "alice", query: "mutation($id: ID!, $k: String!) { voidTransfer(holdId: $id, idempotencyKey: $k) { replayed } }", variables: () => ({ id: uuid(), k: uuid() }) },
  register: { who: "anonymous", query: 'mutation { register(input: { email: "not-an-email", password: "short", name: "x" }) { accessToken } }' },
  login: { who: "anonymous", query: `mutation { login(email: "alice@demo.bank", password: "${DEMO_PASSWORD}") { accessToken } }` },
  refreshToken: { who: "anonymous", query: 'mutation { refreshToken(token: "not-a-refresh-token") { accessToken } }' },
  enrollMfa: { who: "analyst", query: "mutation { enrollMfa { otpauthUri } }" },
  confirmMfa: { who: "analyst", query: 'mutation { confirmMfa(code: "000000") { id } }' },
  disableMfa: { who: "analyst", query: 'mutation { disableMfa(code: "000000") { id } }' },
  changePassword: { who: "analyst", query: 'mutation { changePassword(currentPassword: "not-the-password", newPassword: "another-long-password-42") }' },
  updateProfile: { who: "alice", query: "mutation { updateProfile(input: {}) { id } }" },
  createUser: { who: "admin", query: 'mutation { createUser(input: { email: "not-an-email", name: "x", role: ADMIN, password: "short" }) { id } }' },
  setUserStatus: { who: "admin", query: 'mutation($id: ID!) { setUserStatus(id: $id, status: LOCKED, reason: "audit walk") { id } }', variables: () => ({ id: uuid() }) },
  eraseUser: { who: "admin", query: "mutation($id: ID!) { eraseUser(id: $id) { id } }", variables: () => ({ id: uuid() }), realLogin: true },
  markNotificationRead: { who: "alice", query: "mutation($id: ID!) { markNotificationRead(id: $id) { id } }", variables: () => ({ id: uuid() }) },
  markAllNotificationsRead: { who: "alice", query: "mutation { markAllNotificationsRead }" },
  updateNotificationPreferences: { who: "alice", query: 'mutation { updateNotificationPreferences(input: { largeTransactionThreshold: { amount: "1", currency: "ZZZ" } }) { channels { kind } } }' },
  replayNotificationDeadLetters: { who: "admin", query: 'mutation { replayNotificationDeadLetters(source: LEDGER, ids: ["0-1"]) { id outcome } }' },
  setNotificationWebhook: { who: "bob", query: 'mutation { setNotificationWebhook(url: "http://127.0.0.1:9/hook") { url } }' },
  removeNotificationWebhook: { who: "bob", query: "mutation { removeNotificationWebhook }" },
  reconcileReporting: { who: "admin", query: 'mutation { reconcileReporting(date: "2000-01-01") { consistent } }' },
  // Last: they end the session they are called with (a real one of its own).
  logout: { who: "teller", query: "mutation { logout }", realLogin: true },
  logoutEverywhere: { who: "teller", query: "mutation { logoutEverywhere }", realLogin: true },
};

/** The Mutation fields clients can call (the supergraph's API schema). */
async function supergraphMutations(): Promise<string[]> {
  const { gatewaySdl } = splitSecurityDirectives(await readFile(`${ROOT}schema/supergraph.graphql`, "utf8"));
  const api = Supergraph.build(gatewaySdl).apiSchema().toGraphQLJSSchema();
  return Object.keys(api.getMutationType()?.getFields() ?? {});
}

interface AuditRow {
  sequence: string;
  action: string;
  outcome: string;
  error_code: string | null;
  request_id: string | null;
  actor_id: string | null;
  source: string | null;
}

describe("audit trail through the router", () => {
  let database: TestDatabase;
  let stack: Stack;
  let key: TokenKey;
  let users: Record<string, { id: string; role: string }>;
  let fixtures: Fixtures;
  let db: pg.Client;
  /** Every credential a flow below handled: none may appear in the audit table. */
  const secrets = new Set<string>([DEMO_PASSWORD, STRONG_PASSWORD, "another-long-password-42"]);
  const token = (who: Who) => (who === "anonymous" ? Promise.resolve(undefined) : mintAccessToken(key, users[EMAILS[who]]!));

  /** Waits (bounded) until the audit table holds records for every request id; returns them. */
  async function recordsOf(requestIds: string[], minimum = 1): Promise<AuditRow[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await db.query<AuditRow>(
        "SELECT sequence::text, action, outcome::text, error_code, request_id, actor_id::text, source FROM audit.audit_events WHERE request_id = ANY($1) ORDER BY audit_events.sequence",
        [requestIds],
      );
      const seen = new Set(rows.map((row) => row.request_id));
      if (requestIds.every((id) => seen.has(id)) && rows.length >= minimum) return rows;
      if (Date.now() > deadline) return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function recordsWhere(sql: string, params: unknown[], minimum: number): Promise<AuditRow[]> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { rows } = await db.query<AuditRow>(
        `SELECT sequence::text, action, outcome::text, error_code, request_id, actor_id::text, source FROM audit.audit_events WHERE ${sql} ORDER BY audit_events.sequence`,
        params,
      );
      if (rows.length >= minimum || Date.now() > deadline) return rows;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const requestIdOf = (response: GraphQLResponse) => {
    const id = response.headers.get("x-request-id");
    assert.ok(id, "the router names every request");
    return id;
  };

  before(async () => {
    database = await createTestDatabase();
    key = await createTokenKey();
    stack = await startStack({
      DATABASE_URL: database.url,
      JWT_PRIVATE_KEY: key.pem,
      // Low enough for the rate-limit test below (one unknown e-mail), far above the walk's logins.
      RATE_LIMIT_AUTH_ACCOUNT_ATTEMPTS: "8",
      // The users service's per-account delay after 3 failures doubles from 250 ms by default: the 8 wrong
      // logins on one e-mail before the router's 429 waited ~7.5 s for it. It still applies, briefly.
      LOGIN_ACCOUNT_DELAY_BASE_MS: "10",
      LOGIN_ACCOUNT_DELAY_MAX_MS: "50",
    });
    users = await demoUsers(database.url);
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const admin = await token("admin");
    const accounts = async (email: string) =>
      (await graphql<{ user: { accounts: { id: string; number: string; currency: string; status: string }[] } }>(
        stack.routerUrl,
        "query($id: ID!) { user(id: $id) { accounts { id number currency status } } }",
        { id: users[email]!.id },
        admin,
      )).body.data!.user.accounts.filter((account) => account.currency === "USD" && account.status === "ACTIVE");
    fixtures = { aliceAccountId: (await accounts(EMAILS.alice))[0]!.id, bobAccountNumber: (await accounts(EMAILS.bob))[0]!.number };
  });

  after(async () => {
    await db?.end();
    const code = await stack?.stop();
    await database?.drop();
    assert.equal(code, 0, "the platform stops cleanly");
  });

  test("every mutation of the supergraph has an invocation here (a new mutation must be added)", async () => {
    const missing = (await supergraphMutations()).filter((field) => !MUTATIONS[field]);
    assert.deepEqual(missing, [], `mutations without an entry in test/audit-trail.test.ts: ${missing.join(", ")}`);
  });

  test("every mutation produces exactly one audit record for its request, with its outcome and error code", async () => {
    const sent: { field: string; requestId: string; code: string | undefined; who: Who }[] = [];
    for (const field of await supergraphMutations()) {
      const call = MUTATIONS[field];
      if (!call) continue; // reported by the test above
      const bearer = call.realLogin && call.who !== "anonymous" ? await login(stack.routerUrl, EMAILS[call.who]) : await token(call.who);
      const response = await graphql(stack.routerUrl, call.query, call.variables?.(fixtures) ?? {}, bearer);
      const authz = response.body.errors?.find((error) => ["UNAUTHENTICATED", "FORBIDDEN"].includes(error.extensions?.code ?? "") && !error.path);
      assert.equal(authz, undefined, `${field} was refused by the router: ${JSON.stringify(response.body)}`);
      sent.push({ field, requestId: requestIdOf(response), code: response.body.errors?.[0]?.extensions?.code, who: call.who });
    }
    const rows = await recordsOf(sent.map((call) => call.requestId));
    const problems: string[] = [];
    for (const call of sent) {
      const mine = rows.filter((row) => row.request_id === call.requestId && row.action === call.field);
      if (mine.length !== 1) {
        problems.push(`${call.field}: ${mine.length} records`);
        continue;
      }
      const record = mine[0]!;
      const expected = call.code === undefined ? "SUCCESS" : call.code === "FORBIDDEN" || call.code === "UNAUTHENTICATED" ? "DENIED" : "FAILURE";
      if (record.outcome !== expected) problems.push(`${call.field}: outcome ${record.outcome}, expected ${expected} (${call.code})`);
      if ((record.error_code ?? undefined) !== call.code) problems.push(`${call.field}: error code ${record.error_code}, expected ${call.code}`);
      if (call.who !== "anonymous" && record.actor_id !== users[EMAILS[call.who]]!.id) problems.push(`${call.field}: actor ${record.actor_id}`);
    }
    assert.deepEqual(problems, []);
    // The successful deposit and transfer wrote their record inside the ledger transaction itself.
    const inTransaction = await metricValue(stack.ports.transactions, 'fedbank_audit_trail_events_total{service="transactions",outcome="SUCCESS",path="transaction"}');
    assert.ok(inTransaction >= 2, `records written with the change: ${inTransaction}`);
  });

  test("a refused transfer (its ledger.transfer.failed event is committed) is one FAILURE record, not SUCCESS", async () => {
    const response = await graphql(
      stack.routerUrl,
      'mutation($from: ID!, $to: String!, $k: String!) { transfer(input: { fromAccountId: $from, toAccountNumber: $to, amount: "99999999.00", idempotencyKey: $k }) { replayed } }',
      { from: fixtures.aliceAccountId, to: fixtures.bobAccountNumber, k: uuid() },
      await token("alice"),
    );
    assert.equal(response.body.errors?.[0]?.extensions?.code, "INSUFFICIENT_FUNDS");
    const rows = await recordsOf([requestIdOf(response)]);
    assert.deepEqual(rows.map((row) => [row.action, row.outcome, row.error_code]), [["transfer", "FAILURE", "INSUFFICIENT_FUNDS"]]);
  });

  test("security events of the users service and the router become audit records", async () => {
    const alice = users[EMAILS.alice]!.id;
    // Login failure and success (users service), with the client's address and user agent.
    const failed = await graphql(stack.routerUrl, 'mutation { login(email: "alice@demo.bank", password: "wrong-password-123") { accessToken } }');
    const succeeded = await signIn(stack.routerUrl, EMAILS.alice, DEMO_PASSWORD);
    secrets.add(succeeded.accessToken).add(succeeded.refreshToken);
    // Refresh-token reuse: the second use of a rotated token.
    const rotated = await refresh(stack.routerUrl, succeeded.refreshToken);
    const next = (rotated.body.data as { refreshToken: { refreshToken: string; accessToken: string } }).refreshToken;
    secrets.add(next.refreshToken).add(next.accessToken);
    const reused = await refresh(stack.routerUrl, succeeded.refreshToken);
    assert.ok(reused.body.errors?.length, "a reused refresh token is refused");
    // Router: an authorization denial, a refused token, a rate-limit rejection.
    const denied = await graphql(stack.routerUrl, 'mutation { reverseTransaction(id: "x", reason: "no", idempotencyKey: "k") { replayed } }', {}, await token("alice"));
    const refused = await graphql(stack.routerUrl, "{ me { id } }", {}, "not-a-token");
    let limited: GraphQLResponse | undefined;
    for (let attempt = 0; attempt < 12 && !limited; attempt++) {
      const response = await graphql(stack.routerUrl, 'mutation { login(email: "limited@audit.test", password: "wrong-password-123") { accessToken } }');
      if (response.status === 429) limited = response;
    }
    assert.ok(limited, "the login rate limit answered 429");

    const rows = await recordsOf([requestIdOf(denied), requestIdOf(refused), requestIdOf(limited)], 3);
    const byRequest = (response: GraphQLResponse) => rows.filter((row) => row.request_id === requestIdOf(response));
    assert.deepEqual(byRequest(denied).map((row) => [row.action, row.outcome, row.error_code, row.actor_id]), [["router.authorization_denied", "DENIED", "FORBIDDEN", alice]]);
    assert.deepEqual(byRequest(refused).map((row) => [row.action, row.outcome, row.error_code]), [["router.token_refused", "DENIED", "UNAUTHENTICATED"]]);
    assert.deepEqual(byRequest(limited).map((row) => [row.action, row.outcome, row.error_code]), [["router.rate_limited", "DENIED", "RATE_LIMITED"]]);

    const security = await recordsWhere("entity_id = $1 AND action LIKE 'security.%'", [alice], 4);
    const actions = security.map((row) => row.action);
    for (const action of ["security.login_failed", "security.login_succeeded", "security.refresh_token_reused"]) {
      assert.ok(actions.includes(action), `${action} recorded: ${actions.join(", ")}`);
    }
    assert.ok(security.some((row) => row.action === "security.login_failed" && row.outcome === "FAILURE"));
    // The failed login mutation has its own record too, with the error code the client saw.
    const [failedLogin] = await recordsOf([requestIdOf(failed)]);
    assert.equal(failedLogin?.action, "login");
    assert.equal(failedLogin?.outcome, "FAILURE");
    assert.equal(failedLogin?.error_code, failed.body.errors?.[0]?.extensions?.code);
  });

  test("MFA enrolment, codes and recovery codes never reach the audit table", async () => {
    const bob = await signIn(stack.routerUrl, EMAILS.bob, DEMO_PASSWORD);
    secrets.add(bob.accessToken).add(bob.refreshToken);
    const enrolled = await graphql<{ enrollMfa: { otpauthUri: string; secret: string; recoveryCodes: string[] } }>(
      stack.routerUrl,
      "mutation { enrollMfa { otpauthUri secret recoveryCodes } }",
      {},
      bob.accessToken,
    );
    const enrollment = enrolled.body.data!.enrollMfa;
    for (const value of [enrollment.otpauthUri, enrollment.secret, ...enrollment.recoveryCodes]) secrets.add(value);
    const code = totpNow(enrollment.secret);
    secrets.add(code);
    const confirmed = await graphql(stack.routerUrl, "mutation($c: String!) { confirmMfa(code: $c) { id } }", { c: code }, bob.accessToken);
    assert.equal(confirmed.body.errors, undefined, JSON.stringify(confirmed.body));
    // A login with the second factor: the TOTP code travels as an argument of `login`.
    const withCode = totpNow(enrollment.secret, 1);
    secrets.add(withCode);
    const mfaLogin = await graphql(stack.routerUrl, "mutation($e: String!, $p: String!, $t: String) { login(email: $e, password: $p, totp: $t) { accessToken } }", {
      e: EMAILS.bob,
      p: DEMO_PASSWORD,
      t: withCode,
    });
    const disabled = await graphql(stack.routerUrl, "mutation($c: String!) { disableMfa(code: $c) { id } }", { c: enrollment.recoveryCodes[0] }, bob.accessToken);
    await recordsOf([requestIdOf(enrolled), requestIdOf(confirmed), requestIdOf(mfaLogin), requestIdOf(disabled)], 4);
  });

  test("redaction: no password, token, TOTP secret or code, recovery code or webhook secret in any audit record", async () => {
    // Everything the table holds, as text (details, user agents, ids ...), after all the flows above.
    const { rows } = await db.query<{ text: string }>("SELECT row_to_json(e)::text AS text FROM audit.audit_events e");
    assert.ok(rows.length > 30, `the flows left records (${rows.length})`);
    const leaks: string[] = [];
    for (const secret of secrets) {
      if (secret.length < 6) continue;
      const hit = rows.find((row) => row.text.includes(secret));
      if (hit) leaks.push(`${secret.slice(0, 12)}… in ${hit.text.slice(0, 200)}`);
    }
    assert.deepEqual(leaks, []);
    // Arguments are kept (what was asked), with the secret ones censored.
    const { rows: logins } = await db.query<{ details: { arguments?: { password?: string; email?: string } } }>(
      "SELECT details FROM audit.audit_events WHERE action = 'login' AND details ? 'arguments' LIMIT 1",
    );
    assert.equal(logins[0]?.details.arguments?.password, "[redacted]");
  });

  test("auditEvents filters by actor, action, outcome and time; AuditEvent.actor resolves the user", async () => {
    const auditor = await token("auditor");
    const alice = users[EMAILS.alice]!.id;
    const { body } = await graphql<{ auditEvents: { edges: { node: { action: string; outcome: string; actor: { email: string; name: string } | null; occurredAt: string; requestId: string } }[] } }>(
      stack.routerUrl,
      `query($f: AuditEventFilter) { auditEvents(filter: $f, first: 50) { edges { node { action outcome occurredAt requestId actor { email name } } } } }`,
      { f: { actorId: alice, action: "updateProfile", outcome: "SUCCESS", from: "2000-01-01T00:00:00.000Z", to: "2100-01-01T00:00:00.000Z" } },
      auditor,
    );
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const nodes = body.data!.auditEvents.edges.map((edge) => edge.node);
    assert.ok(nodes.length >= 1);
    for (const node of nodes) {
      assert.equal(node.action, "updateProfile");
      assert.equal(node.outcome, "SUCCESS");
      assert.equal(node.actor?.email, EMAILS.alice);
      assert.ok(node.actor?.name);
    }
    const future = await graphql<{ auditEvents: { edges: unknown[] } }>(
      stack.routerUrl,
      "query($f: AuditEventFilter) { auditEvents(filter: $f) { edges { cursor } } }",
      { f: { from: "2099-01-01T00:00:00.000Z" } },
      auditor,
    );
    assert.deepEqual(future.body.data?.auditEvents.edges, []);
    const failures = await graphql<{ auditEvents: { edges: { node: { outcome: string; errorCode: string | null } }[] } }>(
      stack.routerUrl,
      "query($f: AuditEventFilter) { auditEvents(filter: $f, first: 20) { edges { node { outcome errorCode } } } }",
      { f: { outcome: "FAILURE" } },
      auditor,
    );
    assert.ok(failures.body.data!.auditEvents.edges.length > 0);
    assert.ok(failures.body.data!.auditEvents.edges.every((edge) => edge.node.outcome === "FAILURE" && edge.node.errorCode));
  });

  test("customers are refused the trail, its verification and its digest (FORBIDDEN)", async () => {
    const alice = await token("alice");
    for (const query of ["{ auditEvents(first: 1) { edges { cursor } } }", "{ verifyAuditChain { valid } }", "{ auditDigest { signature } }"]) {
      const { body } = await graphql(stack.routerUrl, query, {}, alice);
      assert.equal(body.data ?? null, null, query);
      assert.ok(body.errors?.some((error) => error.extensions?.code === "FORBIDDEN"), `${query}: ${JSON.stringify(body)}`);
    }
  });

  test("the digest's signature verifies with the published key; verifyAuditChain is valid and sets the gauge", async () => {
    const auditor = await token("auditor");
    const { body } = await graphql<{ auditDigest: AuditDigest }>(
      stack.routerUrl,
      "{ auditDigest { headSequence headHash issuedAt algorithm keyId publicKey message signature } }",
      {},
      auditor,
    );
    const digest = body.data!.auditDigest;
    const published = (await (await fetch(`http://127.0.0.1:${stack.ports.audit}/.well-known/audit-key`)).json()) as { publicKey: string; keyId: string };
    assert.equal(published.keyId, digest.keyId);
    assert.ok(verifyAuditDigestSignature(digest, published.publicKey), "signature verifies");
    assert.equal(verifyAuditDigestSignature({ ...digest, headSequence: String(BigInt(digest.headSequence) + 1n) }, published.publicKey), false);
    const { rows } = await db.query<{ hash: string }>("SELECT hash FROM audit.audit_events WHERE sequence = $1", [digest.headSequence]);
    assert.equal(rows[0]?.hash, digest.headHash);

    const verified = await graphql<{ verifyAuditChain: { valid: boolean; checked: number; firstInvalidSequence: string | null } }>(
      stack.routerUrl,
      "{ verifyAuditChain { valid checked firstInvalidSequence } }",
      {},
      auditor,
    );
    assert.equal(verified.body.data?.verifyAuditChain.valid, true, JSON.stringify(verified.body));
    assert.ok(verified.body.data!.verifyAuditChain.checked >= Number(digest.headSequence));
    assert.equal(await metricValue(stack.ports.audit, "fedbank_audit_chain_valid"), 1);
  });

  test("the database refuses UPDATE, DELETE and TRUNCATE on the trail", async () => {
    await assert.rejects(db.query("UPDATE audit.audit_events SET action = 'x' WHERE sequence = 1"), /append-only/);
    await assert.rejects(db.query("DELETE FROM audit.audit_events WHERE sequence = 1"), /append-only/);
    await assert.rejects(db.query("TRUNCATE audit.audit_events"), /append-only/);
  });

  test("tampering: an edited row, then a deleted row, are found by verifyAuditChain and by npm run verify:audit", async () => {
    const auditor = await token("auditor");
    const verify = async () =>
      (await graphql<{ verifyAuditChain: { valid: boolean; firstInvalidSequence: string | null } }>(
        stack.routerUrl,
        "{ verifyAuditChain { valid firstInvalidSequence } }",
        {},
        auditor,
      )).body.data!.verifyAuditChain;
    // A digest saved before the tampering, as an auditor would keep it outside the system.
    const saved = (await graphql<{ auditDigest: AuditDigest }>(stack.routerUrl, "{ auditDigest { headSequence headHash issuedAt algorithm keyId publicKey message signature } }", {}, auditor)).body.data!.auditDigest;
    const dir = await mkdtemp(join(tmpdir(), "audit-digest-"));
    const digestFile = join(dir, "digest.json");
    await writeFile(digestFile, JSON.stringify(saved));
    const script = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "scripts/verify-audit.ts", "--database-url", database.url, ...args], { cwd: ROOT, encoding: "utf8" });
    try {
      const clean = script("--digest", digestFile);
      assert.equal(clean.status, 0, clean.stdout + clean.stderr);

      const { rows } = await db.query<{ sequence: string; action: string }>("SELECT sequence::text, action FROM audit.audit_events WHERE sequence = 5");
      const original = rows[0]!;
      // A superuser can bypass the triggers (replica role): the chain still tells.
      await db.query("BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit.audit_events SET action = 'nothing.happened' WHERE sequence = 5; COMMIT;");
      assert.deepEqual(await verify(), { valid: false, firstInvalidSequence: "5" });
      assert.equal(await metricValue(stack.ports.audit, "fedbank_audit_chain_valid"), 0);
      const edited = script("--digest", digestFile);
      assert.notEqual(edited.status, 0);
      assert.match(edited.stdout + edited.stderr, /sequence 5\b/);

      await db.query(`BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit.audit_events SET action = $$${original.action}$$ WHERE sequence = 5; COMMIT;`);
      assert.deepEqual(await verify(), { valid: true, firstInvalidSequence: null });

      await db.query("BEGIN; SET LOCAL session_replication_role = replica; DELETE FROM audit.audit_events WHERE sequence = 7; COMMIT;");
      assert.deepEqual(await verify(), { valid: false, firstInvalidSequence: "8" });
      const deleted = script("--digest", digestFile);
      assert.notEqual(deleted.status, 0);
      assert.match(deleted.stdout + deleted.stderr, /sequence 8\b/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
