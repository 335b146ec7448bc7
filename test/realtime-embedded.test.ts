// Subscriptions in the embedded mode (`npm start` with no DATABASE_URL/REDIS_URL: PGlite, the in-process event
// transport and the in-process pub/sub): a transfer still reaches the subscriber live, through the router.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { liveClient } from "./support/realtime.js";
import { freePort, graphql, login, metricValue, startStack } from "./support/stack.js";

test("embedded: a transfer to alice reaches her notificationReceived subscription", { timeout: 600_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "fedbank-realtime-embedded-"));
  const stack = await startStack({ DATA_DIR: dataDir, EMBEDDED_POSTGRES_PORT: String(await freePort()), REDIS_URL: "" });
  const alice = await login(stack.routerUrl, "alice@demo.bank");
  const bob = await login(stack.routerUrl, "bob@demo.bank");
  const client = liveClient(stack.routerUrl, alice);
  try {
    const usd = async (token: string) =>
      ((await graphql(stack.routerUrl, "{ me { accounts { id number currency } } }", {}, token)).body.data as { me: { accounts: { id: string; number: string; currency: string }[] } }).me.accounts.find(
        (account) => account.currency === "USD",
      )!;
    const [to, from] = [await usd(alice), await usd(bob)];
    const live = client.subscribe("subscription { notificationReceived { kind transaction { id amount { amount } } } }");
    while ((await metricValue(stack.ports.router, "fedbank_router_subscriptions_active")) < 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const { body } = await graphql(stack.routerUrl, OPS.transfer, { input: { fromAccountId: from.id, toAccountNumber: to.number, amount: "7.89", idempotencyKey: randomUUID() } }, bob);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const id = (body.data as { transfer: { transaction: { id: string } } }).transfer.transaction.id;
    type Event = { notificationReceived: { kind: string; transaction: { id: string; amount: { amount: string } } | null } };
    const event = (await live.next((each) => (each.data as Event | null)?.notificationReceived.transaction?.id === id, 60_000)).data as Event;
    assert.equal(event.notificationReceived.kind, "MONEY_RECEIVED");
    assert.equal(event.notificationReceived.transaction?.amount.amount, "7.89");
  } finally {
    await client.dispose();
    const code = await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
    assert.equal(code, 0, "the platform stops cleanly");
  }
});
