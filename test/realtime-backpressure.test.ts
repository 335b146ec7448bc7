// Back-pressure through the real router over a real WebSocket: a dashboard that stops reading its socket is
// dropped with close code 4008 and counted in /metrics, never buffered without bound, while another socket
// of the same customer keeps receiving. The slow client is a `ws` WebSocket that speaks graphql-transport-ws
// and then pauses (stops reading from TCP); the kernel's socket buffers (megabytes on loopback) fill first,
// so it holds many subscriptions of large events (SUBSCRIPTION_MAX_PER_CONNECTION raised for that), and
// transfers go on until the router reports the drop. When the client reads again it finds the 4008 close.
// A burst is not a slow consumer: a healthy socket that gets three times its queue limit at once keeps its
// subscription and every event, in order. And the queue limit alone still drops a socket that stops reading
// when its bytes cannot tell (one subscription, events below the byte limit).
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import type { Notification } from "#kernel/generated/prisma/client.js";
import { createLogger } from "#kernel/logger.js";
import { createNotificationsLive, type NotificationsLive } from "../subgraphs/notifications/src/live.js";
import { LEDGER_OPS as OPS } from "./support/builders.js";
import { liveClient, wsUrl, type LiveClient } from "./support/realtime.js";
import { TEST_REDIS_URL, createTestDatabase, graphql, login, metricValue, startStack, type Stack, type TestDatabase } from "./support/stack.js";
import { until } from "./support/wait.js";

const SUBSCRIPTIONS = 100;
/** Events waiting per subscription (SUBSCRIPTION_MAX_QUEUED_EVENTS): a backlog may pass it for a moment, not stay above it. */
const QUEUED_EVENTS = 8;
/** Clearly more than the limit, arriving together (below the hard cap, four times the limit). */
const BURST = 3 * QUEUED_EVENTS;
/** 28 aliases (the default alias limit is 30) of the notification's text: about 2 KB per event and subscription. */
const BIG = `subscription Big { notificationReceived { id ${Array.from({ length: 28 }, (_, index) => `b${index}: body`).join(" ")} } }`;
const SLOW = 'fedbank_router_subscription_slow_consumers_total{transport="graphql-ws"}';

let database: TestDatabase;
let stack: Stack;
const tokens: Record<string, string> = {};
const userIds: Record<string, string> = {};
const accounts: Record<string, { id: string; number: string; currency: string }> = {};
const clients: LiveClient[] = [];
let live: NotificationsLive | undefined;

before(async () => {
  database = await createTestDatabase();
  stack = await startStack({
    DATABASE_URL: database.url,
    SUBSCRIPTION_MAX_PER_CONNECTION: String(SUBSCRIPTIONS),
    SUBSCRIPTION_MAX_PER_USER: String(SUBSCRIPTIONS + 10),
    // Below the ten events a round of transfers can bring the healthy socket at once (in one batch, before
    // graphql-ws has sent the first): a burst is judged by whether the backlog stays above the limit, not by
    // its size (router/src/subscriptions/backlog.ts), so the limit need not sit above the rounds (it was 24).
    SUBSCRIPTION_MAX_QUEUED_EVENTS: String(QUEUED_EVENTS),
    SUBSCRIPTION_MAX_BUFFERED_BYTES: "65536",
  });
  for (const who of ["alice", "bob"]) {
    tokens[who] = await login(stack.routerUrl, `${who}@demo.bank`);
    const { body } = await graphql<{ me: { id: string; accounts: { id: string; number: string; currency: string }[] } }>(stack.routerUrl, "{ me { id accounts { id number currency } } }", {}, tokens[who]);
    userIds[who] = body.data!.me.id;
    accounts[who] = body.data!.me.accounts.find((account) => account.currency === "USD")!;
    assert.ok(accounts[who], `${who} has a USD account`);
  }
});

after(async () => {
  await Promise.all(clients.map((client) => client.dispose()));
  await live?.close();
  await stack?.stop();
  await database?.drop();
});

/** A graphql-transport-ws socket driven by hand, so it can stop reading: resolves once every subscribe is sent. */
async function slowDashboard(token: string, subscriptions = SUBSCRIPTIONS): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const socket = new WebSocket(wsUrl(stack.routerUrl), "graphql-transport-ws");
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const acknowledged = new Promise<void>((resolve) => {
    socket.on("message", (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === "connection_ack") resolve();
    });
  });
  socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }));
  await acknowledged;
  for (let index = 0; index < subscriptions; index++) socket.send(JSON.stringify({ id: `big-${index}`, type: "subscribe", payload: { query: BIG } }));
  return { socket, closed };
}

