// Subscription benchmark, shaped like dashboards: many customers (default 500), each with a few sockets open
// (default 10: 5,000 sockets), every socket subscribed to its customer's `notificationReceived` with a field
// of another subgraph (`transaction { id amount }`: an entity fetch per event), and a steady stream of
// transfers between random pairs of those customers committed through the ledger (default 100 transfers/s =
// 200 notification events/s: the payer's MONEY_SENT and the payee's MONEY_RECEIVED), for a bounded time.
//
// Two processes matter: the platform (scripts/start.ts: the six subgraphs and a router that takes the
// transfers) and a SECOND router process (router/src/main.ts) that holds every subscription, so its RSS
// delta is the router's cost per subscription alone and its /metrics say where its time goes.
//
// Checked: each event exactly once on each socket of its customer and on no other socket (and of the right
// kind). Reported:
//  - commitToClientMs: the transaction's `createdAt` (the ledger's clock, taken inside the committing database
//    transaction, so at or before the commit) → each socket's `next` (an upper bound of commit → client);
//    responseToClientMs: from the transfer's response arriving (after the commit: a lower bound);
//  - where the time goes: commit → the notification row (relay, stream, consumer: upstream of the router),
//    the row → client, and the router's own fan-out from the event's arrival on its upstream socket
//    (fedbank_router_subscription_fanout_seconds: stage resolve = entity fetches, once per event and group;
//    stage deliver = handed to the client's socket);
//  - RSS per subscription (the subscription router's RSS delta over its subscriptions, and the marginal one:
//    what the second half of the customers and their sockets added; both swing with V8's heap sizing and GC
//    timing, the heap snapshot below is the steadier measure), resolutions and
//    entity fetches per event (sent after batching), slow-consumer drops, the machine's load (`uptime`);
//  - --soak: 5 minutes of load (or --seconds), the router's RSS and V8 heap sampled every 5 s and their
//    least-squares slope after a 60 s warm-up: growth is judged on the heap (RSS plateaus as V8 sizes up).
//
//   node --import tsx bench/subscriptions.ts [--customers 500] [--sockets-per-customer 10]
//        [--transfers-per-second 100] [--seconds 20] [--soak] [--heap-snapshot <dir>] [--profile <dir>]
//   (npm run bench passes BENCH_SUBSCRIBERS=1000 BENCH_DURATION_SECONDS=15: 100 customers × 10)
//   --heap-snapshot <dir>: the subscription router writes a V8 heap snapshot there before the sockets open
//       and once every socket is subscribed (--heapsnapshot-signal); bench/heap-summary.ts compares them
//   --profile <dir>: the subscription router is CPU-profiled (bench/cpu-profile-hook.mjs), <pid>.cpuprofile
//
// Customers are created directly in the test database (one row each, no password hashing: tokens are minted
// with the stack's test signing key), their accounts opened and funded through the router.
// Needs `ulimit -n` above 2 × sockets + a few hundred (both ends of every socket live on this machine).
import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readdir, stat } from "node:fs/promises";
import { parseArgs } from "node:util";
import { createClient, type Client } from "graphql-ws";
import pg from "pg";
import WebSocket from "ws";
import { rssMiB } from "./support.js";
import { ROOT, createTestDatabase, createTokenKey, demoUsers, graphql, metricsUrl, mintAccessToken, startExtraRouter, startStack } from "../test/support/stack.js";

const { values: args } = parseArgs({
  options: {
    customers: { type: "string" },
    "sockets-per-customer": { type: "string" },
    "transfers-per-second": { type: "string" },
    seconds: { type: "string" },
    soak: { type: "boolean", default: false },
    "heap-snapshot": { type: "string" },
    profile: { type: "string" },
  },
});
const env = process.env;
const SOCKETS_PER_CUSTOMER = Number(args["sockets-per-customer"] ?? env.BENCH_SOCKETS_PER_CUSTOMER ?? 10);
/** BENCH_SUBSCRIBERS (total sockets, what `npm run bench` passes) is spread over customers of SOCKETS_PER_CUSTOMER. */
const CUSTOMERS = Number(args.customers ?? env.BENCH_CUSTOMERS ?? (env.BENCH_SUBSCRIBERS ? Math.ceil(Number(env.BENCH_SUBSCRIBERS) / SOCKETS_PER_CUSTOMER) : 500));
const RATE = Number(args["transfers-per-second"] ?? env.BENCH_TRANSFERS_PER_SECOND ?? 100);
const SOAK = args.soak || env.BENCH_SOAK === "1";
const DURATION_S = Math.min(Number(args.seconds ?? env.BENCH_DURATION_SECONDS ?? (SOAK ? 300 : 20)), 600);
const HEAP_DIR = args["heap-snapshot"];
const PROFILE_DIR = args.profile ?? env.BENCH_PROFILE_DIR;
const SOCKETS = CUSTOMERS * SOCKETS_PER_CUSTOMER;
const OPEN_BATCH = 250;
const MAX_IN_FLIGHT_TRANSFERS = 64;
const SAMPLE_EVERY_MS = 5_000;
const SOAK_WARMUP_S = 60;
const log = (message: string) => process.stderr.write(`[bench:subscriptions] ${message}\n`);

