// GraphQL-over-HTTP behaviour of the real platform for malformed, hostile and unauthenticated requests:
// the status a client or proxy sees, a JSON body with a stable error code, nothing internal leaked, nothing
// executed that should not be, and a platform that is still healthy afterwards.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { after, before, describe, test } from "node:test";
import { IDENTITY_HEADER, IdentitySigner } from "#kernel/identity.js";
import pg from "pg";
import { newCustomer, type OwnCustomer } from "./support/customers.js";
import { useSharedPlatform } from "./support/platform.js";
import { DEMO_PASSWORD, LOGIN, metricValue, metricsUrl } from "./support/stack.js";
import { until } from "./support/wait.js";

const SERVICES = ["router", "users", "accounts", "transactions", "notifications", "audit", "reporting"] as const;
const SUBGRAPHS = SERVICES.filter((name) => name !== "router");

/** What must never reach a client: stack frames, SQL, paths on the server's disk. */
const LEAKS: [string, RegExp][] = [
  ["a stack trace", /\bat .*\.(ts|js):\d+/],
  ["a stack trace", /\n\s+at \S/],
  ["SQL", /\b(select\s.+\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from)\b/i],
  ["database internals", /prisma|postgres|relation "|violates .* constraint/i],
  ["a file path", /(?:^|[\s"'(=])\/(?:[\w.@-]+\/)+[\w.@-]+|node_modules|file:\/\/|[A-Z]:\\/],
];

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: { data?: unknown; errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined;
}

async function send(url: string, init: RequestInit = {}): Promise<RawResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: RawResponse["json"];
  try {
    json = JSON.parse(text) as RawResponse["json"];
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/**
 * A POST on a connection of its own, closed afterwards: an oversized request must not leave a half-read
 * connection in fetch's shared pool for the next test to stumble on.
 */
function postOnFreshConnection(url: string, body: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: "POST",
      agent: false,
      headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), connection: "close" },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") headers.set(name, value);
        let json: RawResponse["json"];
        try {
          json = JSON.parse(text) as RawResponse["json"];
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers, text, json });
        req.destroy();
      });
    });
    req.end(body);
  });
}

/**
 * Sends an oversized request and then a small one on the same keep-alive connection (as any pooling
 * client would), and collects what comes back until the server closes the connection.
 */
