// Subscription benchmark: N concurrent graphql-ws sockets on the router (default 5,000), each subscribed to
// `notificationReceived` as the same customer (so one transfer fans out to every socket), and a steady
// stream of transfers to that customer through the router. Reports delivery latency commit → client
// (p50/p99; "commit" = the moment the transfer mutation's response arrives, which follows the commit),
// memory per open subscription (RSS growth of the platform process / N), and events/s delivered. Bounded in
// time; prints one JSON summary on stdout (progress on stderr).
//
//   node --import tsx bench/subscriptions.ts
//   BENCH_SUBSCRIBERS=5000 BENCH_TRANSFERS_PER_SECOND=2 BENCH_DURATION_SECONDS=20 BENCH_FEDERATED=0
//
// BENCH_FEDERATED=1 selects `transaction { amount }` too, so every delivery also runs an `_entities` fetch to
// the transactions subgraph (per socket, per event: heavy at 5,000 sockets on two cores).
// Needs `ulimit -n` above 2 × N + a few hundred (both ends of every socket live on this machine).
import { randomUUID } from "node:crypto";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { rssMiB } from "./support.js";
import { createTestDatabase, graphql, login, startStack } from "../test/support/stack.js";

const N = Number(process.env.BENCH_SUBSCRIBERS ?? 5_000);
const RATE = Number(process.env.BENCH_TRANSFERS_PER_SECOND ?? 2);
const DURATION_S = Number(process.env.BENCH_DURATION_SECONDS ?? 20);
const FEDERATED = process.env.BENCH_FEDERATED === "1";
const OPEN_BATCH = 250;
const log = (message: string) => process.stderr.write(`[bench:subscriptions] ${message}\n`);

const QUERY = FEDERATED
  ? "subscription { notificationReceived { id kind title transaction { id amount { amount currency } } } }"
  : "subscription { notificationReceived { id kind title createdAt } }";

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);

