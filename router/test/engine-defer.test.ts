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
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  parse,
  validate,
  type DocumentNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { createEngine, type Engine, type EngineResult } from "../src/engine/index.js";
import { splitSecurityDirectives } from "../src/authorization.js";
import { SUBGRAPH_NAMES, subgraphSchema, typeDefs as benchTypeDefs } from "../../bench/federation/subgraphs.js";

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

// ---------------------------------------------------------------------------------------------------------
// Random operations with @defer (seeded; a failure names its operation).

function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomDeferOperation(schema: GraphQLSchema, seed: number, options: { maxDepth?: number; skipFields?: (type: string, field: string) => boolean } = {}) {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const maxDepth = options.maxDepth ?? 3;
  const fragments: string[] = [];
  const variables = new Set<string>();
  let counter = 0;

  function literal(type: GraphQLInputType): string | null {
    const named = getNamedType(type);
    const nullable = isNonNullType(type) ? type.ofType : type;
    if (isListType(nullable)) {
      const inner = literal(nullable.ofType as GraphQLInputType);
      return inner === null ? null : `[${inner}]`;
    }
    if (isEnumType(named)) return pick(named.getValues()).name;
    if (isScalarType(named)) {
      if (named.name === "ID") return JSON.stringify(pick(["1", "2", "3"]));
      if (named.name === "Int") return String(1 + Math.floor(random() * 3));
      if (named.name === "Boolean") return random() < 0.5 ? "true" : "false";
      if (named.name === "String") return JSON.stringify(pick(["a", "b"]));
      return null;
    }
    if (isInputObjectType(named)) {
      const parts: string[] = [];
      for (const field of Object.values(named.getFields())) {
        if (!isNonNullType(field.type)) continue;
        const value = literal(field.type);
        if (value === null) return null;
        parts.push(`${field.name}: ${value}`);
      }
      return `{${parts.join(", ")}}`;
    }
    return null;
  }

  function args(field: GraphQLField<unknown, unknown>): string | null {
    const parts: string[] = [];
    for (const arg of field.args) {
      if (!isNonNullType(arg.type) && (random() < 0.7 || arg.name === "after" || arg.name === "before")) continue;
      const value = literal(arg.type);
      if (value === null) {
        if (isNonNullType(arg.type)) return null;
        continue;
      }
      parts.push(`${arg.name}: ${value}`);
    }
    return parts.length ? `(${parts.join(", ")})` : "";
  }

  function defer(): string {
    const r = random();
    if (r < 0.35) return "@defer";
    if (r < 0.65) return `@defer(label: "d${counter++}")`;
    if (r < 0.8) return (variables.add("on"), `@defer(if: $on, label: "d${counter++}")`);
    if (r < 0.9) return (variables.add("off"), "@defer(if: $off)");
    return "@defer(if: false)";
  }

  function fields(type: GraphQLNamedType, depth: number): string[] {
    const parts: string[] = [];
    if (random() < 0.25) parts.push("__typename");
    if (!isObjectType(type) && !isInterfaceType(type)) return parts;
    const all = Object.values(type.getFields()).filter((f) => !f.name.startsWith("__") && !options.skipFields?.(type.name, f.name));
    const count = 1 + Math.floor(random() * Math.min(3, all.length));
    const chosen = new Set<string>();
    for (let i = 0; i < count * 3 && chosen.size < count; i++) {
      const field = pick(all);
      const named = getNamedType(field.type);
      if (isCompositeType(named) && depth >= maxDepth) continue;
      const fieldArgs = args(field);
      if (fieldArgs === null || chosen.has(field.name)) continue;
      chosen.add(field.name);
      parts.push(`${field.name}${fieldArgs}${isCompositeType(named) ? ` { ${selection(named, depth + 1)} }` : ""}`);
    }
    return parts;
  }

  function selection(type: GraphQLNamedType, depth: number): string {
    const parts = fields(type, depth);
    // Deferred parts: inline without condition, typed inline, named spread.
    const deferrals = random() < 0.4 ? 1 : 0;
    for (let i = 0; i < deferrals; i++) {
      const inner = fields(type, depth);
      if (inner.length === 0) continue;
      const shape = random();
      if (shape < 0.4) parts.push(`... ${defer()} { ${inner.join(" ")} }`);
      else if (shape < 0.7) parts.push(`... on ${type.name} ${defer()} { ${inner.join(" ")} }`);
      else {
        const name = `F${fragments.length}`;
        fragments.push(`fragment ${name} on ${type.name} { ${inner.join(" ")} }`);
        parts.push(`...${name} ${defer()}`);
      }
    }
    if (isAbstractType(type)) {
      for (const member of schema.getPossibleTypes(type)) if (random() < 0.6) parts.push(`... on ${member.name} { ${selection(member, depth + 1)} }`);
    }
    if (parts.length === 0) parts.push("__typename");
    return parts.join(" ");
  }

  const body = selection(schema.getQueryType()!, 0);
  const definitions = [...variables].map((name) => `$${name}: Boolean!`);
  const query = `query Deferred${definitions.length ? `(${definitions.join(", ")})` : ""} { ${body} }\n${fragments.join("\n")}`;
  return { query, variables: { ...(variables.has("on") ? { on: true } : {}), ...(variables.has("off") ? { off: false } : {}) } };
}

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

  test("the bank's supergraph: 300 random operations with @defer", async () => {
    const { supergraphSdl, schemas } = bankSubgraphs();
    const engine = engineOver(supergraphSdl, schemas);
    let deferredRuns = 0;
    let withErrors = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const { query, variables } = randomDeferOperation(engine.schema, seed);
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
      const { query, variables } = randomDeferOperation(engine.schema, seed, { maxDepth: 4 });
      if (validate(engine.schema, parse(query)).length > 0) continue;
      if ((await assertSame(engine, query, variables)) > 0) deferredRuns++;
    }
    assert.ok(deferredRuns > 150, `${deferredRuns} operations delivered incrementally`);
  });
});
