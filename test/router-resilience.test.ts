// Router resilience towards its subgraphs, through a real router process: the transactions subgraph runs as
// its own process behind a small TCP switch the test controls (pass, cut, hold). Killing it gives partial
// results with errors at the affected paths; starting it again gives full results without restarting the
// router; query fetches are retried, mutation fetches never; the circuit opens (the subgraph is not called),
// half-opens and closes; SIGTERM lets an in-flight request finish before the router exits.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { connect, createServer, type Server, type Socket } from "node:net";
import { after, before, describe, test } from "node:test";
import {
  createTestDatabase,
  createTokenKey,
  demoUsers,
  freePort,
  metricValue,
  mintAccessToken,
  startExtraRouter,
  startStack,
  startSubgraphProcess,
  type Stack,
  type SubgraphProcess,
  type TestDatabase,
  type TokenKey,
} from "./support/stack.js";
import { eventually } from "./support/wait.js";

type ProxyMode = "pass" | "cut" | "hold";

/** A TCP switch in front of a subgraph: `cut` resets every connection, `hold` keeps new ones waiting. */
class SubgraphSwitch {
  private mode: ProxyMode = "pass";
  private readonly sockets = new Set<Socket>();
  private held: (() => void)[] = [];
  private server!: Server;
  port = 0;

  constructor(private readonly targetPort: () => number) {}

  async start() {
    this.server = createServer((client) => {
      this.sockets.add(client);
      client.on("close", () => this.sockets.delete(client)).on("error", () => client.destroy());
      if (this.mode === "cut") return client.destroy();
      const forward = () => {
        const upstream = connect(this.targetPort(), "127.0.0.1");
        this.sockets.add(upstream);
        const close = () => {
          client.destroy();
          upstream.destroy();
          this.sockets.delete(upstream);
        };
        upstream.on("error", close).on("close", close);
        client.on("close", close);
        client.pipe(upstream).pipe(client);
      };
      if (this.mode === "hold") this.held.push(forward);
      else forward();
    });
    this.port = await freePort();
    await new Promise<void>((resolve) => this.server.listen(this.port, "127.0.0.1", resolve));
  }

  /** Switches mode; open connections are closed so that every later request needs a new one. */
  set(mode: ProxyMode) {
    this.mode = mode;
    if (mode !== "pass") for (const socket of this.sockets) socket.destroy();
  }

  get heldConnections() {
    return this.held.length;
  }

  /** Forwards the held connections (their buffered requests go through) and passes new ones. */
  release() {
    this.mode = "pass";
    for (const forward of this.held.splice(0)) forward();
  }

  async close() {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

interface Reply {
  status: number;
  headers: Headers;
  body: { data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] };
}

async function post(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<Reply> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Reply["body"] };
}

/** Requests a subgraph process has answered, from its own /metrics. */
async function subgraphRequests(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("fedbank_subgraph_requests_total"))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

// `me` comes from users and accounts, `account.balance` from transactions (an entity fetch).
const PARTIAL = /* GraphQL */ `
  query Partial($id: ID!) {
    me { email accounts { id number } }
    account(id: $id) { number balance { amount currency } }
  }`;
// A root field of transactions beside one of users.
const ROOT_FIELD = /* GraphQL */ `
  query RootField($id: ID!) {
    me { email }
    transaction(id: $id) { id }
  }`;
const TRANSFER = /* GraphQL */ `
  mutation Transfer($input: TransferInput!) {
    transfer(input: $input) { transaction { id } }
  }`;

const CIRCUIT = 'fedbank_router_subgraph_circuit_state{subgraph="transactions"}';
/** Short: the circuit test waits for one cool-down. Its checks while the circuit is open are window-aware. */
const BREAKER_COOLDOWN_MS = 1_500;
const RETRIES = 'fedbank_router_subgraph_retries_total{subgraph="transactions"}';

