// `npm run bench:ledger`: transfers per second and latency through the router (auth on, real Postgres at
// 127.0.0.1:5432, a fresh database), and in the same run the ledger's own transfer (idempotency key +
// postings, the same functions the service calls) invoked in-process on the same Postgres: the ceiling.
// Bounded in count and time, loopback only. Writes the medians of the runs to its own section of
// docs/benchmarks.md (bench/support.ts writeDocsSection), leaving the other sections alone.
import { randomInt, randomUUID } from "node:crypto";
import os from "node:os";
import { parseArgs } from "node:util";
import { createDatabase } from "../kernel/db.js";
import { runIdempotent } from "../subgraphs/transactions/src/idempotency.js";
import { postWithin } from "../subgraphs/transactions/src/ledger.js";
import { LEDGER_OPS } from "../test/support/builders.js";
import { createTestDatabase, graphql, login, startStack } from "../test/support/stack.js";
import { writeDocsSection } from "./support.js";

const { values: options } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    seconds: { type: "string", default: "8" },
    clients: { type: "string", default: "16" },
    accounts: { type: "string", default: "20" },
    "max-transfers": { type: "string", default: "20000" },
    "no-write": { type: "boolean", default: false },
  },
});
const RUNS = Number(options.runs);
const SECONDS = Number(options.seconds);
const CLIENTS = Number(options.clients);
const ACCOUNTS = Number(options.accounts);
const MAX_TRANSFERS = Number(options["max-transfers"]);

