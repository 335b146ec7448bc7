// `@defer` in the router's engine (router/src/engine/defer.ts): the incremental payloads of a query, merged
// as a client merges them (each item's data at its path), must equal the engine's whole result for the same
// operation without incremental delivery (itself identical to stock @apollo/gateway's, engine-differential
// test): data, and errors as a set. Operations are generated at random (seeded) with @defer on inline
// fragments, typed fragments and named fragment spreads (labelled or not, nested, `if: $var` true or false)
// over the bank's supergraph (subgraphs answering deterministic data, with errors, derived from each
// entity's key so that any plan gives the same answer) and The Guild's benchmark supergraph (entities across
// four subgraphs); plus the incremental delivery specification's own example, checked payload by payload.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import { composeServices } from "@apollo/composition";
import { buildSubgraphSchema } from "@apollo/subgraph";
import {
  GraphQLError,
  execute,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  validate,
  type DocumentNode,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { createEngine, type Engine, type EngineResult } from "../src/engine/index.js";
import { splitSecurityDirectives } from "../src/authorization.js";
import { SUBGRAPH_NAMES, subgraphSchema, typeDefs as benchTypeDefs } from "../../bench/federation/subgraphs.js";
import { randomOperation, type RandomOperationOptions } from "./support/random-operations.js";

type Json = Record<string, unknown>;

/** An engine over in-process subgraphs (each fetch executed by graphql-js, through JSON as over HTTP). */
function engineOver(supergraphSdl: string, schemas: Map<string, GraphQLSchema>): Engine<Json> {
  const documents = new Map<string, DocumentNode>();
  return createEngine<Json>({
    supergraphSdl,
    batchEntityFetches: true,
    call: async (name, request) => {
      let document = documents.get(request.query);
      if (!document) documents.set(request.query, (document = parse(request.query)));
      const result = await execute({ schema: schemas.get(name)!, document, variableValues: request.variables, operationName: request.operationName, contextValue: {} });
      return JSON.parse(JSON.stringify(result)) as never;
    },
  });
}

const formatted = (errors: readonly GraphQLError[] | undefined) => (errors ?? []).map((error) => JSON.stringify(error.toJSON())).sort();

/** The whole result and the incremental one merged as a client merges it. */
async function both(engine: Engine<Json>, query: string, variables: Json = {}) {
  const document = parse(query);
  const whole = await engine.execute({ document, variables, context: {} });
  const first = await engine.execute({ document, variables, context: {}, incremental: true });
  const payloads: { hasNext: boolean; incremental?: { data: Json | null; path: (string | number)[]; label?: string; errors?: GraphQLError[] }[] }[] = [];
  if (first.subsequent) for await (const payload of first.subsequent) payloads.push(payload as never);
  const merged = structuredClone(first.data) as Json | null | undefined;
  const errors = [...(first.errors ?? [])];
  for (const payload of payloads) {
    for (const item of payload.incremental ?? []) {
      errors.push(...(item.errors ?? []));
      if (!item.data) continue;
      let target: unknown = merged;
      for (const segment of item.path) target = (target as Record<string | number, unknown>)[segment];
      mergeInto(target as Json, structuredClone(item.data));
    }
  }
  return { whole, first, payloads, merged, errors };
}

function firstDifference(actual: unknown, expected: unknown, path: (string | number)[]): { path: (string | number)[]; detail: string } | null {
  if (actual === expected) return null;
  if (actual && expected && typeof actual === "object" && typeof expected === "object") {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    for (const key of keys) {
      const inner = firstDifference((actual as Json)[key], (expected as Json)[key], [...path, Array.isArray(actual) ? Number(key) : key]);
      if (inner) return inner;
    }
    return null;
  }
  return { path, detail: `${JSON.stringify(actual)?.slice(0, 200)} vs ${JSON.stringify(expected)?.slice(0, 200)}` };
}

function mergeInto(target: Json, source: Json) {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing && value && typeof existing === "object" && typeof value === "object") {
      if (Array.isArray(existing)) (value as unknown[]).forEach((element, index) => (element && typeof element === "object" ? mergeInto(existing[index] as Json, element as Json) : (existing[index] = element)));
      else mergeInto(existing as Json, value as Json);
    } else target[key] = value;
  }
}

