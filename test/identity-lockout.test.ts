// Brute-force protection and no user enumeration, through the real router (counters in the real Redis).
// One platform for all of it: the test client plays a trusted proxy, so each test names its client
// addresses (X-Forwarded-For) and the per-address stop of one test never meets another's requests.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createDatabase, type Database } from "#kernel/db.js";
import { buildCustomer } from "./support/builders.js";
import { createTestDatabase, startStack, type GraphQLResponse, type Stack, type TestDatabase } from "./support/stack.js";
import { errorCode, LOGIN_FULL, STRONG_PASSWORD, uniqueEmail, type AuthPayload } from "./support/identity.js";
import { eventually } from "./support/wait.js";

const MAX_FAILURES = 3;
const MAX_PER_IP = 4;
/** Short: the first test waits for a lockout to end. */
const LOCKOUT_SECONDS = 2;

let nextAddress = 0;
/** A client address no other request of this file uses (documentation range). */
const uniqueIp = () => `198.51.100.${++nextAddress}`;

async function loginFrom(ip: string, email: string, password: string): Promise<GraphQLResponse> {
  const response = await fetch(stack.routerUrl, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": ip },
    body: JSON.stringify({ query: LOGIN_FULL, variables: { email, password } }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse["body"] };
}

async function signInFrom(ip: string, email: string, password: string): Promise<AuthPayload> {
  const response = await loginFrom(ip, email, password);
  const payload = (response.body.data as { login?: AuthPayload } | null | undefined)?.login;
  if (!payload) throw new Error(`login as ${email} failed: ${JSON.stringify(response.body.errors)}`);
  return payload;
}

let database: TestDatabase;
let db: Database;
let stack: Stack;

before(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolSize: 2 });
  stack = await startStack({
    DATABASE_URL: database.url,
    LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: String(MAX_FAILURES),
    LOGIN_MAX_FAILURES_PER_IP: String(MAX_PER_IP),
    LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
    // The per-account delay applies (after 3 failures), briefly: the lockout test signs in after its failures.
    LOGIN_ACCOUNT_DELAY_BASE_MS: "10",
    LOGIN_ACCOUNT_DELAY_MAX_MS: "50",
    // The test client plays a proxy: the router takes the client IP from X-Forwarded-For only from it.
    TRUSTED_PROXIES: "127.0.0.1,::1",
  });
});

after(async () => {
  const code = await stack?.stop();
  await db?.close();
  await database?.drop();
  assert.equal(code, 0, "the platform stops cleanly");
});

describe("lockout", () => {
  // Each test's requests come from one address of its own (fewer than MAX_PER_IP failures), so this is the
  // (account, address) stop; that the owner from another address is not stopped is
  // test/security-lockout.test.ts.
  test(`after ${MAX_FAILURES} failures from one address even the right password gets TOO_MANY_ATTEMPTS with retryAfterSeconds, until it expires`, async () => {
    const ip = uniqueIp();
    const email = uniqueEmail("lock");
    const user = await buildCustomer(db.prisma, email, STRONG_PASSWORD);
    for (let i = 0; i < MAX_FAILURES; i += 1) {
      assert.equal(errorCode(await loginFrom(ip, email, `wrong-password-${i}`)), "INVALID_CREDENTIALS");
    }
    const beforeLock = Date.now();
    const locked = await loginFrom(ip, email, STRONG_PASSWORD);
    assert.equal(errorCode(locked), "TOO_MANY_ATTEMPTS");
    const retryAfter = (locked.body.errors![0]!.extensions as { retryAfterSeconds?: number }).retryAfterSeconds;
    assert.ok(typeof retryAfter === "number" && retryAfter > 0 && retryAfter <= LOCKOUT_SECONDS, `retryAfterSeconds ${retryAfter}`);
    assert.equal(await db.prisma.securityEvent.count({ where: { userId: user.id, type: "LOCKED_OUT" } }), 1);
    assert.equal(await db.prisma.securityEvent.count({ where: { userId: user.id, type: "LOGIN_FAILED" } }), MAX_FAILURES);
    // Other accounts are unaffected.
    await signInFrom(ip, "alice@demo.bank", "demo-password-123");
    // The lockout is temporary: the right password works again once it has run out (an attempt while it
    // lasts is refused without counting as a failure).
    const unlocked = await eventually(
      "the lockout expires",
      () => loginFrom(ip, email, STRONG_PASSWORD),
      (response) => errorCode(response) !== "TOO_MANY_ATTEMPTS",
      { intervalMs: 100, timeoutMs: LOCKOUT_SECONDS * 1000 + 30_000 },
    );
    assert.equal((unlocked.body.data as { login?: AuthPayload } | null)?.login?.user.id, user.id, JSON.stringify(unlocked.body.errors));
    assert.ok(Date.now() - beforeLock > (retryAfter! - 1) * 1000, "refused until retryAfterSeconds (to the second) had passed");
  });

  test("unknown emails are throttled exactly like known ones (no enumeration through the lockout)", async () => {
    const ip = uniqueIp();
    const email = uniqueEmail("nobody");
    for (let i = 0; i < MAX_FAILURES; i += 1) {
      assert.equal(errorCode(await loginFrom(ip, email, `wrong-password-${i}`)), "INVALID_CREDENTIALS");
    }
    assert.equal(errorCode(await loginFrom(ip, email, STRONG_PASSWORD)), "TOO_MANY_ATTEMPTS");
  });

  test("the email is matched normalised: case and spaces do not give extra attempts", async () => {
    const ip = uniqueIp();
    const email = uniqueEmail("case");
    await buildCustomer(db.prisma, email, STRONG_PASSWORD);
    const variants = [email, email.toUpperCase(), `  ${email} `];
    for (const variant of variants) assert.equal(errorCode(await loginFrom(ip, variant, "wrong-password-x")), "INVALID_CREDENTIALS");
    assert.equal(errorCode(await loginFrom(ip, email, STRONG_PASSWORD)), "TOO_MANY_ATTEMPTS");
  });
});