describe("router resilience towards subgraphs", () => {
  let database: TestDatabase;
  let stack: Stack;
  let key: TokenKey;
  let transactions: SubgraphProcess;
  let router: Awaited<ReturnType<typeof startExtraRouter>>;
  let alice: string;
  let accountId: string;
  const secret = `identity-${randomUUID()}-${randomUUID()}`;
  const proxy = new SubgraphSwitch(() => transactions.port);
  const startTransactions = (port?: number) =>
    startSubgraphProcess("transactions", stack, { DATABASE_URL: database.url, ROUTER_IDENTITY_SECRET: secret }, port);
  const routerEnv = (extra: NodeJS.ProcessEnv = {}) => ({
    ROUTER_IDENTITY_SECRET: secret,
    REDIS_KEY_PREFIX: stack.redisKeyPrefix,
    SUBGRAPH_TRANSACTIONS_URL: `http://127.0.0.1:${proxy.port}/graphql`,
    SUBGRAPH_RETRIES: "2",
    SUBGRAPH_RETRY_BASE_DELAY_MS: "20",
    SUBGRAPH_BREAKER_FAILURES: "10",
    SUBGRAPH_BREAKER_COOLDOWN_MS: String(BREAKER_COOLDOWN_MS),
    ...extra,
  });

  before(async () => {
    database = await createTestDatabase();
    key = await createTokenKey();
    stack = await startStack({ DATABASE_URL: database.url, JWT_PRIVATE_KEY: key.pem, ROUTER_IDENTITY_SECRET: secret });
    transactions = await startTransactions();
    await proxy.start();
    // A short shutdown grace: the last test stops this router with a request still in flight.
    router = await startExtraRouter(stack, routerEnv({ SHUTDOWN_GRACE_MS: "300" }));
    alice = await mintAccessToken(key, (await demoUsers(database.url))["alice@demo.bank"]!);
    const me = await post(router.url, PARTIAL, { id: randomUUID() }, alice);
    accountId = me.body.data.me.accounts[0].id;
  });

  after(async () => {
    await router?.stop();
    await transactions?.stop();
    await proxy.close();
    const code = await stack?.stop();
    await database?.drop();
    assert.equal(code, 0, "the platform stops cleanly");
  });

  test("a subgraph killed: partial results with errors at the affected paths, retries for queries only; restarted: full results", async () => {
    const full = await post(router.url, PARTIAL, { id: accountId }, alice);
    assert.equal(full.body.errors, undefined, JSON.stringify(full.body.errors));
    assert.ok(full.body.data.account.balance.amount);

    await transactions.kill();
    const retriesBefore = await metricValue(router.port, RETRIES);
    const partial = await post(router.url, PARTIAL, { id: accountId }, alice);
    assert.equal(partial.status, 200);
    assert.equal(partial.body.data.me.email, "alice@demo.bank", "the users and accounts parts are there");
    assert.ok(partial.body.data.me.accounts.length > 0);
    // `balance` is non-null: its absence nulls the account, and the error names the missing field.
    assert.equal(partial.body.data.account, null);
    assert.deepEqual(partial.body.errors?.map((error) => error.path), [["account", "balance"]], JSON.stringify(partial.body.errors));
    const error = partial.body.errors![0]!;
    assert.equal(error.extensions?.code, "SUBGRAPH_UNAVAILABLE");
    assert.equal(error.extensions?.requestId, partial.headers.get("x-request-id"), "the request id is in the error");
    assert.doesNotMatch(JSON.stringify(partial.body), /127\.0\.0\.1|localhost|http:|ECONN|stack/i, "no internal address or cause");
    assert.equal((await metricValue(router.port, RETRIES)) - retriesBefore, 2, "a query's fetch is retried (SUBGRAPH_RETRIES=2)");

    const root = await post(router.url, ROOT_FIELD, { id: randomUUID() }, alice);
    assert.equal(root.body.data.me.email, "alice@demo.bank");
    assert.equal(root.body.data.transaction, null);
    assert.deepEqual(root.body.errors?.map((error) => [error.path, error.extensions?.code]), [[["transaction"], "SUBGRAPH_UNAVAILABLE"]]);

    const retriesBeforeMutation = await metricValue(router.port, RETRIES);
    const transfer = await post(
      router.url,
      TRANSFER,
      { input: { fromAccountId: accountId, toAccountNumber: "FB97FDBK50237507013082", amount: "1.00", idempotencyKey: randomUUID() } },
      alice,
    );
    assert.deepEqual(transfer.body.errors?.map((error) => [error.path, error.extensions?.code]), [[["transfer"], "SUBGRAPH_UNAVAILABLE"]]);
    assert.equal(await metricValue(router.port, RETRIES), retriesBeforeMutation, "a mutation's fetch is never retried");
    assert.equal(await metricValue(router.port, CIRCUIT), 0, "7 failures: below SUBGRAPH_BREAKER_FAILURES, the circuit stays closed");

    // The router still serves (partial results): /ready stays 200 and reports the subgraph; the platform check does not pass.
    const ready = await fetch(`http://127.0.0.1:${router.port}/ready`);
    assert.equal(ready.status, 200);
    const readiness = (await ready.json()) as { checks: Record<string, string>; degraded: string[] };
    assert.equal(readiness.checks.transactions, "unreachable");
    assert.deepEqual(readiness.degraded, ["transactions"]);
    assert.equal((await fetch(`http://127.0.0.1:${router.port}/ready?subgraphs=all`)).status, 503);

    transactions = await startTransactions(transactions.port);
    const recovered = await eventually(
      "full results after the restart",
      () => post(router.url, PARTIAL, { id: accountId }, alice),
      (reply) => reply.body.errors === undefined,
    );
    assert.ok(recovered.body.data.account.balance.amount);
    assert.equal((await fetch(`http://127.0.0.1:${router.port}/ready?subgraphs=all`)).status, 200);
  });

  test("the circuit opens after consecutive failures, the subgraph is not called while it is open, then it closes", async () => {
    let calls = 0;
    // The checks below hold while the circuit is open, i.e. within one cool-down of its opening: a run of
    // them that outlasted the cool-down (a loaded machine) proves nothing, and the circuit is opened again.
    for (let attempt = 1; ; attempt++) {
      proxy.set("cut");
      // When the circuit opened: no later than the start of the probe before the one that saw it open.
      const probeStarts: number[] = [];
      await eventually(
        "the circuit opens",
        async () => {
          probeStarts.push(performance.now());
          await post(router.url, PARTIAL, { id: accountId }, alice);
          return metricValue(router.port, CIRCUIT);
        },
        (state) => state === 1,
        { timeoutMs: 30_000 },
      );
      const openedBefore = probeStarts.at(-2) ?? probeStarts.at(-1)!;
      proxy.set("pass");
      try {
        calls = await subgraphRequests(transactions.port);
        const refused = await post(router.url, PARTIAL, { id: accountId }, alice);
        assert.equal(refused.body.data.me.email, "alice@demo.bank");
        assert.deepEqual(refused.body.errors?.map((error) => [error.path, error.extensions?.code, error.extensions?.reason]), [
          [["account", "balance"], "SUBGRAPH_UNAVAILABLE", "circuit-open"],
        ]);
        assert.equal(await subgraphRequests(transactions.port), calls, "not called while the circuit is open");
        assert.ok((await metricValue(router.port, 'fedbank_router_subgraph_fetch_errors_total{subgraph="transactions",reason="circuit-open"}')) >= 1);
        const ready = await fetch(`http://127.0.0.1:${router.port}/ready?subgraphs=all`);
        assert.equal(ready.status, 503);
        assert.equal(((await ready.json()) as { checks: Record<string, string> }).checks.transactions, "circuit open");
        break;
      } catch (error) {
        const elapsed = performance.now() - openedBefore;
        if (elapsed < BREAKER_COOLDOWN_MS || attempt >= 4) throw error;
        console.log(`the checks took ${elapsed.toFixed(0)} ms, more than the ${BREAKER_COOLDOWN_MS} ms cool-down: the circuit is opened again`);
      }
    }

    // After the cool-down one trial call goes through; it succeeds and the circuit closes.
    await eventually(
      "full results once the circuit closes",
      () => post(router.url, PARTIAL, { id: accountId }, alice),
      (reply) => reply.body.errors === undefined,
    );
    assert.equal(await metricValue(router.port, CIRCUIT), 0);
    assert.ok((await subgraphRequests(transactions.port)) > calls);
  });

  test("graceful shutdown: SIGTERM stops accepting, and a request in flight finishes before the router exits", async () => {
    const second = await startExtraRouter(stack, routerEnv({ SHUTDOWN_GRACE_MS: "8000" }));
    proxy.set("hold");
    try {
      const inFlight = post(second.url, PARTIAL, { id: accountId }, alice);
      await eventually("the request reaches the subgraph fetch", async () => proxy.heldConnections, (count) => count > 0, { timeoutMs: 30_000 });
      const exited = second.stop();
      await eventually(
        "new connections are refused",
        () => fetch(`http://127.0.0.1:${second.port}/health`).then(() => "accepted", () => "refused"),
        (state) => state === "refused",
        { timeoutMs: 10_000 },
      );
      proxy.release();
      const reply = await inFlight;
      assert.equal(reply.status, 200);
      assert.equal(reply.body.errors, undefined, JSON.stringify(reply.body.errors));
      assert.ok(reply.body.data.account.balance.amount, "the in-flight request got its full answer");
      assert.equal(await exited, 0, second.output());
    } finally {
      proxy.release();
      await second.stop();
    }
  });

  test("graceful shutdown has a deadline: a request still running after SHUTDOWN_GRACE_MS is cut and the router exits", async () => {
    // The suite's router (SHUTDOWN_GRACE_MS=300), last: no test needs it after this one.
    proxy.set("hold");
    try {
      const inFlight = post(router.url, PARTIAL, { id: accountId }, alice).then(
        () => "answered",
        () => "cut",
      );
      await eventually("the request reaches the subgraph fetch", async () => proxy.heldConnections, (count) => count > 0, { timeoutMs: 30_000 });
      assert.equal(await router.stop(), 0, router.output());
      assert.equal(await inFlight, "cut");
    } finally {
      proxy.release();
      await router.stop();
    }
  });
});
