// The router's one admission step (router/src/admission.ts), in process on the real supergraph: fragment bombs
// and their variants are refused with OPERATION_LIMIT naming the limit, by whichever transport and also when
// named by an APQ hash; APQ hash mismatches get their own code; every walk that follows the pre-check (depth,
// cost, authorization, root fields) stays linear in the document when the limits are raised out of the way.
import assert from "node:assert/strict";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { buildSchema, parse, type GraphQLSchema } from "graphql";
import type { KeyValueCache } from "@apollo/utils.keyvaluecache";
import { createLogger } from "#kernel/logger.js";
import { createMemoryStore } from "#kernel/shared-store.js";
import type { Caller } from "#kernel/identity.js";
import { scopesOf } from "#kernel/scopes.js";
import { createAdmission, type Admission, type AdmissionRequest, type Transport } from "../src/admission.js";
import { OperationAuthorizer, splitSecurityDirectives } from "../src/authorization.js";
import { createRouterMetrics } from "../src/metrics.js";
import { operationCost } from "../src/protection/cost.js";
import { OperationLimiter, type OperationLimits } from "../src/protection/operation-limits.js";
import { RateLimiter } from "../src/protection/rate-limit.js";
import { operationShape } from "../src/protection/root-fields.js";
import { TrustedDocuments, apqCacheKey, sha256Hex } from "../src/protection/trusted-documents.js";

const logger = createLogger("admission-test", "silent");
const supergraph = await readFile(new URL("../../schema/supergraph.graphql", import.meta.url), "utf8");
const apiSchema: GraphQLSchema = buildSchema(await readFile(new URL("../../schema/api.graphql", import.meta.url), "utf8"));
const { metadata } = splitSecurityDirectives(supergraph);
const emptyManifest = join(await mkdtemp(join(tmpdir(), "admission-")), "manifest.json");
await writeFile(emptyManifest, JSON.stringify({ format: "apollo-persisted-query-manifest", version: 1, operations: [] }));
const trustedDocuments = {
  off: await TrustedDocuments.load("off", emptyManifest, logger),
  strict: await TrustedDocuments.load("strict", emptyManifest, logger),
};

const DEFAULT_LIMITS: OperationLimits = {
  maxBytes: 65_536,
  maxTokens: 5_000,
  maxDepth: 20,
  maxAliases: 30,
  maxRootFields: 20,
  maxDirectives: 50,
  maxExpandedFields: 3_000,
  maxFragments: 100,
  maxFragmentSpreads: 500,
};

const customer: Caller = { userId: "u-1", role: "CUSTOMER", sessionId: "s-1", scopes: scopesOf("CUSTOMER") };

/** A fragment bomb: `levels` fragments on `type`, each spreading the next `fanout` times; the last selects `leaf`. */
export function fragmentBomb(options: { levels?: number; fanout?: number; leaf?: string; type?: string; operation?: string; inline?: boolean } = {}) {
  const { levels = 11, fanout = 4, leaf = "__typename", type = "Query", operation = "query Bomb", inline = false } = options;
  if (inline) {
    // The same blow-up with inline fragments nested inside named ones.
    let text = `${operation} { ...F0 }\n`;
    for (let level = 0; level < levels; level++) {
      const body = level === levels - 1 ? leaf : Array.from({ length: fanout }, () => `... on ${type} { ...F${level + 1} }`).join(" ");
      text += `fragment F${level} on ${type} { ${body} }\n`;
    }
    return text;
  }
  let text = `${operation} { ...F0 }\n`;
  for (let level = 0; level < levels; level++) {
    const body = level === levels - 1 ? leaf : Array.from({ length: fanout }, () => `...F${level + 1}`).join(" ");
    text += `fragment F${level} on ${type} { ${body} }\n`;
  }
  return text;
}

function memoryApqCache(): KeyValueCache<string> & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return {
    entries,
    async get(key) {
      return entries.get(key);
    },
    async set(key, value) {
      entries.set(key, value);
    },
    async delete(key) {
      return entries.delete(key);
    },
  };
}

