// Issue 14, §3: lock the guesser, not the customer. Reproduced as the attacker did it, through the real
// router, with client addresses as a trusted proxy forwards them: wrong passwords from one address used to
// lock the account against everyone, the owner included.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { eventually } from "./support/wait.js";
import { buildCustomer } from "./support/builders.js";
import { useDatabase, usePlatform } from "./support/platform.js";
import { graphql, type GraphQLResponse, type Stack } from "./support/stack.js";
import { errorCode, LOGIN_FULL, STRONG_PASSWORD, totpNow, uniqueEmail } from "./support/identity.js";

const PER_ACCOUNT_ADDRESS = 5;
const PER_ADDRESS = 12;
const ALERT_AFTER = 4;

// A platform of its own: a per-address stop low enough to reach (on the shared platform every suite's
// failures come from one address).
const platform = usePlatform({
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: String(PER_ACCOUNT_ADDRESS),
  LOGIN_MAX_FAILURES_PER_IP: String(PER_ADDRESS),
  LOGIN_ALERT_AFTER_FAILURES: String(ALERT_AFTER),
  LOGIN_ACCOUNT_DELAY_AFTER_FAILURES: "3",
  LOGIN_ACCOUNT_DELAY_BASE_MS: "20",
  LOGIN_ACCOUNT_DELAY_MAX_MS: "100",
  // The test client plays the ingress proxy: the router takes the client address from X-Forwarded-For.
  TRUSTED_PROXIES: "127.0.0.1,::1",
});
const db = useDatabase(platform);
let stack: Stack;

before(async () => {
  await platform.ready;
  stack = platform.stack;
});

let nextAddress = 1;
/** A documentation address (RFC 5737) not used before in this run. */
const freshAddress = () => `198.51.100.${nextAddress++}`;

async function loginFrom(ip: string, email: string, password: string, totp?: string): Promise<GraphQLResponse> {
  const response = await fetch(stack.routerUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ query: LOGIN_FULL, variables: { email, password, ...(totp ? { totp } : {}) } }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse["body"] };
}

function assertCode(response: GraphQLResponse, code: string | undefined, what: string) {
  assert.equal(errorCode(response), code, `${what}: ${JSON.stringify(response.body.errors)}`);
}

