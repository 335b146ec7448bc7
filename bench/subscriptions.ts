// Subscription benchmark, shaped like dashboards: many customers (default 500), each with a few sockets open
// (default 10: 5,000 sockets), every socket subscribed to its customer's `notificationReceived` with a field
// of another subgraph (`transaction { id amount }`: an entity fetch per event), and a steady stream of
// transfers between random pairs of those customers committed through the router's ledger (default 100
// transfers/s = 200 notification events/s: the payer's MONEY_SENT and the payee's MONEY_RECEIVED), for a
// bounded time. Checks every delivery: each event exactly once on each socket of its customer and on no
// other socket. Reports commit → client latency p50/p99/max ("commit" = the transfer's response arriving,
// which follows its commit), RSS per subscription of the platform process, RSS over time (soak), the
// router's resolutions and entity fetches per event, slow-consumer drops, and the machine's load (`uptime`).
//
//   node --import tsx bench/subscriptions.ts
//   BENCH_CUSTOMERS=500 BENCH_SOCKETS_PER_CUSTOMER=10 BENCH_TRANSFERS_PER_SECOND=100 BENCH_DURATION_SECONDS=20
//   BENCH_SUBSCRIBERS=1000       (npm run bench) 1,000 sockets = 100 customers × 10
//   BENCH_SOAK=1                 soak: BENCH_DURATION_SECONDS defaults to 60 (RSS sampled every 5 s; drift reported)
//   BENCH_PROFILE_DIR=/tmp/prof  the platform process is CPU-profiled (bench/cpu-profile-hook.mjs: Node refuses
//                                --cpu-prof in NODE_OPTIONS); <pid>.cpuprofile is written when it stops
//
// Customers are created directly in the test database (one row each, no password hashing: tokens are minted
// with the stack's test signing key), their accounts opened and funded through the router.
// Needs `ulimit -n` above 2 × sockets + a few hundred (both ends of every socket live on this machine).
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createClient, type Client } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { rssMiB } from "./support.js";
import { ROOT, createTestDatabase, createTokenKey, demoUsers, graphql, metricsUrl, mintAccessToken, startStack } from "../test/support/stack.js";

const SOCKETS_PER_CUSTOMER = Number(process.env.BENCH_SOCKETS_PER_CUSTOMER ?? 10);
/** BENCH_SUBSCRIBERS (total sockets, what `npm run bench` passes) is spread over customers of SOCKETS_PER_CUSTOMER. */
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? (process.env.BENCH_SUBSCRIBERS ? Math.ceil(Number(process.env.BENCH_SUBSCRIBERS) / SOCKETS_PER_CUSTOMER) : 500));
const RATE = Number(process.env.BENCH_TRANSFERS_PER_SECOND ?? 100);
const SOAK = process.env.BENCH_SOAK === "1";
const DURATION_S = Math.min(Number(process.env.BENCH_DURATION_SECONDS ?? (SOAK ? 60 : 20)), Number(process.env.BENCH_MAX_SECONDS ?? 300));
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const SOCKETS = CUSTOMERS * SOCKETS_PER_CUSTOMER;
const OPEN_BATCH = 250;
const MAX_IN_FLIGHT_TRANSFERS = 64;
const log = (message: string) => process.stderr.write(`[bench:subscriptions] ${message}\n`);

/** A dashboard's live feed: the notification and, from the transactions subgraph, the transaction it is about. */
const QUERY = "subscription Feed { notificationReceived { id kind title createdAt transaction { id amount { amount currency } } } }";
const TRANSFER = "mutation($input: TransferInput!) { transfer(input: $input) { transaction { id } } }";