/**
 * Publishes notifications to `who` as the notifications subgraph publishes the rows of one consumer transaction
 * (live.ts: all of them at once, after the commit). These rows are made here and not stored: only their live
 * push is under test. Resolves with the rows, in the order published.
 */
async function publishNotifications(who: string, titles: string[], body = ""): Promise<Notification[]> {
  live ??= await createNotificationsLive({ redisUrl: TEST_REDIS_URL, redisKeyPrefix: stack.redisKeyPrefix, logger: createLogger("backpressure-test", "silent") });
  const rows = titles.map((title): Notification => ({ id: randomUUID(), userId: userIds[who]!, kind: "TEST_BURST", title, body, readAt: null, createdAt: new Date(), eventId: null, transactionId: null }));
  await live.publish(rows);
  return rows;
}

const titleOf = (event: { data?: Record<string, unknown> | null }) => (event.data?.notificationReceived as { title?: string } | undefined)?.title;

async function transfer(amount = "0.01"): Promise<string> {
  const { body } = await graphql(stack.routerUrl, OPS.transfer, { input: { fromAccountId: accounts.bob!.id, toAccountNumber: accounts.alice!.number, amount, idempotencyKey: randomUUID() } }, tokens.bob);
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  return (body.data as { transfer: { transaction: { id: string } } }).transfer.transaction.id;
}

