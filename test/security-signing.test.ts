// Subgraphs trust only the router: every subgraph request carries the router's HMAC over method, path,
// body hash and claims, inside a replay window, with a single-use nonce. A request captured between the
// router and a subgraph (by a recording proxy placed there) cannot be replayed, retargeted or edited.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import { DEFAULT_IDENTITY_MAX_AGE_MS, IDENTITY_HEADER, IdentitySigner } from "#kernel/identity.js";
import { useSharedPlatform } from "./support/platform.js";
import { demoUsers, freePort, graphql, metricValue, mintAccessToken, startExtraRouter, type ExtraRouter } from "./support/stack.js";

const SUBGRAPHS = ["users", "accounts", "transactions", "notifications", "audit", "reporting"] as const;
/** The shared platform's subgraphs apply the default replay window (it sets no ROUTER_IDENTITY_MAX_AGE_MS). */
const MAX_AGE_MS = DEFAULT_IDENTITY_MAX_AGE_MS;

interface Captured {
  headers: IncomingMessage["headers"];
  body: Buffer;
}

/** A transparent proxy in front of the audit subgraph that records what the router sends. */
function recordingProxy(targetPort: number, captured: Captured[]): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      captured.push({ headers: req.headers, body });
      const upstream = httpRequest(
        { host: "127.0.0.1", port: targetPort, path: req.url, method: req.method, headers: req.headers },
        (response) => {
          res.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(res);
        },
      );
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
}

async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
}

