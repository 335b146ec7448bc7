// Brute-force protection and no user enumeration, through the real router (counters in the real Redis).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createDatabase, type Database } from "#kernel/db.js";
import { buildCustomer } from "./support/builders.js";
import { createTestDatabase, startStack, type GraphQLResponse, type Stack, type TestDatabase } from "./support/stack.js";
import { errorCode, LOGIN_FULL, loginFull, signIn, STRONG_PASSWORD, uniqueEmail } from "./support/identity.js";

const MAX_FAILURES = 3;
const LOCKOUT_SECONDS = 4;

let database: TestDatabase;
let db: Database;
let stack: Stack;

before(async () => {
  database = await createTestDatabase();
  db = createDatabase({ url: database.url, poolSize: 2 });
  stack = await startStack({
    DATABASE_URL: database.url,
    LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: String(MAX_FAILURES),
    LOGIN_LOCKOUT_SECONDS: String(LOCKOUT_SECONDS),
    // Every request here comes from one address; the per-IP bucket is covered by the unit tests.
    LOGIN_MAX_FAILURES_PER_IP: "100000",
  });
});

after(async () => {
  const code = await stack?.stop();
  await db?.close();
  await database?.drop();
  assert.equal(code, 0, "the platform stops cleanly");
});

describe("lockout", () => {
  // Every request here comes from the same address, so this is the (account, address) stop; that the owner
  // from another address is not stopped is test/security-lockout.test.ts.
  test(`after ${MAX_FAILURES} failures from one address even the right password gets TOO_MANY_ATTEMPTS with retryAfterSeconds, until it expires`, async () => {
    const email = uniqueEmail("lock");
    const user = await buildCustomer(db.prisma, email, STRONG_PASSWORD);
    for (let i = 0; i < MAX_FAILURES; i += 1) {
      assert.equal(errorCode(await loginFull(stack.routerUrl, email, `wrong-password-${i}`)), "INVALID_CREDENTIALS");
    }
    const locked = await loginFull(stack.routerUrl, email, STRONG_PASSWORD);
    assert.equal(errorCode(locked), "TOO_MANY_ATTEMPTS");
    const retryAfter = (locked.body.errors![0]!.extensions as { retryAfterSeconds?: number }).retryAfterSeconds;
    assert.ok(typeof retryAfter === "number" && retryAfter > 0 && retryAfter <= LOCKOUT_SECONDS, `retryAfterSeconds ${retryAfter}`);
    assert.equal(await db.prisma.securityEvent.count({ where: { userId: user.id, type: "LOCKED_OUT" } }), 1);
    assert.equal(await db.prisma.securityEvent.count({ where: { userId: user.id, type: "LOGIN_FAILED" } }), MAX_FAILURES);
    // Other accounts are unaffected.
    await signIn(stack.routerUrl, "alice@demo.bank", "demo-password-123");
    await new Promise((resolve) => setTimeout(resolve, (retryAfter! + 0.5) * 1000));
    const payload = await signIn(stack.routerUrl, email, STRONG_PASSWORD);
    assert.equal(payload.user.id, user.id, "the lockout is temporary");
  });

  test("unknown emails are throttled exactly like known ones (no enumeration through the lockout)", async () => {
    const email = uniqueEmail("nobody");
    for (let i = 0; i < MAX_FAILURES; i += 1) {
      assert.equal(errorCode(await loginFull(stack.routerUrl, email, `wrong-password-${i}`)), "INVALID_CREDENTIALS");
    }
    assert.equal(errorCode(await loginFull(stack.routerUrl, email, STRONG_PASSWORD)), "TOO_MANY_ATTEMPTS");
  });

  test("the email is matched normalised: case and spaces do not give extra attempts", async () => {
    const email = uniqueEmail("case");
    await buildCustomer(db.prisma, email, STRONG_PASSWORD);
    const variants = [email, email.toUpperCase(), `  ${email} `];
    for (const variant of variants) assert.equal(errorCode(await loginFull(stack.routerUrl, variant, "wrong-password-x")), "INVALID_CREDENTIALS");
    assert.equal(errorCode(await loginFull(stack.routerUrl, email, STRONG_PASSWORD)), "TOO_MANY_ATTEMPTS");
  });
});

describe("no user enumeration", () => {
  test("unknown email and wrong password: same code, same message, similar time", async () => {
    // Several known users, two wrong guesses each, so no account reaches the lockout.
    const known = await Promise.all([1, 2, 3, 4].map((n) => buildCustomer(db.prisma, uniqueEmail(`known${n}`), STRONG_PASSWORD)));
    const timings = { unknown: [] as number[], wrong: [] as number[] };
    const messages = new Set<string>();
    // Warm-up: the first argon2 verification of the decoy hash computes it.
    await loginFull(stack.routerUrl, uniqueEmail("warmup"), "wrong-password-w");
    for (let round = 0; round < 8; round += 1) {
      for (const kind of round % 2 ? (["unknown", "wrong"] as const) : (["wrong", "unknown"] as const)) {
        const email = kind === "unknown" ? uniqueEmail("ghost") : known[round % known.length]!.email;
        const started = performance.now();
        const response = await loginFull(stack.routerUrl, email, `wrong-password-${round}`);
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
  const MAX_PER_IP = 4;
  let ipStack: Stack;

  before(async () => {
    ipStack = await startStack({
      DATABASE_URL: database.url,
      LOGIN_MAX_FAILURES_PER_IP: String(MAX_PER_IP),
      LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: "1000",
      // The test client plays a proxy: the router takes the client IP from X-Forwarded-For only from it.
      TRUSTED_PROXIES: "127.0.0.1,::1",
    });
  });

  after(async () => {
    assert.equal(await ipStack?.stop(), 0);
  });

  async function loginFrom(ip: string, email: string, password: string): Promise<GraphQLResponse> {
    const response = await fetch(ipStack.routerUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: JSON.stringify({ query: LOGIN_FULL, variables: { email, password } }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse["body"] };
  }

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
    const elsewhere = await loginFrom("198.51.100.20", victim, STRONG_PASSWORD);
    assert.equal(elsewhere.body.errors, undefined, "the account itself is not locked for other clients");
    assert.equal(
      await db.prisma.securityEvent.count({ where: { userId: lastTarget.id, type: "LOCKED_OUT" } }),
      0,
      "the address stop is not recorded as that account's lockout (no users.user.locked for its owner)",
    );
  });
});