describe("back-pressure on graphql-ws", () => {
  test(`a healthy socket that gets ${BURST} events at once (its queue limit is ${QUEUED_EVENTS}) is not dropped and receives each once, in order`, async () => {
    const active = () => metricValue(stack.ports.router, "fedbank_router_subscriptions_active");
    const slowBefore = await metricValue(stack.ports.router, SLOW);
    const before = await active();
    const healthy = liveClient(stack.routerUrl, tokens.alice!);
    clients.push(healthy);
    const feed = healthy.subscribe("subscription { notificationReceived { id title } }");
    await until("the healthy socket's subscription is active", async () => (await active()) >= before + 1);

    // Published together, they reach the router together: the platform runs in one process, whose subgraph
    // sends them all before the router reads its upstream socket. That is the batch a busy machine sometimes
    // made of a round of transfers, reproduced every time (the old rule dropped this socket: 4008).
    const burst = randomUUID().slice(0, 8);
    const rows = await publishNotifications("alice", Array.from({ length: BURST }, (_, index) => `burst ${burst} #${index}`));
    // One more, published after the burst (Redis keeps the order): once it is here, nothing of the burst is
    // still on its way, so a duplicate would show.
    await publishNotifications("alice", [`burst ${burst} end`]);
    const closed = await Promise.race([healthy.closed, feed.next((event) => titleOf(event) === `burst ${burst} end`, 30_000).then(() => null)]);
    assert.equal(closed, null, `the healthy socket was closed: ${JSON.stringify(closed)}`);
    const titles = feed.events.map(titleOf).filter((title) => title?.startsWith(`burst ${burst} `));
    assert.deepEqual(titles, [...rows.map((row) => row.title), `burst ${burst} end`], "every event of the burst once, in the order published, then the last one");
    assert.equal(await metricValue(stack.ports.router, SLOW), slowBefore, "no slow consumer counted");
    feed.stop();
    await until("the healthy socket's subscription released", async () => (await active()) <= before);
  });

  test("a socket that stops reading is closed with 4008 and counted; another socket of the same customer keeps its events", async () => {
    const active = () => metricValue(stack.ports.router, "fedbank_router_subscriptions_active");
    const slowBefore = await metricValue(stack.ports.router, SLOW);
    const closesBefore = await metricValue(stack.ports.router, 'fedbank_router_subscription_socket_closes_total{code="4008"}');

    const before = await active();
    const healthy = liveClient(stack.routerUrl, tokens.alice!);
    clients.push(healthy);
    const feed = healthy.subscribe("subscription { notificationReceived { id transaction { id } } }");
    await until("the healthy socket's subscription is active", async () => (await active()) >= before + 1);
    const baseline = before + 1;
    const slow = await slowDashboard(tokens.alice!);
    await until("the slow socket's subscriptions are active", async () => (await active()) >= baseline + SUBSCRIPTIONS);
    // It stops reading: what the router sends piles up in the kernel, then in the router's bounded queue.
    slow.socket.pause();

    // Transfers to alice in rounds of ten, each round's events resolved by the router (both of alice's groups:
    // the healthy feed and the big one) before the next, so the test does not outrun the notification
    // pipeline: it ends when the router reports the drop.
    const resolutions = () => metricValue(stack.ports.router, "fedbank_router_subscription_event_resolutions_total");
    const resolvedBefore = await resolutions();
    let transfers = 0;
    while ((await metricValue(stack.ports.router, SLOW)) === slowBefore) {
      assert.ok(transfers < 400, `${transfers} transfers to alice and the unread socket was never dropped`);
      await Promise.all(Array.from({ length: 10 }, () => transfer()));
      transfers += 10;
      await until(
        `the router resolved the events of ${transfers} transfers`,
        async () => (await metricValue(stack.ports.router, SLOW)) > slowBefore || (await resolutions()) >= resolvedBefore + 2 * transfers,
        { timeoutMs: 120_000 },
      );
    }
    // Reading again (within ws's 30 s close timeout), the client finds the close the router sent after
    // what was already on its way.
    slow.socket.resume();
    const close = await slow.closed;
    assert.equal(close.code, 4008, `close ${close.code} ${close.reason}`);
    assert.match(close.reason, /slow consumer/);
    await until("the 4008 close counted", async () => (await metricValue(stack.ports.router, 'fedbank_router_subscription_socket_closes_total{code="4008"}')) > closesBefore);
    assert.equal(await metricValue(stack.ports.router, SLOW), slowBefore + 1, "one slow consumer dropped (its hundred subscriptions, one socket)");
    // Its subscriptions left their group and freed their slots: only the healthy one is counted.
    await until("the dropped socket's subscriptions released", async () => (await active()) <= baseline);

    // The customer's other socket is unaffected: a transfer made after the drop reaches it.
    const later = await transfer("0.02");
    const event = (await feed.next((each) => (each.data as { notificationReceived?: { transaction?: { id: string } } } | null)?.notificationReceived?.transaction?.id === later, 60_000)) as {
      data: { notificationReceived: { transaction: { id: string } } };
    };
    assert.equal(event.data.notificationReceived.transaction.id, later);
  });

  test("a socket with one subscription that stops reading is dropped by its queue (its socket never buffers more than one event)", async () => {
    const active = () => metricValue(stack.ports.router, "fedbank_router_subscriptions_active");
    const slowBefore = await metricValue(stack.ports.router, SLOW);
    const before = await active();
    // bob's own notifications: alice's sockets of the other cases do not get them.
    const slow = await slowDashboard(tokens.bob!, 1);
    await until("the slow socket's subscription is active", async () => (await active()) >= before + 1);
    slow.socket.pause();
    // 28 × 2,000 characters: about 56 KB an event, below the 64 KB byte limit, so only the queue can tell. The
    // kernel's buffers take megabytes first; rounds of twenty, each resolved by the router before the next.
    const body = "x".repeat(2_000);
    const resolutions = () => metricValue(stack.ports.router, "fedbank_router_subscription_event_resolutions_total");
    const resolvedBefore = await resolutions();
    let published = 0;
    while ((await metricValue(stack.ports.router, SLOW)) === slowBefore) {
      assert.ok(published < 2_000, `${published} notifications to bob and the unread socket was never dropped`);
      await publishNotifications("bob", Array.from({ length: 20 }, (_, index) => `unread #${published + index}`), body);
      published += 20;
      await until(
        `the router resolved ${published} events`,
        async () => (await metricValue(stack.ports.router, SLOW)) > slowBefore || (await resolutions()) >= resolvedBefore + published,
        { timeoutMs: 60_000 },
      );
    }
    slow.socket.resume();
    const close = await slow.closed;
    assert.equal(close.code, 4008, `close ${close.code} ${close.reason}`);
    assert.equal(await metricValue(stack.ports.router, SLOW), slowBefore + 1, "one slow consumer dropped");
    await until("the dropped socket's subscription released", async () => (await active()) <= before);
  });
});