function setup(options: { limits?: Partial<OperationLimits>; trusted?: "off" | "strict"; requests?: number } = {}) {
  const metrics = createRouterMetrics();
  const apqCache = memoryApqCache();
  const rateLimiter = new RateLimiter(
    {
      enabled: true,
      windowSeconds: 60,
      anonymousRequests: options.requests ?? 1_000,
      requests: options.requests ?? 1_000,
      roleRequests: {},
      anonymousCostPoints: 1_000_000,
      costPoints: 1_000_000,
      roleCostPoints: {},
      authWindowSeconds: 300,
      authIpAttempts: 1_000,
      authAccountAttempts: 1_000,
      storeTimeoutMs: 1_000,
      failMode: "open",
      authFailMode: "closed",
    },
    createMemoryStore(),
    logger,
    { limited: () => undefined, storeFailure: () => undefined },
  );
  const admission = createAdmission({
    trustedDocuments: trustedDocuments[options.trusted ?? "off"],
    apqCache,
    operationLimiter: new OperationLimiter({ ...DEFAULT_LIMITS, ...options.limits }),
    rateLimiter,
    authorizer: new OperationAuthorizer(metadata),
    apiSchema: () => apiSchema,
    costMaxPerOperation: 5_000,
    costDefaultListSize: 20,
    metrics,
    logger,
  });
  const admit = (transport: Transport, params: AdmissionRequest["params"], caller: Caller | null = customer) =>
    admission.admit({ transport, requestId: "r-1", caller, client: { ip: "127.0.0.1", userAgent: null }, params });
  return { admit, apqCache, rateLimiter };
}

function refusedWith(result: Admission): { status: number; code: string; limit?: unknown; max?: unknown } {
  assert.equal(result.admitted, false, "expected a refusal");
  if (result.admitted) throw new Error("unreachable");
  const [first] = result.refusal.errors;
  return { status: result.refusal.status, code: first!.extensions.code, limit: first!.extensions.limit, max: first!.extensions.max };
}

const TRANSPORTS: Transport[] = ["http", "websocket", "sse", "multipart"];