/** Asserts the merged incremental result equals the whole one; returns how many payloads followed the first. */
async function assertSame(engine: Engine<Json>, query: string, variables: Json = {}): Promise<number> {
  const { whole, first, payloads, merged, errors } = await both(engine, query, variables);
  const context = `\n${query}\nvariables ${JSON.stringify(variables)}`;
  // Key order follows arrival (a client merges items as they come): compared without it.
  const difference = isDeepStrictEqual(merged, whole.data) ? null : firstDifference(merged, whole.data, []);
  if (difference) {
    const items = payloads.flatMap((payload) => payload.incremental ?? []).filter((item) => difference.path.join(".").startsWith(item.path.join(".")));
    assert.fail(`merged data differs at ${difference.path.join(".")}: ${difference.detail} for${context}\nitems there: ${JSON.stringify(items).slice(0, 1500)}`);
  }
  assert.deepEqual(formatted(errors), formatted(whole.errors), `errors differ for${context}`);
  if (payloads.length > 0) {
    assert.equal(first.hasNext, true);
    assert.equal(payloads.at(-1)!.hasNext, false, "the last payload says hasNext: false");
    assert.ok(payloads.slice(0, -1).every((payload) => payload.hasNext), "only the last payload says hasNext: false");
  }
  return payloads.length;
}

/**
 * @defer wherever the generator can put it; the bank's connections get no cursors (the mock data has none).
 * No @skip/@include beside @defer yet. The planner skips a fetch that selects only a conditioned field whose
 * sub-selections all share a condition (`transaction @include(if: $yes) { reverses @skip(if: $yes) { id } }`:
 * null where GraphQL has `{}`), and the whole plan is stock @apollo/gateway's (engine-differential), wrong
 * there too; the plan with deferred blocks avoids it (index.ts, `withTypenameUnderConditionedFields`), so the
 * two results differ where only the whole plan has such a fetch (with conditions on, seeds 1-2000: bank 427,
 * 884 and 1449, guild 1103). They also differ where one plan fetches a field in the same fetch as a
 * conditioned @requires field whose required fields it fetches under that condition only: the
 * representation lacks them, the entity is not fetched, the field is null (guild 860, 1343, 1616, 1770 and
 * 1797: `inStock` null in the whole result; 1276: in the incremental one). Seeds 1-300 pass with conditions
 * on. Hand-written tests cover an excluded deferred field and a deferred fragment inside an excluded one.
 */
const DEFER_OPERATIONS: RandomOperationOptions = {
  defer: true,
  conditions: false,
  maxDepth: 3,
  maxFields: 3,
  fieldAttempts: 3,
  stringValues: ["a", "b"],
  intMax: 3,
  optionalArgumentChance: 0.3,
  skipArguments: new Set(["after", "before"]),
};

// ---------------------------------------------------------------------------------------------------------
// The bank's subgraphs, answering deterministic data: every value is a function of the entity's key (or
// of the path from the nearest entity) and the field, so every plan (deferred or not) sees the same
// answers; some nullable fields fail with an error, the same way in every plan.

const digest = (text: string) => createHash("sha256").update(text).digest().readUInt32BE(0);

function bankSubgraphs(): { supergraphSdl: string; schemas: Map<string, GraphQLSchema> } {
  const { gatewaySdl } = splitSecurityDirectives(readFileSync("schema/supergraph.graphql", "utf8"));
  const names = ["users", "accounts", "transactions", "notifications", "audit", "reporting"];
  const schemas = new Map<string, GraphQLSchema>();
  for (const name of names) {
    const typeDefs = parse(readFileSync(`subgraphs/${name}/schema.graphql`, "utf8"));
    const schema = buildSubgraphSchema([{ typeDefs }]);
    const resolvers: Record<string, Record<string, unknown>> = {};
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("_") || type.name.startsWith("__")) continue;
      if (isObjectType(type)) {
        const entry: Record<string, unknown> = { __resolveReference: (reference: Json) => ({ ...reference }) };
        for (const field of Object.values(type.getFields())) if (!field.name.startsWith("_")) entry[field.name] = resolveField;
        resolvers[type.name] = entry;
      } else if (isAbstractType(type)) {
        resolvers[type.name] = { __resolveType: (value: Json) => { const possible = schema.getPossibleTypes(type).map((t) => t.name).sort(); return possible[digest(identity(value, type.name)) % possible.length]; } };
      }
    }
    schemas.set(name, buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]));
  }
  return { supergraphSdl: gatewaySdl, schemas };
}

/** What a value derives from: its entity key when it has one, else the path it was reached by. */
function identity(value: Json, typename: string): string {
  if (value.id !== undefined && value.id !== null) return `${typename}:${String(value.id)}`;
  return String(value.__seed ?? typename);
}

