// `npm start` with no DATABASE_URL: embedded Postgres (PGlite over the wire protocol), data kept in DATA_DIR.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, graphql, login, startStack } from "./support/stack.js";

const QUERY = `{ me { id accounts { id number balance { amount currency } transactions(first: 5) { edges { node { kind } } } } } }`;
const TRANSFER = `mutation Transfer($input: TransferInput!) { transfer(input: $input) { transaction { id } } }`;

function portIsOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

test("the embedded mode boots on PGlite, answers the dashboard query, stops cleanly and keeps its data", { timeout: 600_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "fedbank-embedded-"));
  const postgresPort = await freePort();
  const env = { DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(postgresPort), REDIS_URL: "" };
  try {
    const first = await startStack(env);
    let firstView: { me: { id: string; accounts: { id: string; number: string; balance: { amount: string } }[] } };
    try {
      assert.match(first.output(), /embedded PGlite/);
      const token = await login(first.routerUrl, "alice@demo.bank");
      const { body } = await graphql<typeof firstView>(first.routerUrl, QUERY, {}, token);
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      firstView = body.data!;
      const checking = firstView.me.accounts.find((account) => account.number === "FB65FDBK12817536338047");
      assert.deepEqual(checking?.balance, { amount: "1894.49", currency: "USD" });

      // Concurrent requests on the one PGlite session: every transfer answers correctly and money adds up.
      const transfers = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          graphql(first.routerUrl, TRANSFER, {
            input: { fromAccountId: checking!.id, toAccountNumber: "FB82FDBK88850174739711", amount: "1.00", idempotencyKey: `embedded-${i}` },
          }, token),
        ),
      );
      for (const { body: moved } of transfers) assert.equal(moved.errors, undefined, JSON.stringify(moved.errors));
      const after = await graphql<typeof firstView>(first.routerUrl, QUERY, {}, token);
      const balances = Object.fromEntries(after.body.data!.me.accounts.map((account) => [account.number, account.balance.amount]));
      assert.equal(balances.FB65FDBK12817536338047, "1886.49");
      firstView = after.body.data!;
    } finally {
      assert.equal(await first.stop(), 0, `exit code after SIGTERM\n${first.output()}`);
    }
    assert.equal(await portIsOpen(postgresPort), false, "nothing keeps listening after the platform stopped");
    assert.ok((await stat(join(dataDir, "pglite"))).isDirectory());
    assert.ok((await stat(join(dataDir, "secrets", "jwt-ed25519.pem"))).mode & 0o600);

    const second = await startStack(env);
    try {
      const token = await login(second.routerUrl, "alice@demo.bank");
      const { body } = await graphql<typeof firstView>(second.routerUrl, QUERY, {}, token);
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      // Same user, same balances: the data survived and the seed did not run twice.
      assert.equal(body.data!.me.id, firstView.me.id);
      assert.deepEqual(body.data!.me.accounts, firstView.me.accounts);
    } finally {
      assert.equal(await second.stop(), 0);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
});