/** A dashboard's live feed: the notification and, from the transactions subgraph, the transaction it is about. */
const QUERY = "subscription Feed { notificationReceived { id kind title createdAt transaction { id amount { amount currency } } } }";
const TRANSFER = "mutation($input: TransferInput!) { transfer(input: $input) { transaction { id createdAt } } }";

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

/** Least-squares slope of y over x (per unit of x). */
function slope(points: { x: number; y: number }[]): number | null {
  if (points.length < 3) return null;
  const n = points.length;
  const mx = points.reduce((sum, p) => sum + p.x, 0) / n;
  const my = points.reduce((sum, p) => sum + p.y, 0) / n;
  const sxx = points.reduce((sum, p) => sum + (p.x - mx) ** 2, 0);
  return sxx === 0 ? null : points.reduce((sum, p) => sum + (p.x - mx) * (p.y - my), 0) / sxx;
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** Every sample of a router's /metrics, by its full name (labels included). */
async function routerMetrics(port: number): Promise<Record<string, number>> {
  const text = await (await fetch(metricsUrl(port))).text();
  const values: Record<string, number> = {};
  for (const line of text.split("\n")) {
    if (line.startsWith("#") || !line.startsWith("fedbank_router_")) continue;
    const space = line.lastIndexOf(" ");
    values[line.slice(0, space)] = Number(line.slice(space + 1));
  }
  return values;
}

/**
 * p50/p99 (ms) of the router's fan-out histogram for `stage`, from the bucket counts gained between two
 * scrapes (linear inside a bucket, as Prometheus' histogram_quantile does).
 */
function histogramMs(before: Record<string, number>, after: Record<string, number>, stage: string) {
  const buckets: { le: number; count: number }[] = [];
  for (const [name, value] of Object.entries(after)) {
    if (!name.startsWith("fedbank_router_subscription_fanout_seconds_bucket{") || !name.includes(`stage="${stage}"`)) continue;
    const le = /le="([^"]+)"/.exec(name)?.[1];
    if (!le) continue;
    buckets.push({ le: le === "+Inf" ? Infinity : Number(le), count: value - (before[name] ?? 0) });
  }
  buckets.sort((a, b) => a.le - b.le);
  const total = buckets.at(-1)?.count ?? 0;
  const quantile = (q: number) => {
    if (total === 0) return null;
    const rank = q * total;
    let [lowerLe, lowerCount] = [0, 0];
    for (const bucket of buckets) {
      if (bucket.count >= rank) {
        if (bucket.le === Infinity) return Number((lowerLe * 1000).toFixed(1));
        const within = bucket.count === lowerCount ? 0 : (rank - lowerCount) / (bucket.count - lowerCount);
        return Number(((lowerLe + (bucket.le - lowerLe) * within) * 1000).toFixed(1));
      }
      [lowerLe, lowerCount] = [bucket.le, bucket.count];
    }
    return null;
  };
  return { samples: total, p50: quantile(0.5), p99: quantile(0.99) };
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
  const secret = randomBytes(32).toString("base64url");
  const stack = await startStack({ DATABASE_URL: database.url, JWT_PRIVATE_KEY: key.pem, ROUTER_IDENTITY_SECRET: secret, LOG_LEVEL: "error" });
  const nodeOptions = [
    HEAP_DIR ? `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${HEAP_DIR}` : "",
    PROFILE_DIR ? `--import ${ROOT}bench/cpu-profile-hook.mjs` : "",
  ].filter(Boolean).join(" ");
  // The router holding the subscriptions: its own process, so its RSS and metrics are its own. Started again
  // if it is not ready in time (a loaded machine: its start-up alone can take a minute).
  const startRouter = async (attempt = 1): Promise<Awaited<ReturnType<typeof startExtraRouter>>> => {
    try {
      return await startExtraRouter(stack, routerEnv);
    } catch (failure) {
      if (attempt >= 3) throw failure;
      log(`subscription router not ready (${(failure as Error).message.split("\n")[0]}); starting it again`);
      return startRouter(attempt + 1);
    }
  };
  const routerEnv: NodeJS.ProcessEnv = {
    ROUTER_IDENTITY_SECRET: secret,
    REDIS_KEY_PREFIX: stack.redisKeyPrefix,
    SUBSCRIPTION_CONNECTIONS_PER_MINUTE: String(SOCKETS * 10),
    LOG_LEVEL: "error",
    ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    ...(PROFILE_DIR ? { CPU_PROFILE_DIR: PROFILE_DIR } : {}),
  };
  const router = await startRouter().catch(async (failure: unknown) => {
    await stack.stop();
    await database.drop();
    throw failure;
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
    for (let start = 0; start < ids.length; start += 500) {
      await db.query(
        `INSERT INTO users.users (id, email, name, password_hash, role, updated_at)
         SELECT id, 'bench-' || id || '@example.com', 'Bench Customer ' || ord, '!not-a-password-hash', 'CUSTOMER', now()
         FROM unnest($1::uuid[]) WITH ORDINALITY AS t(id, ord)`,
        [ids.slice(start, start + 500)],
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
    // Tokens of the usual 15 minutes outlive the run (a soak included): the router would close sockets with
    // 4410 shortly before `exp`, counted in `closes`.
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
    // quiet again) before subscribing, or their backlog would arrive during the measurement.
    const quietUntil = Date.now() + 180_000;
    const counter = new pg.Client({ connectionString: database.url });
    await counter.connect();
    while (Date.now() < quietUntil) {
      const { rows } = await counter.query<{ n: string }>("SELECT count(*) AS n FROM notifications.notifications");
      if (Number(rows[0]?.n ?? 0) >= CUSTOMERS) break;
      await sleep(500);
    }
    await counter.end();

    const heapSnapshots: string[] = [];
    if (HEAP_DIR) heapSnapshots.push((await takeHeapSnapshot(router.pid, HEAP_DIR, () => routerMetrics(router.port))) ?? "none");
    const rssBefore = await rssMiB(router.pid);
    // ---- sockets: SOCKETS_PER_CUSTOMER per customer, each with one subscription, on the subscription router ----
    /** Per socket: its customer, and how many times each transaction's event arrived (and of which kind). */
    const sockets: { customer: number; received: Map<string, number>; kinds: Map<string, string> }[] = [];
    /** transaction id → its payer and payee (customer indexes), its ledger time and its response's arrival. */
    const transfers = new Map<string, { from: number; to: number; postedAt: number; respondedAt: number }>();
    /** Arrivals (wall clock) of events whose transfer response had not arrived yet: settled when it does. */
    const early = new Map<string, number[]>();
    const postedToClient: number[] = [];
    const responseToClient: number[] = [];
    const rowToClient: number[] = [];
    const rowCreatedAt = new Map<string, { transaction: string; createdAt: number }>();
    let unknown = 0;
    let errors = 0;
    const closes: Record<string, number> = {};
    const url = router.url.replace(/^http/, "ws");
    const arrived = (id: string, at: number) => {
      const transfer = transfers.get(id);
      if (!transfer) {
        const list = early.get(id);
        if (list) list.push(at);
        else early.set(id, [at]);
        return;
      }
      postedToClient.push(Math.max(0, at - transfer.postedAt));
      responseToClient.push(Math.max(0, at - transfer.respondedAt));
    };
    const openStarted = performance.now();
    // Customer by customer: the first half of the sockets belongs to the first half of the customers, so the
    // second half costs what its subscriptions AND their groups cost (the marginal RSS per subscription).
    const plan = Array.from({ length: SOCKETS }, (_, index) => Math.floor(index / SOCKETS_PER_CUSTOMER));
    /** Subscribed when the router counts them (gauge), not when the sockets are merely open. */
    const waitSubscribed = async (target: number) => {
      let [count, lastCount, lastProgress] = [0, -1, Date.now()];
      for (;;) {
        count = (await routerMetrics(router.port)).fedbank_router_subscriptions_active ?? 0;
        if (count >= target) return count;
        if (count !== lastCount) [lastCount, lastProgress] = [count, Date.now()];
        else if (Date.now() - lastProgress > 10_000) return count; // the rest were refused for good
        await sleep(200);
      }
    };
    /** RSS once the open phase's garbage has had a chance to be collected: the lowest of a few samples. */
    const settledRss = async () => {
      let lowest = Infinity;
      for (let sample = 0; sample < 5; sample++) {
        await sleep(1_000);
        lowest = Math.min(lowest, await rssMiB(router.pid));
      }
      return lowest;
    };
    let half: { subscribed: number; rssMiB: number } | null = null;
    for (let start = 0; start < plan.length; start += OPEN_BATCH) {
      if (!half && start >= SOCKETS / 2 && SOCKETS >= 1_000) {
        const count = await waitSubscribed(start);
        half = { subscribed: count, rssMiB: await settledRss() };
      }
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
                  const at = Date.now();
                  const notification = result.data?.notificationReceived;
                  const id = notification?.transaction?.id;
                  if (!notification || !id) {
                    if (result.errors) errors++;
                    return;
                  }
                  const createdAt = Date.parse(notification.createdAt);
                  rowToClient.push(Math.max(0, at - createdAt));
                  if (!rowCreatedAt.has(notification.id)) rowCreatedAt.set(notification.id, { transaction: id, createdAt });
                  socket.received.set(id, (socket.received.get(id) ?? 0) + 1);
                  socket.kinds.set(id, notification.kind);
                  arrived(id, at);
                },
                error: () => errors++,
                complete: () => undefined,
              },
            );
          });
        }),
      );
    }
    const subscribed = await waitSubscribed(SOCKETS);
    const openSeconds = (performance.now() - openStarted) / 1000;
    // One upstream subscription per group (customer): wait until the router holds them all.
    for (let waited = 0; waited < 30_000; waited += 200) {
      if (((await routerMetrics(router.port)).fedbank_router_subscription_groups ?? 0) >= CUSTOMERS) break;
      await sleep(200);
    }
    const rssOpen = await settledRss();
    const metricsOpen = await routerMetrics(router.port);
    log(`${subscribed} subscriptions active after ${openSeconds.toFixed(1)} s; router RSS ${rssBefore.toFixed(0)} → ${rssOpen.toFixed(0)} MiB; ${uptime()}`);
    if (HEAP_DIR) heapSnapshots.push((await takeHeapSnapshot(router.pid, HEAP_DIR, () => routerMetrics(router.port))) ?? "none");

    // ---- load: RATE transfers per second between random pairs, open loop (bounded in flight) ----
    const metricsBefore = await routerMetrics(router.port);
    const samples: { second: number; rssMiB: number; heapUsedMiB: number }[] = [];
    let inFlight = 0;
    let skipped = 0;
    let failedTransfers = 0;
    const loadStarted = performance.now();
    let sent = 0;
    const sample = async () => {
      const second = Math.round((performance.now() - loadStarted) / 1000);
      const [rss, metrics] = await Promise.all([rssMiB(router.pid), routerMetrics(router.port)]);
      samples.push({ second, rssMiB: Number(rss.toFixed(1)), heapUsedMiB: Number(((metrics.fedbank_router_nodejs_heap_size_used_bytes ?? 0) / 1048576).toFixed(1)) });
    };
    await sample();
    const sampler = setInterval(() => void sample(), SAMPLE_EVERY_MS);
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
            const transaction = (body.data as { transfer?: { transaction: { id: string; createdAt: string } } } | null)?.transfer?.transaction;
            if (!transaction) {
              failedTransfers += 1;
              return;
            }
            transfers.set(transaction.id, { from, to, postedAt: Date.parse(transaction.createdAt), respondedAt: Date.now() });
            for (const at of early.get(transaction.id) ?? []) arrived(transaction.id, at);
            early.delete(transaction.id);
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
    await sample();
    const metricsAfter = await routerMetrics(router.port);

    // ---- exactly once to each entitled socket, never to anyone else ----
    let exactlyOnce = 0;
    let missing = 0;
    let duplicates = 0;
    let misdelivered = 0;
    let wrongKind = 0;
    for (const socket of sockets) {
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
          if (socket.received.get(id) === 1) exactlyOnce += 1;
          else if (!socket.received.has(id)) missing += 1;
        }
      }
    }
    const postedToRow: number[] = [];
    for (const { transaction, createdAt } of rowCreatedAt.values()) {
      const transfer = transfers.get(transaction);
      if (transfer) postedToRow.push(Math.max(0, createdAt - transfer.postedAt));
    }
    const delta = (name: string) => (metricsAfter[name] ?? 0) - (metricsBefore[name] ?? 0);
    const events = transfers.size * 2;
    const loadSamples = samples.filter((each) => each.second >= (SOAK ? SOAK_WARMUP_S : 0) && each.second <= loadSeconds + 1);
    const perMinute = (value: number | null) => (value === null ? null : Number((value * 60).toFixed(2)));
    const rssSlope = perMinute(slope(loadSamples.map((each) => ({ x: each.second, y: each.rssMiB }))));
    const heapSlope = perMinute(slope(loadSamples.map((each) => ({ x: each.second, y: each.heapUsedMiB }))));
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
      /** After the load: until every delivery arrived or none arrived for 15 s (at most 120 s). */
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
      /** The ledger's createdAt of the transaction (inside the committing DB transaction) → each socket's `next`. */
      commitToClientMs: ms(postedToClient),
      /** The transfer's response (after its commit) → each socket's `next`. */
      responseToClientMs: ms(responseToClient),
      /** Upstream of the router: the transaction's createdAt → the notification row's (relay, stream, consumer). */
      commitToNotificationRowMs: ms(postedToRow),
      /** The notification row's createdAt → the socket (consumer commit, pub/sub, subgraph, router, client). */
      notificationRowToClientMs: ms(rowToClient),
      router: {
        /** The router's own part: the event's arrival on its upstream socket → resolved (entity fetches), per event and group. */
        fanOutResolveMs: histogramMs(metricsBefore, metricsAfter, "resolve"),
        /** The event's arrival → handed to the client's socket, per delivery. */
        fanOutDeliverMs: histogramMs(metricsBefore, metricsAfter, "deliver"),
        resolutionsPerEvent: events > 0 ? Number((delta("fedbank_router_subscription_event_resolutions_total") / events).toFixed(2)) : null,
        entityFetchesRequested: delta('fedbank_router_subscription_entity_fetches_total{stage="requested"}'),
        entityFetchesSent: delta('fedbank_router_subscription_entity_fetches_total{stage="sent"}'),
        slowConsumersDropped: Object.entries(metricsAfter).filter(([name]) => name.startsWith("fedbank_router_subscription_slow_consumers_total")).reduce((sum, [, value]) => sum + value, 0),
        groups: metricsOpen.fedbank_router_subscription_groups ?? null,
        cpuSecondsDuringLoad: Number(delta("fedbank_router_process_cpu_seconds_total").toFixed(1)),
      },
      rssMiB: { before: Number(rssBefore.toFixed(1)), withSubscriptions: Number(rssOpen.toFixed(1)), end: samples.at(-1)?.rssMiB ?? null },
      /** The router's RSS growth over all its subscriptions (one-time costs included: JIT code, caches, heap sizing). */
      rssKiBPerSubscription: subscribed > 0 ? Number((((rssOpen - rssBefore) * 1024) / subscribed).toFixed(1)) : null,
      /** What the second half of the sockets (and their customers' groups) added: the cost of one more subscription. */
      rssKiBPerSubscriptionMarginal: half && subscribed > half.subscribed ? Number((((rssOpen - half.rssMiB) * 1024) / (subscribed - half.subscribed)).toFixed(1)) : null,
      rssMiBAtHalf: half,
      heapUsedMiBWithSubscriptions: Number(((metricsOpen.fedbank_router_nodejs_heap_size_used_bytes ?? 0) / 1048576).toFixed(1)),
      /** Least-squares slopes over the load (a soak: after its first 60 s), MiB per minute. */
      slopeMiBPerMinute: { rss: rssSlope, heapUsed: heapSlope, samples: loadSamples.length },
      overTime: samples,
      /** Before the sockets and with them (bench/heap-summary.ts <before> <after> <subscriptions>). */
      heapSnapshots,
      benchProcessRssMiB: Number((process.memoryUsage().rss / 1048576).toFixed(1)),
      loadBefore,
      loadAfter: uptime(),
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await Promise.all(clients.map((client) => Promise.resolve(client.dispose()).catch(() => undefined)));
    await router.stop();
    await stack.stop();
    await database.drop();
  }
}

/**
 * Signals the router to write a heap snapshot (--heapsnapshot-signal) and waits until the file is complete:
 * the snapshot is written on the router's main thread, so once the router answers `probe` again it is done.
 */
async function takeHeapSnapshot(pid: number, dir: string, probe: () => Promise<unknown>): Promise<string | null> {
  const before = new Set(await readdir(dir).catch(() => []));
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    await sleep(1_000);
    const file = (await readdir(dir)).find((name) => name.endsWith(".heapsnapshot") && !before.has(name));
    if (!file) continue;
    // The first probe may fail (a connection refused or reset while the process is busy writing).
    for (let attempt = 0; attempt < 120; attempt++) {
      if (await probe().then(() => true, () => false)) break;
      await sleep(1_000);
    }
    const size = (await stat(`${dir}/${file}`)).size;
    log(`heap snapshot ${dir}/${file} (${(size / 1048576).toFixed(0)} MiB)`);
    return `${dir}/${file}`;
  }
  return null;
}

await main();
