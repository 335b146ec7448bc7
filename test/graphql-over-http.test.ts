// The router against graphql-http's GraphQL-over-HTTP audit (the spec's conformance list): no MUST
// failure, and the SHOULD on status codes for application/json clients holds (200 with the errors in the
// body when the document does not parse or validate, or its variables cannot be coerced), while CSRF
// prevention still refuses a simple GET and application/graphql-response+json clients still get 400.
// The router runs in this process on a free port; `{ __typename }` needs no subgraph.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { auditServer } from "graphql-http";
import { parseConfig } from "#kernel/config.js";
import type { RunningService } from "#kernel/subgraph-server.js";
import { routerConfigSchema } from "../router/src/config.js";
import { answersWithLegacyJson } from "../router/src/graphql-over-http.js";
import { startRouter } from "../router/src/server.js";
import { ROOT, freePort } from "./support/stack.js";

let router: RunningService;
let url: string;

before(async () => {
  const port = await freePort();
  router = await startRouter(
    parseConfig(routerConfigSchema, {
      NODE_ENV: "test",
      LOG_LEVEL: "silent",
      ROUTER_PORT: String(port),
      SUPERGRAPH_PATH: `${ROOT}schema/supergraph.graphql`,
      ROUTER_IDENTITY_SECRET: "graphql-over-http-audit-secret-0123456789",
      PLAYGROUND: "false",
      SUBSCRIPTIONS_ENABLED: "false",
      RATE_LIMIT_ENABLED: "false",
    }),
  );
  url = `http://127.0.0.1:${port}/graphql`;
});

after(async () => {
  await router?.stop();
});

test("graphql-http audit: 0 MUST failures and no SHOULD warning on application/json status codes", async () => {
  const results = await auditServer({ url });
  const mustFailures = results.filter((result) => result.status === "error").map((result) => `${result.id} ${result.name}: ${"reason" in result ? result.reason : ""}`);
  assert.deepEqual(mustFailures, []);
  const statusWarnings = results
    .filter((result) => result.status === "warn" && /application\/json/.test(result.name) && /status code/.test(result.name))
    .map((result) => `${result.id} ${result.name}: ${"reason" in result ? result.reason : ""}`);
  assert.deepEqual(statusWarnings, []);
});

test("an application/json client sees a parse error's GraphQL errors with 200; graphql-response+json keeps 400", async () => {
  const post = (accept: string) =>
    fetch(url, { method: "POST", headers: { "content-type": "application/json", accept }, body: JSON.stringify({ query: "{ me {" }) });
  const legacy = await post("application/json");
  assert.equal(legacy.status, 200);
  assert.match(legacy.headers.get("content-type") ?? "", /^application\/json/);
  const body = (await legacy.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
  assert.equal(body.data, undefined);
  assert.equal(body.errors[0]?.extensions.code, "GRAPHQL_PARSE_FAILED");
  const modern = await post("application/graphql-response+json");
  assert.equal(modern.status, 400);
});

test("CSRF prevention still refuses a GET query without a preflight header, whatever it accepts", async () => {
  const get = await fetch(`${url}?query=${encodeURIComponent("{ __typename }")}`, { headers: { accept: "application/json" } });
  assert.equal(get.status, 400);
  assert.match(await get.text(), /CSRF|preflight/i);
  const preflighted = await fetch(`${url}?query=${encodeURIComponent("{ __typename }")}`, { headers: { accept: "application/json", "apollo-require-preflight": "true" } });
  assert.equal(preflighted.status, 200);
});

test("Accept negotiation: which clients get application/json", () => {
  assert.equal(answersWithLegacyJson(undefined), true);
  assert.equal(answersWithLegacyJson("application/json"), true);
  assert.equal(answersWithLegacyJson("*/*"), true);
  assert.equal(answersWithLegacyJson("application/graphql-response+json"), false);
  assert.equal(answersWithLegacyJson("application/graphql-response+json, application/json;q=0.9"), false);
  assert.equal(answersWithLegacyJson("application/json, application/graphql-response+json;q=0.5"), true);
  assert.equal(answersWithLegacyJson("application/graphql-response+json, */*"), false);
});