describe("fragment bombs are refused before validation, on every transport", () => {
  const variants: [string, string][] = [
    ["4^11 spreads of __typename on Query", fragmentBomb()],
    ["inline fragments inside the named ones", fragmentBomb({ inline: true })],
    ["nested object fields instead of __typename", fragmentBomb({ leaf: "me { id accounts { id number } }" })],
    ["on a subscription", fragmentBomb({ operation: "subscription Bomb", type: "Subscription", leaf: "notificationReceived { id }" })],
    ["one fragment per level on an object type", fragmentBomb({ type: "User", operation: "query Bomb", leaf: "id" }).replace("query Bomb { ...F0 }", "query Bomb { me { ...F0 } }")],
  ];
  for (const [name, query] of variants) {
    test(name, async () => {
      const { admit } = setup();
      assert.ok(Buffer.byteLength(query) < 2_000, "the bomb is a small document");
      for (const transport of TRANSPORTS) {
        const refused = refusedWith(await admit(transport, { query }));
        assert.deepEqual(refused, { status: 400, code: "OPERATION_LIMIT", limit: "expandedFields", max: 3_000 }, transport);
      }
    });
  }

  test("a unique comment per request changes nothing (no cache is needed to refuse it)", async () => {
    const { admit } = setup();
    for (let index = 0; index < 20; index++) {
      const refused = refusedWith(await admit("http", { query: `# ${index} ${Math.random()}\n${fragmentBomb()}` }));
      assert.equal(refused.limit, "expandedFields");
    }
  });

  test("through APQ: registering a bomb is refused, and a bomb already stored under a hash is refused when named by it", async () => {
    const { admit, apqCache } = setup();
    const query = fragmentBomb();
    const hash = sha256Hex(query);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    assert.equal(refusedWith(await admit("http", { query, extensions })).limit, "expandedFields");
    // Stored by an older router or another replica with other limits: looked up, then refused all the same.
    await apqCache.set(apqCacheKey(hash), query);
    for (const transport of TRANSPORTS) assert.equal(refusedWith(await admit(transport, { extensions })).limit, "expandedFields", transport);
  });

  test("the number of fragment definitions and of spreads are bounded too", async () => {
    const { admit } = setup();
    const many = `query Q { ...F0 } ${Array.from({ length: 101 }, (_, index) => `fragment F${index} on Query { __typename }`).join(" ")}`;
    assert.deepEqual(refusedWith(await admit("websocket", { query: many })), { status: 400, code: "OPERATION_LIMIT", limit: "fragments", max: 100 });
    const spreads = `query Q { me { ${"...F ".repeat(501)} } } fragment F on User { id }`;
    assert.deepEqual(refusedWith(await admit("http", { query: spreads })), { status: 400, code: "OPERATION_LIMIT", limit: "fragmentSpreads", max: 500 });
  });

  test("fragment cycles are left to validation, which refuses them (nothing loops)", async () => {
    const { admit } = setup();
    const refused = refusedWith(await admit("websocket", { query: `query Q { ...A } fragment A on Query { ...B } fragment B on Query { ...A __typename }` }));
    assert.equal(refused.code, "GRAPHQL_VALIDATION_FAILED");
  });

  test("the limit is configurable", async () => {
    const { admit } = setup({ limits: { maxExpandedFields: 20 } });
    const query = fragmentBomb({ levels: 3, fanout: 5, leaf: "__typename" }); // 25 fields
    assert.deepEqual(refusedWith(await admit("http", { query })), { status: 400, code: "OPERATION_LIMIT", limit: "expandedFields", max: 20 });
    const admitted = await setup({ limits: { maxExpandedFields: 25 } }).admit("http", { query });
    assert.equal(admitted.admitted, true);
  });
});

describe("every limit, the same answer on every transport", () => {
  const cases: [string, Partial<OperationLimits>, string, string][] = [
    ["size", { maxBytes: 1_000 }, `subscription { notificationReceived { id } } # ${"x".repeat(1_100)}`, "size"],
    ["tokens", { maxTokens: 100 }, `subscription { notificationReceived { ${"id ".repeat(120)} } }`, "tokens"],
    ["depth", { maxDepth: 2 }, `subscription { notificationReceived { transaction { id } } }`, "depth"],
    ["aliases", { maxAliases: 1 }, `subscription { notificationReceived { a: id b: id } }`, "aliases"],
    ["root fields", { maxRootFields: 1 }, `subscription { a: notificationReceived { id } b: notificationReceived { id } }`, "rootFields"],
    ["directives", { maxDirectives: 1 }, `subscription { notificationReceived { id @skip(if: false) title @skip(if: false) } }`, "directives"],
  ];
  for (const [name, limits, query, limit] of cases) {
    test(name, async () => {
      const { admit } = setup({ limits });
      for (const transport of TRANSPORTS) assert.equal(refusedWith(await admit(transport, { query })).limit, limit, transport);
    });
  }

  test("cost", async () => {
    const { admit } = setup();
    const query = `query { me { accounts { transactions(first: 100) { edges { node { id fromAccount { owner { accounts { id } } } } } } } } }`;
    for (const transport of TRANSPORTS) assert.equal(refusedWith(await admit(transport, { query })).code, "COST_LIMIT_EXCEEDED", transport);
  });

  test("rate limits", async () => {
    const { admit } = setup({ requests: 2 });
    const query = `subscription { notificationReceived { id } }`;
    await admit("http", { query });
    await admit("websocket", { query });
    for (const transport of TRANSPORTS) assert.equal(refusedWith(await admit(transport, { query })).code, "RATE_LIMITED", transport);
  });

  test("trusted documents (strict)", async () => {
    const { admit } = setup({ trusted: "strict" });
    for (const transport of TRANSPORTS) assert.equal(refusedWith(await admit(transport, { query: `subscription { notificationReceived { id } }` })).code, "OPERATION_NOT_TRUSTED", transport);
  });

  test("authorization: nothing authorized left is refused with the field's code, an anonymous caller UNAUTHENTICATED", async () => {
    const { admit } = setup();
    const staffOnly = `query { auditEvents { edges { node { id } } } }`;
    for (const transport of TRANSPORTS) {
      const result = await admit(transport, { query: staffOnly });
      assert.equal(refusedWith(result).code, "FORBIDDEN", transport);
      assert.equal(result.admitted ? undefined : result.refusal.data, null);
    }
    assert.equal(refusedWith(await admit("websocket", { query: `subscription { notificationReceived { id } }` }, null)).code, "UNAUTHENTICATED");
  });

  test("an operation within every limit is admitted with its cost and authorization analysis", async () => {
    const { admit } = setup();
    const result = await admit("websocket", { query: `subscription { notificationReceived { id title } }` });
    assert.equal(result.admitted, true);
    if (!result.admitted) return;
    assert.equal(result.operationType, "subscription");
    assert.equal(result.analysis?.rejected, false);
    assert.equal(typeof result.cost, "number");
  });
});