async function main() {
  const database = await createTestDatabase();
  const stack = await startStack({
    DATABASE_URL: database.url,
    SUBSCRIPTION_MAX_PER_USER: String(N + 100),
    SUBSCRIPTION_CONNECTIONS_PER_MINUTE: String(N * 10),
    LOG_LEVEL: "error",
  });
  const clients: Client[] = [];
  const deadline = Date.now() + (DURATION_S + 180) * 1000;
  try {
    const alice = await login(stack.routerUrl, "alice@demo.bank");
    const bob = await login(stack.routerUrl, "bob@demo.bank");
    const account = async (token: string) =>
      (await graphql<{ me: { accounts: { id: string; number: string; currency: string }[] } }>(stack.routerUrl, "{ me { accounts { id number currency } } }", {}, token)).body.data!.me.accounts.find(
        (each) => each.currency === "USD",
      )!;
    const [to, from] = [await account(alice), await account(bob)];

    const pid = stack.process.pid!;
    const rssBefore = await rssMiB(pid);
    /** transaction id → when its mutation response arrived (ms, performance clock). */
    const committedAt = new Map<string, number>();
    /** Commit → the last socket of a transfer's fan-out, per transfer. */
    const fanOut: number[] = [];
    /** Commit → each socket (federated mode only: the event carries the transaction id). */
    const perDelivery: number[] = [];
    let delivered = 0;
    let errors = 0;
    let subscribed = 0;
    /** Socket closes by code (a retried 1013 counts too): refused at connection_init under load, or dropped. */
    const closes: Record<string, number> = {};
    const url = stack.routerUrl.replace(/^http/, "ws");
    const started = performance.now();
    for (let opened = 0; opened < N && Date.now() < deadline; opened += OPEN_BATCH) {
      const batch = Math.min(OPEN_BATCH, N - opened);
      await Promise.all(
        Array.from({ length: batch }, () => {
          // Retries as a real client would after 1013 "try again later" (token checks time out under the burst).
          const client = createClient({ url, webSocketImpl: WebSocket, lazy: false, retryAttempts: 5, connectionParams: { Authorization: `Bearer ${alice}` }, onNonLazyError: () => errors++ });
          clients.push(client);
          return new Promise<void>((resolve) => {
            const done = client.on("connected", () => (done(), resolve()));
            client.on("closed", (event) => {
              const code = String((event as { code?: number }).code ?? "?");
              closes[code] = (closes[code] ?? 0) + 1;
              resolve();
            });
            client.subscribe(
              { query: QUERY },
              {
                next(result) {
                  const data = result.data as { notificationReceived?: { kind: string; title: string; transaction?: { id: string } } } | undefined;
                  const id = data?.notificationReceived?.transaction?.id;
                  delivered++;
                  const at = id ? committedAt.get(id) : undefined;
                  if (at !== undefined) perDelivery.push(performance.now() - at);
                },
                error: () => errors++,
                complete: () => undefined,
              },
            );
          });
        }),
      );
    }
    // Subscribed when the router counts them (gauge), not when the sockets are merely open.
    let [lastCount, lastProgress] = [-1, Date.now()];
    for (;;) {
      const text = await (await fetch(`http://127.0.0.1:${stack.ports.router}/metrics`)).text();
      subscribed = Number(/^fedbank_router_subscriptions_active (\d+)/m.exec(text)?.[1] ?? 0);
      if (subscribed >= N || Date.now() > deadline) break;
      if (subscribed !== lastCount) [lastCount, lastProgress] = [subscribed, Date.now()];
      else if (Date.now() - lastProgress > 10_000) break; // the rest were refused for good
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const openSeconds = (performance.now() - started) / 1000;
    const rssOpen = await rssMiB(pid);
    log(`${subscribed} subscriptions active after ${openSeconds.toFixed(1)} s; RSS ${rssBefore.toFixed(0)} → ${rssOpen.toFixed(0)} MiB`);

    // Steady transfers (at most RATE per second): each one's fan-out is awaited (bounded) before the next,
    // so "the last socket got it" is known without ids in the events.
    const transfers: string[] = [];
    const interval = 1000 / RATE;
    const streamStart = performance.now();
    while (performance.now() - streamStart < DURATION_S * 1000 && Date.now() < deadline) {
      const tick = performance.now();
      const expected = delivered + subscribed;
      const { body } = await graphql(stack.routerUrl, "mutation($input: TransferInput!) { transfer(input: $input) { transaction { id } } }", {
        input: { fromAccountId: from.id, toAccountNumber: to.number, amount: "0.01", idempotencyKey: randomUUID() },
      }, bob);
      const id = (body.data as { transfer?: { transaction: { id: string } } } | null)?.transfer?.transaction.id;
      if (!id) {
        errors++;
        continue;
      }
      const committed = performance.now();
      committedAt.set(id, committed);
      transfers.push(id);
      while (delivered < expected && performance.now() - committed < 15_000) await new Promise((resolve) => setTimeout(resolve, 1));
      if (delivered >= expected) fanOut.push(performance.now() - committed);
      const wait = interval - (performance.now() - tick);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const streamSeconds = (performance.now() - streamStart) / 1000;
    // Drain: what is still in flight arrives (bounded).
    const drainUntil = performance.now() + 15_000;
    while (delivered < transfers.length * subscribed && performance.now() < drainUntil) await new Promise((resolve) => setTimeout(resolve, 50));
    const ms = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      return { samples: sorted.length, p50: Number(percentile(sorted, 50).toFixed(1)), p99: Number(percentile(sorted, 99).toFixed(1)) };
    };
    const summary = {
      scenario: "subscriptions",
      federated: FEDERATED,
      subscribers: N,
      subscribed,
      openSeconds: Number(openSeconds.toFixed(1)),
      transfers: transfers.length,
      transfersPerSecond: Number((transfers.length / streamSeconds).toFixed(2)),
      expectedDeliveries: transfers.length * subscribed,
      delivered,
      errors,
      closes,
      eventsPerSecond: Number((delivered / streamSeconds).toFixed(0)),
      /** Commit (mutation response) → the last of the N sockets received it, per transfer. */
      fanOutLatencyMs: ms(fanOut),
      /** Commit → each socket (federated mode only). */
      deliveryLatencyMs: FEDERATED ? ms(perDelivery) : null,
      rssMiB: { before: Number(rssBefore.toFixed(1)), withSubscriptions: Number(rssOpen.toFixed(1)) },
      rssKiBPerSubscription: subscribed > 0 ? Number((((rssOpen - rssBefore) * 1024) / subscribed).toFixed(1)) : null,
      benchProcessRssMiB: Number((process.memoryUsage().rss / 1048576).toFixed(1)),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await Promise.all(clients.map((client) => Promise.resolve(client.dispose()).catch(() => undefined)));
    await stack.stop();
    await database.drop();
  }
}

await main();