interface Result {
  transfers: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `transfer` from CLIENTS concurrent loops until SECONDS or MAX_TRANSFERS, timing each call. */
async function measure(transfer: (from: string, to: string) => Promise<boolean>, ids: string[]): Promise<Result> {
  const latencies: number[] = [];
  let started = 0;
  let failed = 0;
  const deadline = performance.now() + SECONDS * 1000;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline && started < MAX_TRANSFERS) {
        started += 1;
        const from = randomInt(ids.length);
        const to = (from + 1 + randomInt(ids.length - 1)) % ids.length;
        const t0 = performance.now();
        if (await transfer(ids[from]!, ids[to]!)) latencies.push(performance.now() - t0);
        else failed += 1;
      }
    }),
  );
  const elapsed = (performance.now() - begin) / 1000;
  if (failed) throw new Error(`${failed} transfers failed during the benchmark`);
  latencies.sort((a, b) => a - b);
  return { transfers: latencies.length, perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const database = await createTestDatabase();
  const stack = await startStack({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: "20", LOG_LEVEL: "error" });
  const db = createDatabase({ url: database.url, poolSize: 20, applicationName: "bench" });
  try {
    const teller = await login(stack.routerUrl, "teller@demo.bank");
    const me = (await graphql(stack.routerUrl, `{ me { id } }`, {}, await login(stack.routerUrl, "alice@demo.bank"))).body.data.me.id;
    const tellerId = (await graphql(stack.routerUrl, `{ me { id } }`, {}, teller)).body.data.me.id;
    const ids: string[] = [];
    for (let i = 0; i < ACCOUNTS; i += 1) {
      const opened = await graphql(stack.routerUrl, LEDGER_OPS.open, { input: { ownerId: me, type: "CHECKING", currency: "USD" } }, teller);
      const id = opened.body.data.openAccount.id;
      await graphql(stack.routerUrl, LEDGER_OPS.deposit, { input: { accountId: id, amount: "1000000.00", idempotencyKey: randomUUID() } }, teller);
      ids.push(id);
    }

    const viaRouter = async (from: string, to: string) => {
      const { body } = await graphql(stack.routerUrl, LEDGER_OPS.transfer, {
        input: { fromAccountId: from, toAccountId: to, amount: "0.01", idempotencyKey: randomUUID() },
      }, teller);
      return Boolean(body.data?.transfer);
    };
    const direct = async (from: string, to: string) => {
      await runIdempotent(
        db.prisma,
        { callerId: tellerId, key: randomUUID(), operation: "transfer", input: { from, to, amount: "1", currency: "USD", reference: null } },
        (tx, id) => postWithin(tx, { id, kind: "TRANSFER", currency: "USD", initiatedBy: tellerId, legs: [{ accountId: from, amountMinor: -1n }, { accountId: to, amountMinor: 1n }] }),
      );
      return true;
    };

    const router: Result[] = [];
    const ceiling: Result[] = [];
    for (let run = 1; run <= RUNS; run += 1) {
      router.push(await measure(viaRouter, ids));
      ceiling.push(await measure(direct, ids));
      const r = router.at(-1)!;
      const c = ceiling.at(-1)!;
      console.log(
        `run ${run}: router ${r.perSecond.toFixed(0)}/s p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms | ` +
          `direct ${c.perSecond.toFixed(0)}/s p50 ${c.p50.toFixed(1)} ms p99 ${c.p99.toFixed(1)} ms`,
      );
    }
    const summary = {
      router: { perSecond: median(router.map((r) => r.perSecond)), p50: median(router.map((r) => r.p50)), p99: median(router.map((r) => r.p99)) },
      direct: { perSecond: median(ceiling.map((r) => r.perSecond)), p50: median(ceiling.map((r) => r.p50)), p99: median(ceiling.map((r) => r.p99)) },
    };
    const ratio = summary.router.perSecond / summary.direct.perSecond;
    console.log(`median: router ${summary.router.perSecond.toFixed(0)}/s, direct ${summary.direct.perSecond.toFixed(0)}/s, ratio ${(ratio * 100).toFixed(0)} %`);

    if (!options["no-write"]) {
      const pgVersion = (await db.pool.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
      const cpus = os.cpus();
      const lines = [
        "## Ledger transfers (`npm run bench:ledger`)",
        "",
        `Measured ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC on ${cpus.length} × ${cpus[0]?.model.trim() ?? "CPU"}, ` +
          `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, load average at start ${os.loadavg()[0]!.toFixed(1)} (machine shared with other work); ` +
          `Node ${process.version}, PostgreSQL ${pgVersion} at 127.0.0.1:5432 (a fresh database), everything on loopback.`,
        "",
        `Command: \`npm run bench:ledger -- --runs ${RUNS} --seconds ${SECONDS} --clients ${CLIENTS} --accounts ${ACCOUNTS}\`. ` +
          `${CLIENTS} concurrent clients each send one transfer of 0.01 USD at a time between random pairs of ${ACCOUNTS} accounts, ` +
          `each with a fresh idempotency key, for ${SECONDS} s per measurement; ${RUNS} runs, medians reported.`,
        "",
        "| path | transfers/s | p50 latency | p99 latency |",
        "| --- | ---: | ---: | ---: |",
        `| through the router (HTTP, token verification, query planning, transactions subgraph, Prisma, Postgres) | ${summary.router.perSecond.toFixed(0)} | ${summary.router.p50.toFixed(1)} ms | ${summary.router.p99.toFixed(1)} ms |`,
        `| the ledger's transfer called in-process (idempotency key + locked postings, same functions, same Postgres): the ceiling | ${summary.direct.perSecond.toFixed(0)} | ${summary.direct.p50.toFixed(1)} ms | ${summary.direct.p99.toFixed(1)} ms |`,
        "",
        `Router / ceiling: **${(ratio * 100).toFixed(0)} %**.`,
        "",
        "Reading the numbers: the machine is shared (other test suites were running; see the load average), so",
        "absolute values vary a lot from run to run; the ratio is the steadier figure. Not profiled yet; our reading",
        "is that both paths are bound by Node CPU (two cores shared by everything) more than by Postgres locks: a",
        "transfer is one interactive Prisma transaction of six round trips",
        "(BEGIN, idempotency key, account locks, active holds, one statement writing transaction + postings +",
        "balances, COMMIT), and the router path adds token verification, query planning, the signed subgraph",
        "hop and GraphQL execution twice. Moving the transfer into one SQL function call would cut the round",
        "trips to one; it is the obvious next step if throughput matters more than keeping the rules in TypeScript.",
        "",
        "Per run:",
        "",
        ...router.map(
          (r, i) =>
            `- run ${i + 1}: router ${r.perSecond.toFixed(0)}/s (p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, ${r.transfers} transfers); ` +
            `direct ${ceiling[i]!.perSecond.toFixed(0)}/s (p50 ${ceiling[i]!.p50.toFixed(1)} ms, p99 ${ceiling[i]!.p99.toFixed(1)} ms, ${ceiling[i]!.transfers} transfers)`,
        ),
        "",
      ];
      await writeDocsSection("ledger", lines.join("\n"));
      console.log("wrote docs/benchmarks.md (section bench:ledger)");
    }
  } finally {
    await db.close();
    await stack.stop();
    await database.drop();
  }
}

await main();