describe("persisted queries", () => {
  test("a hash that does not match its query text is PERSISTED_QUERY_HASH_MISMATCH, a client error", async () => {
    const { admit } = setup();
    const refused = refusedWith(await admit("http", { query: `{ me { id } }`, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(`{ me { name } }`) } } }));
    assert.deepEqual([refused.status, refused.code], [400, "PERSISTED_QUERY_HASH_MISMATCH"]);
  });

  test("a registered document named by hash is resolved and checked like its text", async () => {
    const { admit, apqCache } = setup();
    const query = `query Me { me { id } }`;
    await apqCache.set(apqCacheKey(sha256Hex(query)), query);
    const result = await admit("sse", { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } } });
    assert.equal(result.admitted, true);
    if (result.admitted) assert.deepEqual([result.query, result.persisted], [query, "apq"]);
  });

  test("an unknown hash: HTTP lets Apollo Server answer in the APQ protocol, a streaming transport answers PERSISTED_QUERY_NOT_FOUND", async () => {
    const { admit } = setup();
    const extensions = { persistedQuery: { version: 1, sha256Hash: "a".repeat(64) } };
    const http = await admit("http", { extensions });
    assert.equal(http.admitted && http.query, undefined);
    assert.equal(refusedWith(await admit("websocket", { extensions })).code, "PERSISTED_QUERY_NOT_FOUND");
  });
});

describe("walks after the pre-check visit each fragment once (limits raised out of the way)", () => {
  // With the pre-check off, these documents expand to 4^11 selections: a walk per spread would not finish
  // in any reasonable time; a memoised walk takes a handful of visits per fragment.
  const bomb = fragmentBomb({ leaf: "me { id }" });

  test("depth and root fields", () => {
    const limiter = new OperationLimiter({ ...DEFAULT_LIMITS, maxExpandedFields: Number.MAX_SAFE_INTEGER, maxDepth: 1 });
    assert.equal(limiter.check(bomb)?.limit, "depth");
    assert.deepEqual(operationShape(bomb, undefined, {})?.rootFields.map((field) => field.name), ["me"]);
  });

  test("cost (the product of the spreads, computed from one cost per fragment)", () => {
    assert.equal(operationCost(apiSchema, bomb, undefined, {}, 20), 4 ** 10);
  });

  test("authorization: the removed field is reported once at its path", () => {
    const authorizer = new OperationAuthorizer(metadata);
    const query = fragmentBomb({ leaf: "auditEvents { edges { node { id } } } me { id }" });
    const analysis = authorizer.analyze(apiSchema, parse(query), null, sha256Hex(query), customer);
    assert.deepEqual(analysis.errors.map((each) => [each.path.join("."), each.code]), [["auditEvents", "FORBIDDEN"]]);
    assert.equal(analysis.rejected, false);
  });
});
