// Each service validates its configuration at start: with a bad or missing variable it refuses to start,
// exits with EX_CONFIG (78) and tells the operator which variables to fix, without a stack trace.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runToExit, type Exited } from "./support/stack.js";

const EX_CONFIG = 78;
/** A process that has not exited by then is stuck (e.g. started anyway and is listening). */
const EXIT_TIMEOUT_MS = 30_000;
const VALID_SECRET = "a-router-identity-secret-of-enough-length-0123456789";
const VALID_DATABASE_URL = "postgresql://fedbank@127.0.0.1:5432/fedbank";

/** Runs a service entry point with exactly `env` (plus PATH and HOME) and waits for it to exit. */
function runEntry(entry: string, env: Record<string, string>): Promise<Exited> {
  return runToExit(entry, { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, EXIT_TIMEOUT_MS);
}

/** Refused to start with EX_CONFIG, naming each of `variables`, and nothing that looks like a crash. */
function assertConfigRefusal(exit: Exited, variables: string[]) {
  const context = `exit ${exit.code} (${exit.signal ?? "no signal"})\nstderr:\n${exit.stderr}\nstdout:\n${exit.stdout}`;
  assert.equal(exit.code, EX_CONFIG, context);
  for (const variable of variables) {
    assert.match(exit.stderr, new RegExp(`\\b${variable}\\b`), `stderr should name ${variable}\n${context}`);
  }
  const output = exit.stderr + exit.stdout;
  assert.doesNotMatch(output, /^\s+at /m, `no stack trace\n${context}`);
  assert.doesNotMatch(output, /\bat .*\.(ts|m?js):\d+/, `no stack trace\n${context}`);
  assert.doesNotMatch(output, /ZodError|"code":\s*"/, `the operator gets sentences, not a raw validation dump\n${context}`);
}

describe("services refuse to start with a bad configuration", () => {
  test("users without DATABASE_URL and ROUTER_IDENTITY_SECRET names both", async () => {
    const exit = await runEntry("subgraphs/users/src/main.ts", {});
    assertConfigRefusal(exit, ["DATABASE_URL", "ROUTER_IDENTITY_SECRET"]);
  });

  test("the router with a non-numeric port and a short identity secret names both", async () => {
    const exit = await runEntry("router/src/main.ts", { ROUTER_PORT: "not-a-port", ROUTER_IDENTITY_SECRET: "short" });
    assertConfigRefusal(exit, ["ROUTER_PORT", "ROUTER_IDENTITY_SECRET"]);
    assert.doesNotMatch(exit.stderr, /SUBGRAPH_|JWKS_URL|REDIS_URL/, "only the bad variables are named");
  });

  test("a subgraph given a non-Postgres DATABASE_URL names it, and only it", async () => {
    const exit = await runEntry("subgraphs/accounts/src/main.ts", { DATABASE_URL: "mysql://x", ROUTER_IDENTITY_SECRET: VALID_SECRET });
    assertConfigRefusal(exit, ["DATABASE_URL"]);
    assert.doesNotMatch(exit.stderr, /ROUTER_IDENTITY_SECRET/);
  });

  test("the message never repeats a secret from the environment", async () => {
    const exit = await runEntry("subgraphs/transactions/src/main.ts", {
      DATABASE_URL: "mysql://fedbank:hunter2-db-password@db.internal/fedbank",
      ROUTER_IDENTITY_SECRET: "tooshort-but-secret",
    });
    assertConfigRefusal(exit, ["DATABASE_URL", "ROUTER_IDENTITY_SECRET"]);
    assert.doesNotMatch(exit.stderr + exit.stdout, /hunter2|tooshort-but-secret/);
  });

  test("users with valid base variables but no signing key names JWT_PRIVATE_KEY", async () => {
    const exit = await runEntry("subgraphs/users/src/main.ts", { DATABASE_URL: VALID_DATABASE_URL, ROUTER_IDENTITY_SECRET: VALID_SECRET });
    assertConfigRefusal(exit, ["JWT_PRIVATE_KEY"]);
    assert.doesNotMatch(exit.stderr, /\bDATABASE_URL\b|\bROUTER_IDENTITY_SECRET\b/);
  });

  // zod skips refinements once another field failed unless told otherwise; an operator fixing
  // DATABASE_URL and the secret must not then meet a second refusal about the key.
  test(
    "users with nothing set names every missing variable at once, the signing key included",
    async () => {
      const exit = await runEntry("subgraphs/users/src/main.ts", {});
      assertConfigRefusal(exit, ["DATABASE_URL", "ROUTER_IDENTITY_SECRET", "JWT_PRIVATE_KEY"]);
    },
  );
});