function assertUnauthenticated(response: Awaited<ReturnType<typeof post>>) {
  assert.equal(response.status, 401, response.text);
  assert.equal(response.json.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", response.text);
  assert.equal(response.json.data, undefined, response.text);
}

describe("subgraphs trust only the router's per-request signature", () => {
  const captured: Captured[] = [];
  let secret: string;
  let proxy: Server | undefined;
  let router: ExtraRouter | undefined;
  let auditor: string;
  let alice: string;
  let bob: string;
  const subgraphUrl = (name: (typeof SUBGRAPHS)[number]) => `http://127.0.0.1:${platform.ports[name]}/graphql`;

  // The run's shared platform's subgraphs (its secret signs), and a router of its own in front of them that
  // reaches the audit subgraph through a recording proxy (only this router's requests are captured).
  const platform = useSharedPlatform();

  before(async () => {
    await platform.ready;
    secret = platform.identitySecret;
    const proxyPort = await freePort();
    proxy = recordingProxy(platform.ports.audit, captured);
    await new Promise<void>((resolve) => proxy!.listen(proxyPort, "127.0.0.1", resolve));
    router = await startExtraRouter(platform, {
      ROUTER_IDENTITY_SECRET: secret,
      REDIS_KEY_PREFIX: platform.redisKeyPrefix,
      SUBGRAPH_AUDIT_URL: `http://127.0.0.1:${proxyPort}/graphql`,
    });
    const users = await demoUsers(platform.databaseUrl);
    auditor = await mintAccessToken(platform.tokenKey, users["auditor@demo.bank"]!);
    alice = await mintAccessToken(platform.tokenKey, users["alice@demo.bank"]!);
    bob = await mintAccessToken(platform.tokenKey, users["bob@demo.bank"]!);
  });

  after(async () => {
    await router?.stop();
    proxy?.close();
  });

  test("a direct call without a signature is 401 on every subgraph; /health and /ready stay open", async () => {
    for (const name of SUBGRAPHS) {
      assertUnauthenticated(await post(subgraphUrl(name), JSON.stringify({ query: "{ __typename }" })));
      const port = platform.ports[name];
      assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200, name);
      assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200, name);
    }
    const jwks = await fetch(`http://127.0.0.1:${platform.ports.users}/.well-known/jwks.json`);
    assert.equal(jwks.status, 200, "the users JWKS stays public");
  });

  test("a direct call signed with the right secret is served (control), with another secret it is 401", async () => {
    const body = JSON.stringify({ query: "{ __typename }" });
    const genuine = new IdentitySigner(secret).sign({ method: "POST", path: "/graphql", body }, { caller: null, requestId: "control", audience: "accounts" });
    const served = await post(subgraphUrl("accounts"), body, { [IDENTITY_HEADER]: genuine });
    assert.equal(served.status, 200, served.text);
    assert.deepEqual(served.json, { data: { __typename: "Query" } });

    const forged = new IdentitySigner(randomBytes(32).toString("hex")).sign({ method: "POST", path: "/graphql", body }, { caller: null, requestId: "forged", audience: "accounts" });
    assertUnauthenticated(await post(subgraphUrl("accounts"), body, { [IDENTITY_HEADER]: forged }));
  });

  test("the router signs what it sends: an auditor's query through the router reaches audit signed, with the client's IP and user agent", async () => {
    const before = captured.length;
    const response = await fetch(router!.url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${auditor}`, "user-agent": "signing-test/1.0", "x-forwarded-for": "198.51.100.9" },
      body: JSON.stringify({ query: "{ auditEvents(first: 2) { edges { node { id action } } } }" }),
    });
    const body = (await response.json()) as { data?: { auditEvents: { edges: unknown[] } }; errors?: unknown };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.equal(body.data?.auditEvents.edges.length, 2);
    const sent = captured.slice(before);
    assert.equal(sent.length, 1, "one fetch to the audit subgraph");
    const header = String(sent[0]!.headers[IDENTITY_HEADER]);
    const claims = JSON.parse(Buffer.from(header.split(".")[1]!, "base64url").toString("utf8")) as { ua: string; ip: string; c: { r: string } };
    assert.equal(claims.ua, "signing-test/1.0");
    assert.equal(claims.c.r, "AUDITOR");
    // No TRUSTED_PROXIES configured: X-Forwarded-For is ignored, the socket address is the client.
    assert.match(claims.ip, /^(127\.0\.0\.1|::1)$/);
  });

  test("a captured router request replayed at once is refused: its nonce was used", async () => {
    const before = captured.length;
    await graphql(router!.url, "{ auditEvents(first: 1) { edges { node { id } } } }", {}, auditor);
    const original = captured[before]!;
    const replay = await post(subgraphUrl("audit"), original.body, { [IDENTITY_HEADER]: String(original.headers[IDENTITY_HEADER]) });
    assertUnauthenticated(replay);
  });

  test("a captured router request with its body edited is refused", async () => {
    const before = captured.length;
    await graphql(router!.url, "{ auditEvents(first: 1) { edges { node { id } } } }", {}, auditor);
    const original = captured[before]!;
    const edited = original.body.toString("utf8").replace("first", "first ").replace(/"first":\s*1/, '"first":200');
    assert.notEqual(edited, original.body.toString("utf8"));
    assertUnauthenticated(await post(subgraphUrl("audit"), edited, { [IDENTITY_HEADER]: String(original.headers[IDENTITY_HEADER]) }));
    // Nor may it be sent to another subgraph or path.
    assertUnauthenticated(await post(subgraphUrl("users"), original.body, { [IDENTITY_HEADER]: String(original.headers[IDENTITY_HEADER]) }));
  });

  test("a signed request replayed after the replay window is refused, though never used before", async () => {
    const body = JSON.stringify({ query: "{ __typename }" });
    // Signed as the router would have signed it MAX_AGE_MS + 300 ms ago (the subgraph sees the same request
    // as one held back that long), and, as a control, one signed half a window ago, which is served.
    const signedAgo = (ms: number, requestId: string) =>
      new IdentitySigner(secret, { now: () => Date.now() - ms }).sign({ method: "POST", path: "/graphql", body }, { caller: null, requestId, audience: "accounts" });
    const recent = await post(subgraphUrl("accounts"), body, { [IDENTITY_HEADER]: signedAgo(MAX_AGE_MS / 2, "recent") });
    assert.equal(recent.status, 200, recent.text);
    assertUnauthenticated(await post(subgraphUrl("accounts"), body, { [IDENTITY_HEADER]: signedAgo(MAX_AGE_MS + 300, "late") }));
  });

  test("a signed request dated in the future is refused", async () => {
    const body = JSON.stringify({ query: "{ __typename }" });
    const future = new IdentitySigner(secret, { now: () => Date.now() + 60_000 });
    const header = future.sign({ method: "POST", path: "/graphql", body }, { caller: null, requestId: "future", audience: "accounts" });
    assertUnauthenticated(await post(subgraphUrl("accounts"), body, { [IDENTITY_HEADER]: header }));
  });

  test("subgraph-to-subgraph calls are signed the same way: alice's statement (reporting → transactions) works", async () => {
    const accepted = await metricValue(platform.ports.transactions, 'fedbank_subgraph_requests_total{outcome="accepted"}');
    const { body } = await graphql<{ me: { accounts: { id: string; balance: { amount: string } }[] } }>(router!.url, "{ me { accounts { id balance { amount } } } }", {}, alice);
    const account = body.data!.me.accounts[0]!;
    // The statement is built from the ledger's slice, which reporting asks the transactions subgraph for, as
    // the caller: its closing balance is the ledger's, and another customer is refused by the ledger.
    const STATEMENT = `query($id: ID!, $from: DateTime!, $to: DateTime!) { accountStatement(accountId: $id, from: $from, to: $to) { closingBalance { amount } } }`;
    const variables = { id: account.id, from: new Date(Date.now() - 300 * 86_400_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() };
    const statement = await graphql(router!.url, STATEMENT, variables, alice);
    assert.equal(statement.body.errors, undefined, JSON.stringify(statement.body.errors));
    assert.equal(statement.body.data?.accountStatement.closingBalance.amount, account.balance.amount, JSON.stringify(statement.body));
    assert.ok((await metricValue(platform.ports.transactions, 'fedbank_subgraph_requests_total{outcome="accepted"}')) > accepted);
    const refused = await graphql(router!.url, STATEMENT, variables, bob);
    assert.equal(refused.body.errors?.[0]?.extensions?.code, "FORBIDDEN", JSON.stringify(refused.body));
  });
});