function pipelineAfterOversizedRequest(port: number): Promise<{ statusLines: string[]; raw: string; reset: boolean }> {
  const big = JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(1_100_000) } });
  const small = JSON.stringify({ query: "{ __typename }" });
  const head = (length: number) => `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let raw = "";
    let reset = false;
    socket.on("data", (chunk: Buffer) => (raw += chunk.toString("latin1")));
    socket.on("end", () => socket.end());
    socket.on("error", () => (reset = true));
    socket.on("close", () => resolve({ statusLines: raw.match(/HTTP\/1\.1 \d{3}/g) ?? [], raw, reset }));
    socket.write(head(Buffer.byteLength(big)) + big);
    socket.write(head(Buffer.byteLength(small)) + small);
  });
}

// A client of the current GraphQL-over-HTTP media type, which gets 4xx for requests that fail before
// execution (clients of application/json only get 200: test/graphql-over-http.test.ts).
const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  send(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers }, body: JSON.stringify(body) });

/** A request-level error: the status, a JSON body whose first error has a message and the code, no leaks. */
function assertErrorResponse(response: RawResponse, status: number, code: string) {
  const context = `HTTP ${response.status}: ${response.text.slice(0, 500)}`;
  assert.equal(response.status, status, context);
  assert.match(response.headers.get("content-type") ?? "", /^application\/(graphql-response\+)?json\b/, context);
  assert.ok(response.json, `body is not JSON: ${context}`);
  const error = response.json.errors?.[0];
  assert.ok(error, `body has no errors: ${context}`);
  assert.equal(typeof error.message, "string", context);
  assert.ok((error.message as string).length > 0, context);
  assert.equal(error.extensions?.code, code, context);
  assertNoLeaks(response.text);
}

function assertNoLeaks(text: string) {
  for (const [what, pattern] of LEAKS) {
    assert.doesNotMatch(text, pattern, `the response leaks ${what}: ${text.slice(0, 500)}`);
  }
}

/** The login mutation of `customer`: what a refused request must not have executed (no session opened). */
const loginAs = (customer: OwnCustomer) =>
  `mutation { login(email: "${customer.email}", password: "${customer.password}") { accessToken } }`;

// The run's shared platform: the requests that must not execute are logins of a customer of the suite's own
// (executed, one would open a session of theirs); its identity secret signs the control request.
const platform = useSharedPlatform();

describe("GraphQL over HTTP: errors, limits and authentication", () => {
  let router: string;
  let customer: OwnCustomer;
  let sql: pg.Client;
  before(async () => {
    router = platform.routerUrl;
    customer = await newCustomer(platform, "Hana Http");
    sql = new pg.Client({ connectionString: platform.databaseUrl });
    await sql.connect();
  });
  after(async () => {
    await sql?.end();
  });
  /** Sessions `customer` has opened (one per executed login). */
  const sessions = async () => Number((await sql.query("SELECT count(*) FROM users.sessions WHERE user_id = $1", [customer.id])).rows[0].count);

  describe("malformed requests are refused with 400 before anything runs", () => {
    test("(a) a POST body that is not JSON", async () => {
      const response = await send(router, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query": "{ __typename }"' });
      assertErrorResponse(response, 400, "BAD_REQUEST");
    });

    test("(b) a JSON body without a query", async () => {
      assertErrorResponse(await postJson(router, { variables: {} }), 400, "BAD_REQUEST");
      assertErrorResponse(await postJson(router, { query: "" }), 400, "BAD_REQUEST");
    });

    test("(c) an unknown field fails validation", async () => {
      const response = await postJson(router, { query: "{ nope }" });
      assertErrorResponse(response, 400, "GRAPHQL_VALIDATION_FAILED");
      assert.equal(response.json?.data, undefined, "a document that fails validation is not executed");
    });

    test("(d) a variable of the wrong type is a BAD_USER_INPUT", async () => {
      const response = await postJson(router, { query: LOGIN, variables: { email: 42, password: DEMO_PASSWORD } });
      assertErrorResponse(response, 400, "BAD_USER_INPUT");
      assert.match(String(response.json?.errors?.[0]?.message), /\$email/);
    });

    test("(e) a syntax error fails parsing", async () => {
      assertErrorResponse(await postJson(router, { query: "{ me { id " }), 400, "GRAPHQL_PARSE_FAILED");
    });

    test("(h) a body larger than 1 MB is refused with 413", async () => {
      const body = JSON.stringify({ query: "{ __typename }", variables: { padding: "x".repeat(1_100_000) } });
      assertErrorResponse(await postOnFreshConnection(router, body), 413, "PAYLOAD_TOO_LARGE");
    });

    // A refused body is left unread; kept alive, the connection would hang a pooling client (fetch,
    // browsers) until the keep-alive timeout, and the rest of the body would be parsed as a request. The
    // router answers 413 and then closes the connection (not a reset that could destroy the answer).
    test("after a 413 the connection is closed, never left hanging or reset", async () => {
      const { statusLines, raw, reset } = await pipelineAfterOversizedRequest(platform.ports.router);
      assert.equal(statusLines[0], "HTTP/1.1 413", raw.slice(0, 300));
      assert.match(raw, /^connection: close\r$/im, raw.slice(0, 300));
      assert.match(raw, /"code":"PAYLOAD_TOO_LARGE"/);
      assert.equal(reset, false, "the connection was reset");
      assert.equal(statusLines.length, 1, `nothing is answered after the refused body on that connection:\n${raw.slice(0, 500)}`);
    });
  });

  describe("operations that must not execute", () => {
    test("(f) a mutation over GET is refused with 405 and is not executed", async () => {
      const before = await sessions();
      const url = `${router}?query=${encodeURIComponent(loginAs(customer))}`;
      // The preflight header gets past CSRF prevention, so the refusal is about the method itself.
      const response = await send(url, { headers: { "apollo-require-preflight": "true" } });
      assertErrorResponse(response, 405, "BAD_REQUEST");
      assert.match(response.headers.get("allow") ?? "", /\bPOST\b/);
      assert.equal(response.json?.data, undefined);
      assert.doesNotMatch(response.text, /accessToken/);
      assert.equal(await sessions(), before, "the login must not have been executed");
    });

    test("(g) a text/plain POST (a form a foreign site could submit) is blocked as CSRF and not executed", async () => {
      const before = await sessions();
      const response = await send(router, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: JSON.stringify({ query: loginAs(customer) }),
      });
      assertErrorResponse(response, 400, "BAD_REQUEST");
      assert.match(String(response.json?.errors?.[0]?.message), /Cross-Site Request Forgery/);
      assert.equal(response.json?.data, undefined);
      assert.doesNotMatch(response.text, /accessToken/);
      assert.equal(await sessions(), before, "the login must not have been executed");
    });

    test("a simple GET without a preflight header is blocked as CSRF too", async () => {
      const response = await send(`${router}?query=${encodeURIComponent("{ __typename }")}`);
      assertErrorResponse(response, 400, "BAD_REQUEST");
    });

    test("(k) a GET query with the apollo-require-preflight header works", async () => {
      const response = await send(`${router}?query=${encodeURIComponent("{__typename}")}`, { headers: { "apollo-require-preflight": "true" } });
      assert.equal(response.status, 200, response.text);
      assert.match(response.headers.get("content-type") ?? "", /json/);
      assert.deepEqual(response.json, { data: { __typename: "Query" } });
    });
  });

  describe("access tokens", () => {
    test("(i) a garbage bearer token is 401 UNAUTHENTICATED with a WWW-Authenticate challenge", async () => {
      const response = await postJson(router, { query: "{ __typename }" }, { authorization: "Bearer garbage" });
      assertErrorResponse(response, 401, "UNAUTHENTICATED");
      assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer\b/);
      assert.equal(response.json?.data, undefined);
    });

    test("(j) a genuine token with a tampered payload is 401", async () => {
      const token = customer.token;
      const [header, payload, signature] = token.split(".") as [string, string, string];

      // One character flipped in the payload.
      const index = Math.floor(payload.length / 2);
      const flipped = `${payload.slice(0, index)}${payload[index] === "A" ? "B" : "A"}${payload.slice(index + 1)}`;
      // And the attack that matters: the claims rewritten to a staff role, the original signature kept.
      const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
      const escalated = Buffer.from(JSON.stringify({ ...claims, role: "ADMIN" })).toString("base64url");

      for (const tampered of [flipped, escalated]) {
        const response = await postJson(router, { query: "{ me { id email role } }" }, { authorization: `Bearer ${header}.${tampered}.${signature}` });
        assertErrorResponse(response, 401, "UNAUTHENTICATED");
        assert.ok(response.headers.get("www-authenticate"));
        assert.ok(!response.text.includes(customer.email), "nothing of the customer's");
      }

      // The untampered token still works: the 401s above are about the tampering.
      const genuine = await postJson(router, { query: "{ me { email role } }" }, { authorization: `Bearer ${token}` });
      assert.equal(genuine.status, 200, genuine.text);
      assert.deepEqual(genuine.json?.data, { me: { email: customer.email, role: "CUSTOMER" } });
    });
  });

  describe("subgraphs trust only the router", () => {
    const subgraphUrl = () => `http://127.0.0.1:${platform.ports.users}/graphql`;
    const alice = { userId: "00000000-0000-4000-8000-000000000001", role: "ADMIN" as const, sessionId: null };

    test("a direct call without the router identity is 401", async () => {
      const response = await postJson(subgraphUrl(), { query: "{ __typename }" });
      assertErrorResponse(response, 401, "UNAUTHENTICATED");
    });

    test("a direct call with an identity forged with another secret is 401", async () => {
      const body = JSON.stringify({ query: "{ __typename }" });
      const forged = new IdentitySigner(randomBytes(32).toString("hex")).sign({ method: "POST", path: "/graphql", body }, { caller: alice, requestId: "forged-request", audience: "users" });
      const response = await send(subgraphUrl(), { method: "POST", headers: { "content-type": "application/json", [IDENTITY_HEADER]: forged }, body });
      assertErrorResponse(response, 401, "UNAUTHENTICATED");
    });

    test("the same call with a genuine router identity is served (control)", async () => {
      const body = JSON.stringify({ query: "{ __typename }" });
      const genuine = new IdentitySigner(platform.identitySecret).sign({ method: "POST", path: "/graphql", body }, { caller: null, requestId: "control-request", audience: "users" });
      const response = await send(subgraphUrl(), { method: "POST", headers: { "content-type": "application/json", [IDENTITY_HEADER]: genuine }, body });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(response.json, { data: { __typename: "Query" } });
    });
  });

  describe("operations endpoints", () => {
    test("/health of every service answers 200", async () => {
      for (const service of SERVICES) {
        const response = await send(`http://127.0.0.1:${platform.ports[service]}/health`);
        assert.equal(response.status, 200, `${service}: ${response.text}`);
        assert.equal((response.json as { status?: string } | undefined)?.status, "ok", service);
      }
    });

    test("/ready of the router answers 200 with every subgraph ok", async () => {
      const response = await send(`http://127.0.0.1:${platform.ports.router}/ready`);
      assert.equal(response.status, 200, response.text);
      const checks = (response.json as { checks?: Record<string, string> } | undefined)?.checks ?? {};
      for (const subgraph of SUBGRAPHS) assert.equal(checks[subgraph], "ok", `${subgraph}: ${response.text}`);
    });

    test("router /metrics (admin port only) exposes request counts, refused requests counted as 4xx", async () => {
      assert.equal((await send(`http://127.0.0.1:${platform.ports.router}/metrics`)).status, 404, "never on the public port");
      const response = await send(metricsUrl(platform.ports.router));
      assert.equal(response.status, 200);
      assert.match(response.text, /^# TYPE fedbank_router_requests_total counter$/m);
      // Other suites' requests count too on the shared platform: this one's refusal must move the counter.
      const clientErrors = () => metricValue(platform.ports.router, 'fedbank_router_requests_total{status="4xx"}');
      const before = await clientErrors();
      assertErrorResponse(await postJson(router, { query: "{ nope }" }), 400, "GRAPHQL_VALIDATION_FAILED");
      await until("the refused request counted as 4xx", async () => (await clientErrors()) > before);
    });
  });

  test("the platform is still healthy after all of that: a normal login works", async () => {
    const response = await postJson(router, { query: LOGIN, variables: { email: customer.email, password: customer.password } });
    assert.equal(response.status, 200, response.text);
    const payload = (response.json?.data as { login?: { accessToken?: string; user?: { email?: string } } } | undefined)?.login;
    assert.equal(payload?.user?.email, customer.email);
    assert.ok(payload?.accessToken);
  });
});