function resolveField(source: Json | undefined, args: Json, _context: unknown, info: GraphQLResolveInfo): unknown {
  const parent = source ?? { __seed: info.parentType.name };
  const seed = `${identity(parent, info.parentType.name)}.${info.fieldName}(${JSON.stringify(args)})`;
  if (info.fieldName === "id") return parent.id ?? `id${digest(String(parent.__seed)) % 7}`;
  const nullable = !isNonNullType(info.returnType);
  if (nullable && digest(`${seed}!`) % 9 === 0) return digest(`${seed}?`) % 2 === 0 ? null : new GraphQLError(`${info.fieldName} failed`, { extensions: { code: "MOCK_FAILURE" } });
  return valueFor(getNullableType(info.returnType), seed, typeof args.first === "number" ? args.first : undefined);
}

function valueFor(type: ReturnType<typeof getNullableType>, seed: string, first?: number): unknown {
  if (isListType(type)) {
    const length = Math.min(first ?? 3, digest(`${seed}#`) % 4);
    return Array.from({ length }, (_, index) => valueFor(getNullableType(type.ofType), `${seed}[${index}]`));
  }
  const named = getNamedType(type)!;
  if (isEnumType(named)) return named.getValues()[digest(seed) % named.getValues().length]!.value;
  if (isCompositeType(named)) {
    // Objects with an id are entities (their fields derive from the key); ids repeat so entities are shared.
    const object: Json = { __seed: seed };
    if ((isObjectType(named) || isInterfaceType(named)) && named.getFields().id) object.id = `${named.name.slice(0, 3)}${digest(seed) % 5}`;
    return object;
  }
  switch (named.name) {
    case "Int":
      return digest(seed) % 100;
    case "Float":
      return (digest(seed) % 1000) / 10;
    case "Boolean":
      return digest(seed) % 2 === 0;
    case "JSON":
      return { seed: digest(seed) % 10 };
    case "DateTime":
      return new Date(Date.UTC(2026, 0, 1 + (digest(seed) % 28))).toISOString();
    default:
      return `s${digest(seed) % 1000}`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The incremental delivery specification's example (graphql/defer-stream-wg, 2022-08-24 format).

const luke = { id: "cGVvcGxlOjE=", name: "Luke", homeWorld: { id: "tatooine" } };

function specSubgraphs() {
  const people = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Query { person(id: ID!): Person }
    type Person @key(fields: "id") { id: ID! name: String! homeWorld: Planet }
    type Planet @key(fields: "id") { id: ID! }`;
  const planets = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
    type Planet @key(fields: "id") { id: ID! name: String! climate: String }`;
  const schemas = new Map<string, GraphQLSchema>([
    ["people", buildSubgraphSchema([{ typeDefs: parse(people), resolvers: { Query: { person: () => luke }, Person: { __resolveReference: () => luke } } as never }])],
    ["planets", buildSubgraphSchema([{ typeDefs: parse(planets), resolvers: { Planet: { __resolveReference: () => ({ id: "tatooine", name: "Tatooine", climate: "arid" }) } } as never }])],
  ]);
  const composed = composeServices([
    { name: "people", url: "http://people.invalid/graphql", typeDefs: parse(people) },
    { name: "planets", url: "http://planets.invalid/graphql", typeDefs: parse(planets) },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join("\n"));
  return engineOver(composed.supergraphSdl, schemas);
}

describe("@defer: incremental results merged equal the whole result", () => {
  test("the specification's example, payload by payload", async () => {
    const engine = specSubgraphs();
    const query = `query {
      person(id: "cGVvcGxlOjE=") { ...HomeWorldFragment @defer(label: "homeWorldDefer") name }
    }
    fragment HomeWorldFragment on Person { homeWorld { name ... @defer { climate } } }`;
    const { first, payloads } = await both(engine, query);
    assert.deepEqual({ data: first.data, hasNext: first.hasNext }, { data: { person: { name: "Luke" } }, hasNext: true });
    const plain = payloads.map((payload) => JSON.parse(JSON.stringify(payload)) as unknown);
    assert.deepEqual(plain, [
      { incremental: [{ data: { homeWorld: { name: "Tatooine" } }, path: ["person"], label: "homeWorldDefer" }], hasNext: true },
      // The nested, unlabelled one after its parent, without a label.
      { incremental: [{ data: { climate: "arid" }, path: ["person", "homeWorld"] }], hasNext: false },
    ]);
    // @defer(if: false), and a client without incremental delivery: one whole result.
    const off = await engine.execute({ document: parse(query.replace('@defer(label: "homeWorldDefer")', "@defer(if: false)").replace("... @defer { climate }", "climate")), variables: {}, context: {}, incremental: true });
    assert.equal(off.subsequent, undefined);
    assert.deepEqual(off.data, { person: { homeWorld: { name: "Tatooine", climate: "arid" }, name: "Luke" } });
    const whole = await engine.execute({ document: parse(query), variables: {}, context: {} });
    assert.equal((whole as EngineResult).subsequent, undefined);
  });

  test("a deferred fragment inside an excluded field or fragment is never delivered", async () => {
    const engine = specSubgraphs();
    for (const [query, variables] of [
      ['query ($on: Boolean = false) { person(id: "cGVvcGxlOjE=") { name ... @include(if: $on) { ... @defer { homeWorld { name } } } } }', {}],
      ['query ($off: Boolean!) { person(id: "cGVvcGxlOjE=") { name ... @skip(if: $off) { homeWorld { ... @defer { name } } } } }', { off: true }],
      ['{ person(id: "cGVvcGxlOjE=") { name homeWorld @include(if: false) { id ... @defer { name } } homeWorld { id } } }', {}],
    ] as const) {
      await assertSame(engine, query, variables);
      const { merged, payloads } = await both(engine, query, variables);
      const data = merged as { person: { homeWorld?: { name?: string } } };
      assert.equal(data.person.homeWorld?.name, undefined, `nothing of the excluded part arrives\n${query}\n${JSON.stringify(payloads)}`);
    }
    // Included, the same deferred part does arrive.
    const { merged } = await both(engine, 'query ($on: Boolean = true) { person(id: "cGVvcGxlOjE=") { name ... @include(if: $on) { ... @defer { homeWorld { name } } } } }', {});
    assert.deepEqual(merged, { person: { name: "Luke", homeWorld: { name: "Tatooine" } } });
  });

  test("a deferred field whose fields are all excluded arrives as {}, as in the whole result", async () => {
    const engine = specSubgraphs();
    // The deferred block's fetch selects only `p`: the planner took its fields' @include for its own and
    // skipped the fetch (p: null), while the whole plan's fetch also has `person { id }` (p: {}).
    const query = `query ($yes: Boolean!, $no: Boolean!) {
      person(id: "cGVvcGxlOjE=") { id }
      ... @defer { p: person(id: "cGVvcGxlOjE=") @include(if: $yes) { name @include(if: $no) homeWorld @include(if: $no) { id } } }
    }`;
    await assertSame(engine, query, { yes: true, no: false });
    const { merged, payloads } = await both(engine, query, { yes: true, no: false });
    assert.equal(payloads.length, 1);
    assert.deepEqual(merged, { person: { id: "cGVvcGxlOjE=" }, p: {} });
  });

  test("the bank's supergraph: 300 random operations with @defer", async () => {
    const { supergraphSdl, schemas } = bankSubgraphs();
    const engine = engineOver(supergraphSdl, schemas);
    let deferredRuns = 0;
    let withErrors = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { query, variables } = randomOperation(engine.schema, seed, DEFER_OPERATIONS);
      // Deferred fragments may select a field with other arguments under the same name: not a valid operation.
      if (validate(engine.schema, parse(query)).length > 0) continue;
      const payloads = await assertSame(engine, query, variables);
      if (payloads > 0) deferredRuns++;
      if (query.includes("@defer") && payloads > 0 && (await engine.execute({ document: parse(query), variables, context: {} })).errors?.length) withErrors++;
    }
    // The generator really defers, and errors really occur inside deferred operations.
    assert.ok(deferredRuns > 150, `${deferredRuns} operations delivered incrementally`);
    assert.ok(withErrors > 10, `${withErrors} deferred operations had errors`);
  });

  test("The Guild's benchmark supergraph (entities across four subgraphs): 300 random operations with @defer", async () => {
    const composed = composeServices(SUBGRAPH_NAMES.map((name) => ({ name, url: `http://${name}.invalid/graphql`, typeDefs: parse(benchTypeDefs[name]) })));
    if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join("\n"));
    const engine = engineOver(composed.supergraphSdl, new Map(SUBGRAPH_NAMES.map((name) => [name, subgraphSchema(name)])));
    let deferredRuns = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { query, variables } = randomOperation(engine.schema, seed, { ...DEFER_OPERATIONS, maxDepth: 4 });
      if (validate(engine.schema, parse(query)).length > 0) continue;
      if ((await assertSame(engine, query, variables)) > 0) deferredRuns++;
    }
    assert.ok(deferredRuns > 150, `${deferredRuns} operations delivered incrementally`);
  });
});
