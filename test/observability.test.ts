// Observability on the real platform: traces exported over OTLP/HTTP (JSON) to a collector run by this test
// (a plain node:http server), one trace per operation from the client's `traceparent` through the router,
// the subgraphs and their SQL; log lines that carry the request and trace ids; per-operation metrics with
// bounded labels; and, on a second stack with tracing off and PLAYGROUND=staff, that nothing is exported
// and that the playground's schema is introspectable with staff tokens only.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { createLogger, withRequestId } from "#kernel/logger.js";
import { startSqlSpan, tracingEnabled, tracingWanted, withServerSpan } from "#kernel/tracing.js";
import { introspectionPolicy, playgroundMode, selectsIntrospection } from "../router/src/playground/index.js";
import { parse } from "graphql";
import { usePlatform } from "./support/platform.js";
import { graphql, login, metricValue, metricsUrl, type Stack } from "./support/stack.js";

interface ExportedSpan {
  service: string;
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
}

interface Collector {
  url: string;
  spans: ExportedSpan[];
  /** Every request body received, raw (to search for data that must never be exported). */
  bodies: string[];
  close(): Promise<void>;
}

type OtlpValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number };

function attributeMap(list: { key: string; value: OtlpValue }[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue]));
}

/** A local OTLP/HTTP trace collector: accepts JSON export requests at /v1/traces and keeps the spans. */
async function startCollector(): Promise<Collector> {
  const spans: ExportedSpan[] = [];
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces" || !String(req.headers["content-type"]).includes("json")) {
        res.writeHead(415).end();
        return;
      }
      bodies.push(body);
      const payload = JSON.parse(body) as {
        resourceSpans: { resource: { attributes: { key: string; value: OtlpValue }[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[];
      };
      for (const resourceSpans of payload.resourceSpans) {
        const service = String(attributeMap(resourceSpans.resource.attributes)["service.name"]);
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) {
            spans.push({
              service,
              name: String(span.name),
              kind: Number(span.kind),
              traceId: String(span.traceId),
              spanId: String(span.spanId),
              parentSpanId: String(span.parentSpanId ?? ""),
              attributes: attributeMap(span.attributes as { key: string; value: OtlpValue }[]),
            });
          }
        }
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Waits until `predicate` holds on the collected spans (export is batched), or fails with what arrived. */
async function spansUntil(collector: Collector, what: string, predicate: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail(`${what}: not exported; got ${JSON.stringify(collector.spans.map((s) => [s.service, s.name, s.traceId]))}`);
}

const SERVER = 2;
const CLIENT = 3;

const MY_ACCOUNTS = /* GraphQL */ `
  query MyAccounts { me { id accounts { id number balance { amount currency } } } }`;

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: response.status, headers: response.headers, body: (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

/** A histogram's `_count` sample (metricValue checks the family by the sample's own name). */
async function histogramCount(port: number, sample: string): Promise<number> {
  const text = await (await fetch(metricsUrl(port))).text();
  assert.match(text, new RegExp(`^# TYPE ${sample.split("{")[0]!.replace(/_count$/, "")} histogram`, "m"));
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${sample} `));
  return line ? Number(line.slice(sample.length + 1)) : 0;
}

function newTraceparent() {
  const traceId = randomBytes(16).toString("hex");
  const parentId = randomBytes(8).toString("hex");
  return { traceId, parentId, header: `00-${traceId}-${parentId}-01` };
}

describe("tracing, logs and metrics on a traced platform", () => {
  let stack: Stack;
  let collector: Collector;
  let token: string;
  const platform = usePlatform(async () => {
    collector = await startCollector();
    return { LOG_LEVEL: "info", OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, TRACING_EXPORT_DELAY_MS: "100" };
  });

  before(async () => {
    stack = platform.stack;
    token = await login(stack.routerUrl, "alice@demo.bank");
  });

  after(async () => {
    await collector?.close();
  });

  test("one trace from the client's traceparent through the router, three subgraphs and their SQL", async () => {
    const client = newTraceparent();
    const response = await post(stack.routerUrl, { query: MY_ACCOUNTS, operationName: "MyAccounts" }, { authorization: `Bearer ${token}`, traceparent: client.header });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.errors, undefined);
    assert.ok(response.body.data.me.accounts.length > 0);

    const inTrace = () => collector.spans.filter((span) => span.traceId === client.traceId);
    const subgraphServers = () => inTrace().filter((span) => span.kind === SERVER && span.service !== "router");
    // The router's span ends after the response is written, so it may be exported after the subgraphs' spans.
    await spansUntil(collector, "router, three subgraph and SQL spans", () => {
      const services = new Set(subgraphServers().map((span) => span.service));
      const routerSpan = inTrace().some((span) => span.service === "router" && span.kind === SERVER);
      return routerSpan && services.has("users") && services.has("accounts") && services.has("transactions") && inTrace().some((s) => s.attributes["db.system.name"]);
    });
    const spans = inTrace();
    const byId = new Map(spans.map((span) => [span.spanId, span]));

    // The router's server span continues the client's span: same trace, the client's span as parent.
    const routerSpans = spans.filter((span) => span.service === "router" && span.kind === SERVER);
    assert.equal(routerSpans.length, 1, "one router span per operation");
    const routerSpan = routerSpans[0]!;
    assert.equal(routerSpan.parentSpanId, client.parentId);
    assert.equal(routerSpan.name, "query MyAccounts");
    assert.equal(routerSpan.attributes["graphql.operation.name"], "MyAccounts");
    assert.equal(routerSpan.attributes["fedbank.outcome"], "success");

    // Each subgraph's server span is the child of a router CLIENT span (the fetch), itself under the router span.
    for (const server of subgraphServers()) {
      const fetch = byId.get(server.parentSpanId);
      assert.ok(fetch, `${server.service}: its parent span was exported`);
      assert.equal(fetch.service, "router");
      assert.equal(fetch.kind, CLIENT);
      assert.equal(fetch.attributes["fedbank.subgraph"], server.service);
      assert.equal(fetch.parentSpanId, routerSpan.spanId);
    }

    // SQL spans hang under a subgraph's server span (directly or through another span of that service).
    const sql = spans.filter((span) => span.attributes["db.system.name"] === "postgresql");
    assert.ok(sql.length >= 2, `SQL spans: ${sql.length}`);
    for (const statement of sql) {
      let ancestor = byId.get(statement.parentSpanId);
      while (ancestor && ancestor.kind !== SERVER) ancestor = byId.get(ancestor.parentSpanId);
      assert.ok(ancestor && ancestor.service !== "router", `${statement.name} is under a subgraph's server span`);
      assert.equal(statement.service, ancestor.service);
      assert.match(String(statement.attributes["db.query.text"]), /^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|BEGIN|COMMIT)/i);
    }
  });

  test("no SQL parameter, password or token ever reaches the exporter", async () => {
    // The login's statements select by e-mail (a bound parameter): the address must not be exported.
    const client = newTraceparent();
    await post(stack.routerUrl, { query: "mutation L($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }", variables: { e: "bob@demo.bank", p: "demo-password-123" } }, { traceparent: client.header });
    await spansUntil(collector, "the login's SQL spans", () => collector.spans.some((span) => span.traceId === client.traceId && span.attributes["db.system.name"]));
    const exported = collector.bodies.join("\n");
    assert.doesNotMatch(exported, /bob@demo\.bank|alice@demo\.bank|demo-password-123/);
    assert.ok(!exported.includes(token), "no access token in spans");
  });

  test("a log line written during a request carries its request id and trace id; secrets are redacted", async () => {
    const client = newTraceparent();
    // A refused token is logged by the router at info, inside the request.
    const response = await post(stack.routerUrl, { query: "{ __typename }" }, { authorization: "Bearer not-a-token", traceparent: client.header });
    assert.equal(response.status, 401);
    const requestId = response.headers.get("x-request-id");
    assert.ok(requestId);
    // The platform's stdout reaches the test through a pipe: wait (bounded) for the line to arrive.
    const logged = () =>
      stack
        .output()
        .split("\n")
        .filter((candidate) => candidate.startsWith("{"))
        .map((candidate) => JSON.parse(candidate) as Record<string, unknown>)
        .find((entry) => entry.requestId === requestId);
    for (let waited = 0; !logged() && waited < 10_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    const line = logged();
    assert.ok(line, "the refusal was logged with the request id");
    assert.equal(line.traceId, client.traceId);
    assert.equal(line.msg, "access token refused");
    // (The start banner prints the demo password on purpose; log lines are the JSON ones.)
    const logLines = stack.output().split("\n").filter((candidate) => candidate.startsWith("{")).join("\n");
    assert.doesNotMatch(logLines, /not-a-token|demo-password-123/);
  });

  test("operations are counted and timed by operation name and outcome, with bounded labels", async () => {
    const port = stack.ports.router;
    const success = 'fedbank_router_operations_total{operation="MyAccounts",outcome="success"}';
    const before = await metricValue(port, success);
    assert.equal((await post(stack.routerUrl, { query: MY_ACCOUNTS }, { authorization: `Bearer ${token}` })).status, 200);
    assert.equal(await metricValue(port, success), before + 1);
    assert.ok((await histogramCount(port, 'fedbank_router_operation_duration_seconds_count{operation="MyAccounts",outcome="success"}')) >= 1);

    // Refused by the router before execution (here: too many aliases) under the name it claims, once known.
    const tooManyAliases = (name: string) => `query ${name} { ${Array.from({ length: 40 }, (_, i) => `a${i}: __typename`).join(" ")} }`;
    const rejected = 'fedbank_router_operations_total{operation="MyAccounts",outcome="rejected"}';
    const rejectedBefore = await metricValue(port, rejected);
    assert.equal((await post(stack.routerUrl, { query: tooManyAliases("MyAccounts"), operationName: "MyAccounts" }, { authorization: `Bearer ${token}` })).status, 400);
    assert.equal(await metricValue(port, rejected), rejectedBefore + 1);

    // A name never validated does not become a label, whatever the client claims.
    const unknown = 'fedbank_router_operations_total{operation="unknown",outcome="rejected"}';
    const unknownBefore = await metricValue(port, unknown);
    await post(stack.routerUrl, { query: tooManyAliases("Attacker123"), operationName: "Attacker123" }, { authorization: `Bearer ${token}` });
    assert.equal(await metricValue(port, unknown), unknownBefore + 1);
    const text = await (await fetch(metricsUrl(port))).text();
    assert.doesNotMatch(text, /operation="Attacker123"/);

    // Anonymous operations and GraphQL errors have their own labels.
    const anonymousError = 'fedbank_router_operations_total{operation="anonymous",outcome="error"}';
    const anonymousBefore = await metricValue(port, anonymousError);
    const unauthenticated = await post(stack.routerUrl, { query: "{ me { id } }" });
    assert.equal(unauthenticated.body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    assert.equal(await metricValue(port, anonymousError), anonymousBefore + 1);

    // Subgraph fetch latency by subgraph, and the query-plan cache (the same operation twice: a hit).
    assert.ok((await histogramCount(port, 'fedbank_router_subgraph_fetch_duration_seconds_count{subgraph="accounts",outcome="ok"}')) >= 1);
    const hits = await metricValue(port, 'fedbank_router_query_plan_cache_total{result="hit"}');
    await post(stack.routerUrl, { query: MY_ACCOUNTS }, { authorization: `Bearer ${token}` });
    assert.ok((await metricValue(port, 'fedbank_router_query_plan_cache_total{result="hit"}')) > hits);
  });

  test("ledger movements and the event backbone's lags are on the owning services' /metrics", async () => {
    const me = await post(stack.routerUrl, { query: MY_ACCOUNTS }, { authorization: `Bearer ${token}` });
    const accounts = me.body.data.me.accounts as { id: string; number: string }[];
    assert.ok(accounts.length >= 2, "alice has two accounts in the demo data");
    const TRANSFER = "mutation T($input: TransferInput!) { transfer(input: $input) { replayed } }";
    const transfer = (amount: string, idempotencyKey: string) =>
      post(stack.routerUrl, { query: TRANSFER, variables: { input: { fromAccountId: accounts[0]!.id, toAccountId: accounts[1]!.id, amount, idempotencyKey } } }, { authorization: `Bearer ${token}` });
    const port = stack.ports.transactions;
    const posted = 'fedbank_ledger_transfers_total{kind="transfer",outcome="posted"}';
    const replayed = 'fedbank_ledger_transfers_total{kind="transfer",outcome="replayed"}';
    const refused = 'fedbank_ledger_transfers_total{kind="transfer",outcome="refused"}';
    const [postedBefore, replayedBefore, refusedBefore] = [await metricValue(port, posted), await metricValue(port, replayed), await metricValue(port, refused)];
    const key = `obs-${randomBytes(6).toString("hex")}`;
    assert.equal((await transfer("0.01", key)).body.data.transfer.replayed, false);
    assert.equal((await transfer("0.01", key)).body.data.transfer.replayed, true);
    // Too many decimals for the currency: refused with a client error code, counted as refused.
    assert.match(String((await transfer("0.001", `obs-${randomBytes(6).toString("hex")}`)).body.errors?.[0]?.extensions?.code), /^(BAD_USER_INPUT|INVALID_AMOUNT)$/);
    assert.equal(await metricValue(port, posted), postedBefore + 1);
    assert.equal(await metricValue(port, replayed), replayedBefore + 1);
    assert.equal(await metricValue(port, refused), refusedBefore + 1);

    // The ledger's outbox relay reports its lag; the notifications consumers report theirs (events flow).
    await metricValue(port, 'fedbank_outbox_lag_seconds{domain="ledger"}');
    const notifications = stack.ports.notifications;
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const text = await (await fetch(`http://127.0.0.1:${notifications}/metrics`)).text();
      if (/^fedbank_consumer_lag_seconds\{stream="ledger",group="[^"]+"\} /m.test(text)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail("no consumer lag reported for the ledger stream by the notifications service");
  });
});

describe("tracing off, playground for staff only", () => {
  let stack: Stack;
  let collector: Collector;
  const platform = usePlatform(async () => {
    collector = await startCollector();
    // An endpoint is configured but tracing is switched off: nothing may be sent to it.
    return { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, TRACING_ENABLED: "false", TRACING_EXPORT_DELAY_MS: "100", PLAYGROUND: "staff" };
  });

  before(() => {
    stack = platform.stack;
  });

  after(async () => {
    await collector?.close();
  });

  test("the page is served to anyone; the schema is introspectable with a staff token only", async () => {
    const page = await fetch(stack.routerUrl, { headers: { accept: "text/html" } });
    assert.equal(page.status, 200);
    assert.match(await page.text(), /FedBank GraphQL playground/);

    const introspection = { query: "query IntrospectionQuery { __schema { queryType { name } } }" };
    const anonymous = await post(stack.routerUrl, introspection);
    assert.equal(anonymous.body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
    assert.equal(anonymous.body.data, null);

    const customer = await post(stack.routerUrl, introspection, { authorization: `Bearer ${await login(stack.routerUrl, "alice@demo.bank")}` });
    assert.equal(customer.body.errors?.[0]?.extensions?.code, "FORBIDDEN");

    // Hidden in a fragment: still introspection.
    const sneaky = await post(stack.routerUrl, { query: "query Q { ...F } fragment F on Query { __type(name: \"Account\") { name } }" });
    assert.equal(sneaky.body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");

    for (const email of ["analyst@demo.bank", "teller@demo.bank"]) {
      const staff = await post(stack.routerUrl, introspection, { authorization: `Bearer ${await login(stack.routerUrl, email)}` });
      assert.equal(staff.body.errors, undefined, email);
      assert.equal(staff.body.data.__schema.queryType.name, "Query");
    }
    // Ordinary operations are not playground business: __typename and real fields answer as usual.
    assert.deepEqual((await graphql(stack.routerUrl, "{ __typename }")).body.data, { __typename: "Query" });
  });

  test("with tracing off, nothing is exported, even after the platform has shut down and flushed", async () => {
    const { header } = newTraceparent();
    const token = await login(stack.routerUrl, "alice@demo.bank");
    assert.equal((await post(stack.routerUrl, { query: MY_ACCOUNTS }, { authorization: `Bearer ${token}`, traceparent: header })).status, 200);
    assert.equal(await stack.stop(), 0);
    assert.equal(collector.bodies.length, 0);
    // And no trace id in the logs without tracing.
    assert.doesNotMatch(stack.output(), /"traceId"/);
  });
});

describe("tracing and logging switches (in process)", () => {
  test("tracing is on only when enabled or an endpoint is set; off, the helpers do nothing", async () => {
    assert.equal(tracingWanted({}), false);
    assert.equal(tracingWanted({ endpoint: "http://collector:4318" }), true);
    assert.equal(tracingWanted({ endpoint: "http://collector:4318", enabled: false }), false);
    assert.equal(tracingWanted({ enabled: true }), true);
    // This test process never started tracing.
    assert.equal(tracingEnabled(), false);
    assert.equal(startSqlSpan("SELECT 1"), null);
    assert.equal(await withServerSpan({ service: "test", name: "x", headers: { traceparent: newTraceparent().header } }, async (span) => span), undefined);
  });

  test("log lines carry the request id inside a request, and redact secrets and personal data", () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
    const log = createLogger("test", "info", sink);
    withRequestId("req-1", () =>
      log.info(
        {
          headers: { authorization: "Bearer abc", cookie: "s=1" },
          variables: { input: { password: "p4ss", email: "carol@example.com", totp: "123456" } },
          user: { email: "carol@example.com", phone: "+1555", id: "u1" },
          refreshToken: "r-token",
        },
        "inside",
      ),
    );
    log.info("outside");
    const [inside, outside] = lines.map((line) => JSON.parse(line) as Record<string, any>);
    assert.equal(inside!.requestId, "req-1");
    assert.equal(outside!.requestId, undefined);
    assert.equal(inside!.user.id, "u1");
    const text = lines.join("");
    for (const secret of ["Bearer abc", "s=1", "p4ss", "carol@example.com", "123456", "+1555", "r-token"]) assert.ok(!text.includes(secret), secret);
  });

  test("playground modes and introspection policy per environment", () => {
    assert.equal(playgroundMode({ NODE_ENV: "production" }), "off");
    assert.equal(playgroundMode({ NODE_ENV: "development" }), "on");
    assert.equal(playgroundMode({ NODE_ENV: "production", PLAYGROUND: "staff" }), "staff");
    assert.equal(introspectionPolicy({ NODE_ENV: "production" }), "none");
    assert.equal(introspectionPolicy({ NODE_ENV: "development" }), "all");
    assert.equal(introspectionPolicy({ NODE_ENV: "production", PLAYGROUND: "staff" }), "staff");
    assert.equal(introspectionPolicy({ NODE_ENV: "production", PLAYGROUND: "staff", INTROSPECTION: true }), "all");
    assert.equal(introspectionPolicy({ NODE_ENV: "development", PLAYGROUND: "staff", INTROSPECTION: false }), "none");
    assert.equal(selectsIntrospection(parse("{ __typename me { id } }")), false);
    assert.equal(selectsIntrospection(parse("{ a: __type(name: \"X\") { name } }")), true);
  });
});