type Event = { notificationReceived: { id: string; kind: string; createdAt: string; transaction: { id: string } | null } };

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const ms = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { samples: sorted.length, p50: Number(percentile(sorted, 50).toFixed(1)), p99: Number(percentile(sorted, 99).toFixed(1)), max: Number((sorted.at(-1) ?? 0).toFixed(1)) };
};
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
const uptime = () => {
  try {
    return execFileSync("uptime", { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
};

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

interface Customer {
  id: string;
  token: string;
  accountId: string;
  accountNumber: string;
}

async function main() {
  const database = await createTestDatabase();
  const key = await createTokenKey();
  const stack = await startStack({
    DATABASE_URL: database.url,
    JWT_PRIVATE_KEY: key.pem,
    SUBSCRIPTION_CONNECTIONS_PER_MINUTE: String(SOCKETS * 10),
    LOG_LEVEL: "error",
    ...(PROFILE_DIR ? { NODE_OPTIONS: `--import ${ROOT}bench/cpu-profile-hook.mjs`, CPU_PROFILE_DIR: PROFILE_DIR } : {}),
  });
  const clients: Client[] = [];
  const loadBefore = uptime();
  try {
    // ---- customers: rows in the users table, accounts opened and funded through the router ----
    const seedStarted = performance.now();
    const customers: Customer[] = [];
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const ids = Array.from({ length: CUSTOMERS }, () => randomUUID());
    const batch = 500;
    for (let start = 0; start < ids.length; start += batch) {
      const chunk = ids.slice(start, start + batch);
      await db.query(
        `INSERT INTO users.users (id, email, name, password_hash, role, updated_at)
         SELECT id, 'bench-' || id || '@example.com', 'Bench Customer ' || ord, '!not-a-password-hash', 'CUSTOMER', now()
         FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord)`,
        [chunk],
      );
    }
    await db.end();
    const teller = (await demoUsers(database.url))["teller@demo.bank"]!;
    const tellerToken = await mintAccessToken(key, teller);
    /** A seeding call, retried while the router answers 503 (a loaded machine: revocation checks time out). */
    const seedCall = async <T>(query: string, variables: Record<string, unknown>, token: string): Promise<T> => {
      for (let attempt = 1; ; attempt++) {
        const { status, body } = await graphql<T>(stack.routerUrl, query, variables, token);
        if (body.data && !body.errors) return body.data;
        if (status !== 503 || attempt >= 20) throw new Error(`seeding failed: ${JSON.stringify(body.errors)}`);
        await sleep(250 * attempt);
      }
    };
    await pool(ids, 8, async (id) => {
      const token = await mintAccessToken(key, { id, role: "CUSTOMER" });
      const { openAccount: account } = await seedCall<{ openAccount: { id: string; number: string } }>("mutation($input: OpenAccountInput!) { openAccount(input: $input) { id number } }", { input: { type: "CHECKING", currency: "USD" } }, token);
      // The same idempotency key on a retry: the deposit happens once.
      const depositKey = randomUUID();
      await seedCall("mutation($input: DepositInput!) { deposit(input: $input) { transaction { id } } }", { input: { accountId: account.id, amount: "1000.00", idempotencyKey: depositKey } }, tellerToken);
      customers.push({ id, token, accountId: account.id, accountNumber: account.number });
    });
    log(`${CUSTOMERS} customers with funded accounts in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    // The deposits' own notifications are written asynchronously: wait until they are all there (the platform
    // quiet again) before measuring memory and subscribing, or their backlog would be counted against both.
    const quietUntil = Date.now() + 180_000;
    const counter = new pg.Client({ connectionString: database.url });
    await counter.connect();
    while (Date.now() < quietUntil) {
      const { rows } = await counter.query<{ n: string }>("SELECT count(*) AS n FROM notifications.notifications");
      if (Number(rows[0]?.n ?? 0) >= CUSTOMERS) break;
      await sleep(500);
    }
    await counter.end();
    await sleep(2_000);

    const pid = stack.process.pid!;
    const rssBefore = await rssMiB(pid);
    // ---- sockets: SOCKETS_PER_CUSTOMER per customer, each with one subscription ----
    /** Per socket: its customer, and how many times each transaction's event arrived. */
    const sockets: { customer: number; received: Map<string, number>; kinds: Map<string, string> }[] = [];
    /** transaction id → its payer and payee (customer indexes) and when its response arrived. */
    const transfers = new Map<string, { from: number; to: number; committedAt: number }>();
    /** Arrivals of events whose transfer response had not arrived yet: settled when it does. */
    const early = new Map<string, number[]>();
    const latencies: number[] = [];
    /** The notification row's createdAt → the socket's `next` (wall clock): the live path alone (pub/sub, router). */
    const rowToClient: number[] = [];
    /** The transfer's response → the notification row's createdAt (wall clock): relay, stream, consumer. */
    const commitToRow: number[] = [];
    const rowSeen = new Set<string>();
    const rowCreatedAt = new Map<string, { transaction: string; createdAt: number }>();
    /** transaction id → wall-clock time of its response. */
    const committedWall = new Map<string, number>();
    let unknown = 0;
    let errors = 0;
    const closes: Record<string, number> = {};
    const url = stack.routerUrl.replace(/^http/, "ws");
    const openStarted = performance.now();
    const plan = Array.from({ length: SOCKETS }, (_, index) => index % CUSTOMERS);
    for (let start = 0; start < plan.length; start += OPEN_BATCH) {
      await Promise.all(
        plan.slice(start, start + OPEN_BATCH).map((customer) => {
          const socket = { customer, received: new Map<string, number>(), kinds: new Map<string, string>() };
          sockets.push(socket);
          const client = createClient({
            url,
            webSocketImpl: WebSocket,
            lazy: false,
            retryAttempts: 5,
            connectionParams: { authorization: `Bearer ${customers[customer]!.token}` },
            onNonLazyError: () => errors++,
          });
          clients.push(client);
          return new Promise<void>((resolve) => {
            const done = client.on("connected", () => (done(), resolve()));
            client.on("closed", (event) => {
              const code = String((event as { code?: number }).code ?? "?");
              closes[code] = (closes[code] ?? 0) + 1;
              resolve();
            });
            client.subscribe<Event>(
              { query: QUERY, operationName: "Feed" },
              {
                next(result) {
                  const at = performance.now();
                  const wall = Date.now();
                  const notification = result.data?.notificationReceived;
                  const id = notification?.transaction?.id;
                  if (!notification || !id) {
                    if (result.errors) errors++;
                    return;
                  }
                  rowToClient.push(Math.max(0, wall - Date.parse(notification.createdAt)));
                  if (!rowSeen.has(notification.id)) {
                    rowSeen.add(notification.id);
                    rowCreatedAt.set(notification.id, { transaction: id, createdAt: Date.parse(notification.createdAt) });
                  }
                  socket.received.set(id, (socket.received.get(id) ?? 0) + 1);
                  socket.kinds.set(id, notification.kind);
                  const transfer = transfers.get(id);
                  if (transfer) latencies.push(Math.max(0, at - transfer.committedAt));
                  else {
                    const list = early.get(id);
                    if (list) list.push(at);
                    else early.set(id, [at]);
                  }
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
    let subscribed = 0;
    let [lastCount, lastProgress] = [-1, Date.now()];
    for (;;) {
      const text = await (await fetch(metricsUrl(stack.ports.router))).text();
      subscribed = Number(/^fedbank_router_subscriptions_active (\d+)/m.exec(text)?.[1] ?? 0);
      if (subscribed >= SOCKETS) break;
      if (subscribed !== lastCount) [lastCount, lastProgress] = [subscribed, Date.now()];
      else if (Date.now() - lastProgress > 10_000) break; // the rest were refused for good
      await sleep(200);
    }
    const openSeconds = (performance.now() - openStarted) / 1000;
    // Upstream subscriptions are established a moment after the router counts the client's.
    await sleep(2_000);
    const rssOpen = await rssMiB(pid);
    log(`${subscribed} subscriptions active after ${openSeconds.toFixed(1)} s; RSS ${rssBefore.toFixed(0)} → ${rssOpen.toFixed(0)} MiB`);
    const metricsBefore = await routerMetrics(stack.ports.router);

    // ---- load: RATE transfers per second between random pairs, open loop (bounded in flight) ----
    const rssSamples: { second: number; rssMiB: number }[] = [{ second: 0, rssMiB: Number(rssOpen.toFixed(1)) }];
    let inFlight = 0;
    let skipped = 0;
    let failedTransfers = 0;
    const loadStarted = performance.now();
    let sent = 0;
    const sampler = setInterval(() => {
      void rssMiB(pid).then((rss) => rssSamples.push({ second: Math.round((performance.now() - loadStarted) / 1000), rssMiB: Number(rss.toFixed(1)) }));
    }, 5_000);
    while (performance.now() - loadStarted < DURATION_S * 1000) {
      const due = Math.floor(((performance.now() - loadStarted) / 1000) * RATE);
      while (sent < due) {
        sent += 1;
        if (inFlight >= MAX_IN_FLIGHT_TRANSFERS) {
          skipped += 1;
          continue;
        }
        const from = Math.floor(Math.random() * CUSTOMERS);
        let to = Math.floor(Math.random() * (CUSTOMERS - 1));
        if (to >= from) to += 1;
        inFlight += 1;
        void graphql(stack.routerUrl, TRANSFER, { input: { fromAccountId: customers[from]!.accountId, toAccountNumber: customers[to]!.accountNumber, amount: "0.01", idempotencyKey: randomUUID() } }, customers[from]!.token)
          .then(({ body }) => {
            const id = (body.data as { transfer?: { transaction: { id: string } } } | null)?.transfer?.transaction.id;
            if (!id) {
              failedTransfers += 1;
              return;
            }
            const committedAt = performance.now();
            committedWall.set(id, Date.now());
            transfers.set(id, { from, to, committedAt });
            for (const at of early.get(id) ?? []) latencies.push(Math.max(0, at - committedAt));
            early.delete(id);
          })
          .catch(() => (failedTransfers += 1))
          .finally(() => (inFlight -= 1));
      }
      await sleep(2);
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    while (inFlight > 0) await sleep(10);
    // ---- drain: every expected delivery arrives, or nothing new arrives for 15 s (at most 120 s) ----
    const expectedDeliveries = transfers.size * 2 * SOCKETS_PER_CUSTOMER;
    const drainUntil = performance.now() + 120_000;
    const deliveredCount = () => sockets.reduce((sum, socket) => sum + [...socket.received.values()].reduce((a, b) => a + b, 0), 0);
    let [lastDelivered, lastArrival] = [-1, performance.now()];
    while (deliveredCount() < expectedDeliveries && performance.now() < drainUntil && performance.now() - lastArrival < 15_000) {
      const now = deliveredCount();
      if (now !== lastDelivered) [lastDelivered, lastArrival] = [now, performance.now()];
      await sleep(200);
    }
    const drainSeconds = (performance.now() - loadStarted) / 1000 - loadSeconds;
    clearInterval(sampler);
    const rssEnd = await rssMiB(pid);
    const metricsAfter = await routerMetrics(stack.ports.router);

    // ---- exactly once to each entitled socket, never to anyone else ----
    let exactlyOnce = 0;
    let missing = 0;
    let duplicates = 0;
    let misdelivered = 0;
    let wrongKind = 0;
    const bySocketCustomer = sockets;
    for (const socket of bySocketCustomer) {
      for (const [id, count] of socket.received) {
        const transfer = transfers.get(id);
        if (!transfer) {
          unknown += count; // a transfer whose response never arrived (counted as failed)
          continue;
        }
        if (transfer.from !== socket.customer && transfer.to !== socket.customer) misdelivered += count;
        else if (count > 1) duplicates += count - 1;
        const kind = socket.kinds.get(id);
        if ((transfer.from === socket.customer && kind !== "MONEY_SENT") || (transfer.to === socket.customer && kind !== "MONEY_RECEIVED")) wrongKind += 1;
      }
    }
    const socketsOf = new Map<number, typeof sockets>();
    for (const socket of sockets) socketsOf.set(socket.customer, [...(socketsOf.get(socket.customer) ?? []), socket]);
    for (const [id, transfer] of transfers) {
      for (const customer of [transfer.from, transfer.to]) {
        for (const socket of socketsOf.get(customer) ?? []) {
          if (socket.received.has(id)) exactlyOnce += 1;
          else missing += 1;
        }
      }
    }
    for (const { transaction, createdAt } of rowCreatedAt.values()) {
      const wall = committedWall.get(transaction);
      if (wall !== undefined) commitToRow.push(Math.max(0, createdAt - wall));
    }
    const delta = (name: string) => (metricsAfter[name] ?? 0) - (metricsBefore[name] ?? 0);
    const events = transfers.size * 2;
    const summary = {
      scenario: "subscriptions",
      selection: QUERY,
      customers: CUSTOMERS,
      socketsPerCustomer: SOCKETS_PER_CUSTOMER,
      sockets: SOCKETS,
      subscribed,
      openSeconds: Number(openSeconds.toFixed(1)),
      soak: SOAK,
      loadSeconds: Number(loadSeconds.toFixed(1)),
      /** After the load: until every delivery arrived or none arrived for 15 s. */
      drainSeconds: Number(drainSeconds.toFixed(1)),
      transfersRequestedPerSecond: RATE,
      transfers: transfers.size,
      transfersPerSecond: Number((transfers.size / loadSeconds).toFixed(1)),
      eventsPerSecond: Number((events / loadSeconds).toFixed(1)),
      skippedTransfers: skipped,
      failedTransfers,
      expectedDeliveries,
      deliveredExactlyOnce: exactlyOnce,
      missing,
      duplicates,
      misdelivered,
      wrongKind,
      unknownTransactionDeliveries: unknown,
      clientErrors: errors,
      closes,
      deliveriesPerSecond: Number((exactlyOnce / loadSeconds).toFixed(0)),
      /** The transfer's response (after its commit) → each socket's `next`. */
      commitToClientMs: ms(latencies),
      /** Where that time goes: the transfer's response → the notification row (relay, stream, consumer). */
      commitToNotificationRowMs: ms(commitToRow),
      /** The notification row's createdAt → the socket (commit of the consumer, pub/sub, subgraph, router). */
      notificationRowToClientMs: ms(rowToClient),
      router: {
        resolutionsPerEvent: events > 0 ? Number((delta("fedbank_router_subscription_event_resolutions_total") / events).toFixed(2)) : null,
        entityFetchesRequested: delta('fedbank_router_subscription_entity_fetches_total{stage="requested"}'),
        entityFetchesSent: delta('fedbank_router_subscription_entity_fetches_total{stage="sent"}'),
        slowConsumersDropped: Object.entries(metricsAfter).filter(([name]) => name.startsWith("fedbank_router_subscription_slow_consumers_total")).reduce((sum, [, value]) => sum + value, 0),
        groups: metricsAfter.fedbank_router_subscription_groups ?? null,
      },
      rssMiB: { before: Number(rssBefore.toFixed(1)), withSubscriptions: Number(rssOpen.toFixed(1)), end: Number(rssEnd.toFixed(1)) },
      rssKiBPerSubscription: subscribed > 0 ? Number((((rssOpen - rssBefore) * 1024) / subscribed).toFixed(1)) : null,
      rssOverTime: rssSamples.sort((a, b) => a.second - b.second),
      benchProcessRssMiB: Number((process.memoryUsage().rss / 1048576).toFixed(1)),
      loadBefore,
      loadAfter: uptime(),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await Promise.all(clients.map((client) => Promise.resolve(client.dispose()).catch(() => undefined)));
    await stack.stop();
    await database.drop();
  }
}

/** Every sample of the router's /metrics, by its full name (labels included). */
async function routerMetrics(port: number): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl(port))).text();
  const values: Record<string, number> = {};
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.startsWith("fedbank_router_subscription")) continue;
    const space = line.lastIndexOf(" ");
    values[line.slice(0, space)] = Number(line.slice(space + 1));
  }
  return values;
}

await main();