describe("no user enumeration", () => {
  test("unknown email and wrong password: same code, same message, similar time", async () => {
    // Several known users, two wrong guesses each, so no account reaches the lockout.
    const known = await Promise.all([1, 2, 3, 4].map((n) => buildCustomer(db.prisma, uniqueEmail(`known${n}`), STRONG_PASSWORD)));
    const timings = { unknown: [] as number[], wrong: [] as number[] };
    const messages = new Set<string>();
    // Warm-up: the first argon2 verification of the decoy hash computes it. Each attempt from an address of
    // its own: no per-address stop interferes with the timings.
    await loginFrom(uniqueIp(), uniqueEmail("warmup"), "wrong-password-w");
    for (let round = 0; round < 8; round += 1) {
      for (const kind of round % 2 ? (["unknown", "wrong"] as const) : (["wrong", "unknown"] as const)) {
        const email = kind === "unknown" ? uniqueEmail("ghost") : known[round % known.length]!.email;
        const started = performance.now();
        const response = await loginFrom(uniqueIp(), email, `wrong-password-${round}`);
        timings[kind].push(performance.now() - started);
        assert.equal(errorCode(response), "INVALID_CREDENTIALS", `${kind} round ${round}`);
        messages.add(response.body.errors![0]!.message);
      }
    }
    assert.equal(messages.size, 1, `different messages: ${[...messages].join(" | ")}`);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    const unknown = median(timings.unknown);
    const wrong = median(timings.wrong);
    console.log(`login failure medians: unknown email ${unknown.toFixed(1)} ms, wrong password ${wrong.toFixed(1)} ms`);
    // Without the decoy verification the unknown email would answer several times faster (no argon2 at all).
    assert.ok(unknown > wrong * 0.5, `unknown email answers much faster (${unknown.toFixed(1)} vs ${wrong.toFixed(1)} ms)`);
    assert.ok(Math.abs(unknown - wrong) < Math.max(60, wrong * 0.5), `timings differ: ${unknown.toFixed(1)} vs ${wrong.toFixed(1)} ms`);
  });
});

describe("per client IP, as the router signs it", () => {
  test(`${MAX_PER_IP} failures on different accounts from one IP block that IP, not the accounts`, async () => {
    const attacker = "203.0.113.9";
    const victim = uniqueEmail("ip-victim");
    await buildCustomer(db.prisma, victim, STRONG_PASSWORD);
    // The failure that stops the address is made on a real account, which must not be reported locked.
    const lastTargetEmail = uniqueEmail("spray-known");
    const lastTarget = await buildCustomer(db.prisma, lastTargetEmail, STRONG_PASSWORD);
    for (let i = 0; i < MAX_PER_IP; i += 1) {
      const email = i === MAX_PER_IP - 1 ? lastTargetEmail : uniqueEmail(`spray${i}`);
      assert.equal(errorCode(await loginFrom(attacker, email, "wrong-password-spray")), "INVALID_CREDENTIALS");
    }
    assert.equal(errorCode(await loginFrom(attacker, victim, STRONG_PASSWORD)), "TOO_MANY_ATTEMPTS", "the spraying IP is locked out");
    const elsewhere = await loginFrom("192.0.2.20", victim, STRONG_PASSWORD);
    assert.equal(elsewhere.body.errors, undefined, "the account itself is not locked for other clients");
    assert.equal(
      await db.prisma.securityEvent.count({ where: { userId: lastTarget.id, type: "LOCKED_OUT" } }),
      0,
      "the address stop is not recorded as that account's lockout (no users.user.locked for its owner)",
    );
  });
});
