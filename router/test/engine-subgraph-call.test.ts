// The engine's way out to subgraphs (router/src/gateway.ts engineSubgraphCall) over real HTTP: every fetch
// carries a router identity the subgraph verifies (fresh nonce per fetch, so several fetches to one subgraph
// in one operation are all accepted), the request id header, and a subgraph that is down answers with
// SUBGRAPH_UNAVAILABLE at the paths its fetch should have filled, the rest of the response intact.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, describe, test } from "node:test";
import { execute, parse } from "graphql";
import { IDENTITY_HEADER, IdentitySigner, REQUEST_ID_HEADER } from "#kernel/identity.js";
import { createLogger } from "#kernel/logger.js";
import { composeFederationSupergraph } from "../../bench/federation/compose.js";
import { FEDERATION_QUERY } from "../../bench/federation/query.js";
import { SUBGRAPH_NAMES, subgraphSchema, type SubgraphName } from "../../bench/federation/subgraphs.js";
import { createEngine } from "../src/engine/index.js";
import { engineSubgraphCall } from "../src/gateway.js";
import type { RouterContext } from "../src/context.js";
import { SubgraphPolicies } from "../src/resilience/subgraph-policy.js";

const secret = "engine-subgraph-call-test-secret-0123456789";

describe("engine subgraph calls", () => {
  const servers: Server[] = [];
  const urls = new Map<string, string>();
  const seen: { subgraph: string; requestId: string | undefined; caller: string | null }[] = [];
  let refused = 0;

  before(async () => {
    const verifier = new IdentitySigner(secret);
    for (const name of SUBGRAPH_NAMES) {
      const schema = subgraphSchema(name);
      const server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (chunk: Buffer) => chunks.push(chunk));
        req.on("end", async () => {
          const body = Buffer.concat(chunks).toString("utf8");
          try {
            const identity = verifier.verify(req.headers[IDENTITY_HEADER] as string | undefined, { method: req.method ?? "POST", path: req.url ?? "/", body }, name);
            seen.push({ subgraph: name, requestId: req.headers[REQUEST_ID_HEADER] as string | undefined, caller: identity.caller?.userId ?? null });
          } catch {
            refused++;
            res.writeHead(401).end();
            return;
          }
          const { query, variables, operationName } = JSON.parse(body) as { query: string; variables: Record<string, unknown>; operationName?: string };
          const result = await execute({ schema, document: parse(query), variableValues: variables, operationName });
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result));
        });
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as { port: number };
      urls.set(name, `http://127.0.0.1:${port}/graphql`);
      servers.push(server);
    }
  });

  after(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  function engineFor(subgraphUrls: Map<string, string>, batchEntityFetches = true) {
    const policies = new SubgraphPolicies(
      { retries: 1, retryBaseDelayMs: 5, breakerFailures: 50, breakerCooldownMs: 1_000 },
      { retry: () => undefined, failure: () => undefined, stateChange: () => undefined },
    );
    const call = engineSubgraphCall({
      urls: subgraphUrls,
      signer: new IdentitySigner(secret),
      timeoutMs: 5_000,
      resilience: { policies, logger: createLogger("test", "silent") },
    });
    return createEngine<RouterContext>({ supergraphSdl: composeFederationSupergraph(), call, batchEntityFetches });
  }

  const context = (): RouterContext => ({
    caller: { userId: "u-1", role: "CUSTOMER", sessionId: "s-1", scopes: [] },
    requestId: randomUUID(),
    client: { ip: "127.0.0.1", userAgent: null },
  });

  test("every fetch is signed and accepted, several to one subgraph in one operation", async () => {
    const engine = engineFor(urls, false);
    const request = context();
    const result = await engine.execute({ document: parse(FEDERATION_QUERY), operationName: "TestQuery", context: request });
    assert.equal(result.errors, undefined);
    assert.equal(refused, 0);
    const mine = seen.filter((entry) => entry.requestId === request.requestId);
    assert.ok(mine.filter((entry) => entry.subgraph === "reviews").length >= 2, "several fetches to reviews");
    assert.ok(mine.every((entry) => entry.caller === "u-1"));
    assert.equal((result.data as { users: unknown[] }).users.length, 6);
  });

  test("a subgraph that is down: SUBGRAPH_UNAVAILABLE where its data was to go, the rest answered", async () => {
    const down = new Map(urls);
    down.set("inventory" satisfies SubgraphName, "http://127.0.0.1:9/graphql");
    const engine = engineFor(down);
    const result = await engine.execute({ document: parse("{ topProducts { upc name inStock } }"), operationName: null, context: context() });
    const products = (result.data as { topProducts: { upc: string; name: string; inStock: boolean | null }[] }).topProducts;
    assert.equal(products.length, 5);
    assert.ok(products.every((product) => product.name && product.inStock === null));
    assert.equal(result.errors?.[0]?.extensions.code, "SUBGRAPH_UNAVAILABLE");
    assert.deepEqual(result.errors?.[0]?.path, ["topProducts", 0, "inStock"]);
    assert.ok(!JSON.stringify(result.errors).includes("127.0.0.1"), "no URL in the errors");
  });

  test("entity fetches of one subgraph ready together travel as one request", async () => {
    const engine = engineFor(urls);
    const request = context();
    const result = await engine.execute({ document: parse(FEDERATION_QUERY), operationName: "TestQuery", context: request });
    assert.equal(result.errors, undefined);
    const requests = seen.filter((entry) => entry.requestId === request.requestId).length;
    // The plan has 16 fetches; sent in waves (engine/batch.ts), 8 requests reach the subgraphs with the same
    // answer, on every run: the count depends on the plan and the data, never on timing.
    assert.equal(requests, 8, `${requests} subgraph requests`);
    for (let run = 0; run < 3; run += 1) {
      const again = context();
      await engine.execute({ document: parse(FEDERATION_QUERY), operationName: "TestQuery", context: again });
      assert.equal(seen.filter((entry) => entry.requestId === again.requestId).length, 8, "the same count on every run");
    }
    const unbatched = createEngine<RouterContext>({
      supergraphSdl: composeFederationSupergraph(),
      call: engineSubgraphCall({ urls, signer: new IdentitySigner(secret), timeoutMs: 5_000 }),
    });
    const plain = await unbatched.execute({ document: parse(FEDERATION_QUERY), operationName: "TestQuery", context: context() });
    assert.equal(JSON.stringify(result.data), JSON.stringify(plain.data));
  });

  test("a subgraph down under batching: every batched entity field gets its SUBGRAPH_UNAVAILABLE error", async () => {
    const down = new Map(urls);
    down.set("inventory", "http://127.0.0.1:9/graphql");
    const engine = engineFor(down);
    const result = await engine.execute({ document: parse("{ topProducts { upc inStock shippingEstimate } }"), operationName: null, context: context() });
    const paths = (result.errors ?? []).map((error) => error.path?.join("."));
    assert.ok(paths.includes("topProducts.0.inStock") && paths.includes("topProducts.4.shippingEstimate"), JSON.stringify(paths));
    assert.ok((result.errors ?? []).every((error) => error.extensions.code === "SUBGRAPH_UNAVAILABLE"));
  });
});