describe("an anonymous guesser cannot lock the owner out", () => {
  test(`${PER_ACCOUNT_ADDRESS} wrong passwords stop the guessing address; the owner signs in from another one`, async () => {
    const email = uniqueEmail("victim");
    const victim = await buildCustomer(db.prisma, email, STRONG_PASSWORD);
    const attacker = freshAddress();
    for (let i = 0; i < PER_ACCOUNT_ADDRESS; i += 1) {
      assertCode(await loginFrom(attacker, email, `wrong-password-${i}`), "INVALID_CREDENTIALS", `guess ${i}`);
    }
    const stopped = await loginFrom(attacker, email, STRONG_PASSWORD);
    assertCode(stopped, "TOO_MANY_ATTEMPTS", "the guessing address, even with the right password");
    const retryAfter = (stopped.body.errors![0]!.extensions as { retryAfterSeconds?: number }).retryAfterSeconds;
    assert.ok(typeof retryAfter === "number" && retryAfter > 0, `retryAfterSeconds ${retryAfter}`);
    const owner = await loginFrom(freshAddress(), email, STRONG_PASSWORD);
    assertCode(owner, undefined, "the owner from a clean address");
    assert.equal((owner.body.data as { login: { user: { id: string } } }).login.user.id, victim.id);
  });

  test("a distributed guesser (a new address per guess) meets only the per-account delay; the owner still signs in and is told", async () => {
    const email = uniqueEmail("spray-target");
    await buildCustomer(db.prisma, email, STRONG_PASSWORD);
    let lastGuessMs = 0;
    for (let i = 0; i < PER_ACCOUNT_ADDRESS * 2; i += 1) {
      const started = performance.now();
      assertCode(await loginFrom(freshAddress(), email, `wrong-password-${i}`), "INVALID_CREDENTIALS", `guess ${i}`);
      lastGuessMs = performance.now() - started;
    }
    // The per-account delay has grown to its cap (LOGIN_ACCOUNT_DELAY_MAX_MS, 100 ms) by the tenth guess.
    assert.ok(lastGuessMs >= 90, `the tenth guess waited ${lastGuessMs.toFixed(0)} ms`);
    const owner = await loginFrom(freshAddress(), email, STRONG_PASSWORD);
    assertCode(owner, undefined, "the owner after ten failures from ten addresses");
    const token = (owner.body.data as { login: { accessToken: string } }).login.accessToken;
    const alerts = await eventually(
      "a repeated-failures notification",
      async () => (await graphql(stack.routerUrl, `{ me { notifications(first: 20) { edges { node { kind title } } } } }`, {}, token)).body.data,
      (data) => JSON.stringify(data ?? {}).includes("SECURITY_ALERT"),
    );
    assert.match(JSON.stringify(alerts), /Repeated failed sign-in attempts/);
    // Exactly one alert for the burst (at the threshold), not one per guess.
    const rows = await db.pool.query(`SELECT count(*)::int AS n FROM users.security_events WHERE type = 'REPEATED_FAILURES' AND user_id = (SELECT id FROM users.users WHERE email = $1)`, [email]);
    assert.equal(rows.rows[0].n, 1);
  });

  test("an MFA account from a clean address still needs the code after the right password", async () => {
    const email = uniqueEmail("mfa-victim");
    const user = await buildCustomer(db.prisma, email, STRONG_PASSWORD);
    // Enrol through the API as the owner would.
    const first = await loginFrom(freshAddress(), email, STRONG_PASSWORD);
    const token = (first.body.data as { login: { accessToken: string } }).login.accessToken;
    const enrolled = await graphql(stack.routerUrl, `mutation { enrollMfa { secret } }`, {}, token);
    const secret = (enrolled.body.data as { enrollMfa: { secret: string } }).enrollMfa.secret;
    await graphql(stack.routerUrl, `mutation($c: String!) { confirmMfa(code: $c) { id } }`, { c: totpNow(secret) }, token);
    const attacker = freshAddress();
    for (let i = 0; i < PER_ACCOUNT_ADDRESS; i += 1) await loginFrom(attacker, email, `wrong-password-${i}`);
    const clean = freshAddress();
    assertCode(await loginFrom(clean, email, STRONG_PASSWORD), "MFA_REQUIRED", "password alone");
    const withCode = await loginFrom(clean, email, STRONG_PASSWORD, totpNow(secret, 1));
    assertCode(withCode, undefined, "password and code");
    assert.equal((withCode.body.data as { login: { user: { id: string } } }).login.user.id, user.id);
  });
});

describe("hard stops per address, and no enumeration", () => {
  test(`one address spraying many accounts is stopped after ${PER_ADDRESS} failures, for every account`, async () => {
    const sprayer = freshAddress();
    const bystander = uniqueEmail("bystander");
    await buildCustomer(db.prisma, bystander, STRONG_PASSWORD);
    for (let i = 0; i < PER_ADDRESS; i += 1) {
      assertCode(await loginFrom(sprayer, uniqueEmail(`spray${i}`), "wrong-password-spray"), "INVALID_CREDENTIALS", `spray ${i}`);
    }
    assertCode(await loginFrom(sprayer, bystander, STRONG_PASSWORD), "TOO_MANY_ATTEMPTS", "the spraying address");
    assertCode(await loginFrom(freshAddress(), bystander, STRONG_PASSWORD), undefined, "the account from elsewhere");
  });

  test("unknown emails and real accounts answer alike, including the stop", async () => {
    const known = uniqueEmail("known");
    await buildCustomer(db.prisma, known, STRONG_PASSWORD);
    const unknown = uniqueEmail("ghost");
    const address = freshAddress();
    const answers: string[] = [];
    for (const email of [known, unknown]) {
      for (let i = 0; i < PER_ACCOUNT_ADDRESS; i += 1) {
        const response = await loginFrom(address, email, `wrong-password-${i}`);
        answers.push(`${errorCode(response)}:${response.body.errors?.[0]?.message}`);
      }
      const stopped = await loginFrom(address, email, "wrong-password-x");
      answers.push(`${errorCode(stopped)}`);
    }
    const half = answers.length / 2;
    assert.deepEqual(answers.slice(half), answers.slice(0, half), "the unknown email is answered exactly as the known one");
    assert.equal(answers.at(-1), "TOO_MANY_ATTEMPTS");
  });
});
