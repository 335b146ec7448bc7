// Each service runs alone, as in a container: its own process, port, /health, /ready, and clean SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { ROOT, createTestDatabase, freePort } from "./support/stack.js";

async function waitFor(url: string, child: ReturnType<typeof spawn>, output: () => string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`not ready in time:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return response;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test("the users subgraph starts alone from its main.ts, publishes its JWKS, and stops on SIGTERM", { timeout: 120_000 }, async () => {
  const database = await createTestDatabase();
  const port = await freePort();
  const privateKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const child = spawn(process.execPath, ["--import", "tsx", "subgraphs/users/src/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "test",
      LOG_LEVEL: "warn",
      DATABASE_URL: database.url,
      ROUTER_IDENTITY_SECRET: randomBytes(32).toString("hex"),
      JWT_PRIVATE_KEY: privateKey,
      USERS_PORT: String(port),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    const ready = await waitFor(`http://127.0.0.1:${port}/ready`, child, () => output);
    assert.deepEqual(await ready.json(), { status: "ready", service: "users", checks: { database: "ok" } });
    const jwks = (await (await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).json()) as { keys: Record<string, string>[] };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]!.kty, "OKP");
    assert.equal(jwks.keys[0]!.alg, "EdDSA");
    assert.ok(jwks.keys[0]!.kid);
    assert.equal(jwks.keys[0]!.d, undefined, "the private part is never published");
    const direct = await fetch(`http://127.0.0.1:${port}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    assert.equal(direct.status, 401, "a request that did not come through the router is refused");
  } finally {
    child.kill("SIGTERM");
    assert.equal(await exited, 0, output);
    await database.drop();
  }
});
