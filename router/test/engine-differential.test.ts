// Differential tests of the router's engine (router/src/engine) against stock @apollo/gateway: the same
// operations through Apollo Server with either executor must give byte-identical responses (data, errors,
// extensions, key order). Subgraphs run in process (buildSubgraphSchema); operations are hand-written for
// each Federation 2 feature and generated at random (seeded) over each supergraph's API schema.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import { composeServices } from "@apollo/composition";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import {
  GraphQLError,
  Kind,
  execute,
  parse,
  print,
  visit,
  type DirectiveNode,
  type DocumentNode,
  type FragmentSpreadNode,
  type GraphQLSchema,
  type InlineFragmentNode,
  type SelectionSetNode,
} from "graphql";
import { createEngine, createPlanCache } from "../src/engine/index.js";
import { engineGateway } from "../src/engine/apollo-server.js";
import { SUBGRAPH_NAMES, subgraphSchema, typeDefs as benchTypeDefs } from "../../bench/federation/subgraphs.js";
import { FEDERATION_QUERY } from "../../bench/federation/query.js";
import { randomOperation } from "./support/random-operations.js";

interface SubgraphDefinition {
  name: string;
  typeDefs: string;
  schema: GraphQLSchema;
}

/** Equal except for the order of errors (data, extensions and the errors themselves identical). */
function sameUpToSharedErrorOrder(actual: string, expected: string): boolean {
  const a = JSON.parse(actual) as { errors?: unknown[] };
  const b = JSON.parse(expected) as { errors?: unknown[] };
  if (!a.errors || !b.errors || a.errors.length !== b.errors.length) return false;
  const sorted = (errors: unknown[]) => errors.map((e) => JSON.stringify(e)).sort();
  const aSorted = sorted(a.errors);
  const bSorted = sorted(b.errors);
  if (aSorted.some((e, i) => e !== bSorted[i])) return false;
  return JSON.stringify({ ...a, errors: aSorted }) === JSON.stringify({ ...b, errors: bSorted });
}

/** Both executors over one supergraph of in-process subgraphs; `down` makes a subgraph fail every call. */
async function differential(subgraphs: SubgraphDefinition[]) {
  const composed = composeServices(subgraphs.map((s) => ({ name: s.name, url: `http://${s.name}.invalid/graphql`, typeDefs: parse(s.typeDefs) })));
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join("\n"));
  const supergraphSdl = composed.supergraphSdl;
  const schemas = new Map(subgraphs.map((s) => [s.name, s.schema]));
  const down = new Set<string>();
  const fetches = { stock: 0, engine: 0 };

  // Each subgraph runs in process: a fetch is executed by graphql-js on its schema, the document parsed once.
  // Both executors' fetches go this way (not validated again: the planners write them).
  const documents = new Map<string, DocumentNode>();
  const executeLocally = (name: string, request: { query?: string; variables?: Record<string, unknown>; operationName?: string }, contextValue: unknown) => {
    let document = documents.get(request.query!);
    if (!document) documents.set(request.query!, (document = parse(request.query!)));
    return execute({ schema: schemas.get(name)!, document, variableValues: request.variables, operationName: request.operationName, contextValue });
  };
  const stockGateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name }) => ({
      process: async ({ request, context }) => {
        fetches.stock++;
        if (down.has(name)) throw new Error(`${name} is down`);
        return (await executeLocally(name, request, context)) as never;
      },
    }),
  });
  const call = (count: boolean) => async (name: string, request: { query: string; variables: Record<string, unknown>; operationName: string | undefined }) => {
    if (count) fetches.engine++;
    if (down.has(name)) throw new Error(`${name} is down`);
    // Through JSON, as over HTTP (the batch splits answers by alias).
    return JSON.parse(JSON.stringify(await executeLocally(name, request, {}))) as never;
  };
  // One plan cache for both engines: each operation is planned once (planning is a good part of this file's time).
  const planCache = createPlanCache();
  const engine = createEngine<Record<string, unknown>>({ supergraphSdl, call: call(true), planCache });
  // The same engine with entity fetches batched per subgraph (engine/batch.ts): must answer identically.
  const batchingEngine = createEngine<Record<string, unknown>>({ supergraphSdl, call: call(false), batchEntityFetches: true, planCache });
  const stock = new ApolloServer({ gateway: stockGateway, includeStacktraceInErrorResponses: false });
  const ours = new ApolloServer({ gateway: engineGateway(engine, supergraphSdl), includeStacktraceInErrorResponses: false });
  const batching = new ApolloServer({ gateway: engineGateway(batchingEngine, supergraphSdl), includeStacktraceInErrorResponses: false });
  await stock.start();
  await ours.start();
  await batching.start();

  async function run(server: ApolloServer, query: string, variables?: Record<string, unknown>, operationName?: string) {
    const response = await server.executeOperation({ query, variables, operationName });
    assert.equal(response.body.kind, "single");
    return JSON.stringify(response.body.kind === "single" ? response.body.singleResult : null);
  }

  const relaxed = { count: 0 };
  return {
    engine,
    down,
    relaxed,
    fetches,
    /** Stock @apollo/gateway's response, as JSON text. */
    stock: (query: string, variables?: Record<string, unknown>) => run(stock, query, variables),
    /** The engine's response (unbatched, then batched), as JSON text. */
    engines: async (query: string, variables?: Record<string, unknown>) => [await run(ours, query, variables), await run(batching, query, variables)],
    /**
     * Runs `query` through both and asserts identical responses; returns the parsed response. With `reference`,
     * stock answers that (equivalent) operation instead: where stock fails on `query` but the spec is clear.
     * `stockAnswer`: stock's answer, where the caller has asked already.
     */
    async same(query: string, variables?: Record<string, unknown>, operationName?: string, reference?: string, stockAnswer?: string) {
      const expected = stockAnswer ?? (await run(stock, reference ?? query, variables, operationName));
      const batched = await run(batching, query, variables, operationName);
      if (batched !== expected && !sameUpToSharedErrorOrder(batched, expected)) {
        let at = 0;
        while (at < batched.length && batched[at] === expected[at]) at++;
        assert.fail(`batched entity fetches answer differently for\n${query}\nvariables ${JSON.stringify(variables)}\nbatched: …${batched.slice(Math.max(0, at - 300), at + 300)}\nstock:   …${expected.slice(Math.max(0, at - 300), at + 300)}`);
      }
      const actual = await run(ours, query, variables, operationName);
      if (actual !== expected && sameUpToSharedErrorOrder(actual, expected)) {
        // Entities that share one representation are fetched once; the subgraph's errors for it are repeated
        // for each of them, which may list them in another order than N separate copies would have.
        relaxed.count++;
        return JSON.parse(actual) as never;
      }
      if (actual !== expected) {
        let at = 0;
        while (at < actual.length && actual[at] === expected[at]) at++;
        assert.fail(`different responses for\n${query}\nvariables ${JSON.stringify(variables)}\nengine: …${actual.slice(Math.max(0, at - 200), at + 300)}\nstock:  …${expected.slice(Math.max(0, at - 200), at + 300)}`);
      }
      return JSON.parse(actual) as { data?: unknown; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
    },
    async stop() {
      await stock.stop();
      await ours.stop();
      await batching.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Comparing answers where stock needs another form of the operation.

/** A response as text with object keys sorted and errors in sorted order (values compared, not order). */
function canonical(response: { errors?: unknown[] }): string {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sort((value as Record<string, unknown>)[key])]));
  };
  const sorted = sort(response) as { errors?: unknown[] };
  if (sorted.errors) sorted.errors = sorted.errors.map((error) => JSON.stringify(error)).sort();
  return JSON.stringify(sorted);
}

/**
 * The same operation with the @skip/@include of its fragments (inline and spreads) applied: an excluded one
 * left selecting only `__typename` (still excluded), an included one without its condition (then unused
 * fragments and variables dropped). Equivalent by
 * the spec; stock @apollo/gateway's planner fails on schema introspection inside a conditional fragment
 * ("Was not able to find any options for __schema") but answers this form.
 */
function resolveFragmentConditions(query: string, variables: Record<string, unknown>): string {
  const included = (directives: readonly DirectiveNode[] | undefined) =>
    (directives ?? []).every((directive) => {
      if (directive.name.value !== "skip" && directive.name.value !== "include") return true;
      const argument = directive.arguments!.find((each) => each.name.value === "if")!.value;
      const value = argument.kind === Kind.VARIABLE ? variables[argument.name.value] : (argument as { value: boolean }).value;
      return directive.name.value === "skip" ? !value : !!value;
    });
  const conditional = (directive: DirectiveNode) => directive.name.value === "skip" || directive.name.value === "include";
  const typename: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: "__typename" } }] };
  const fragment = (node: InlineFragmentNode | FragmentSpreadNode): InlineFragmentNode | FragmentSpreadNode | undefined => {
    if (!node.directives?.some(conditional)) return undefined;
    if (included(node.directives)) return { ...node, directives: node.directives.filter((directive) => !conditional(directive)) };
    return { kind: Kind.INLINE_FRAGMENT, directives: node.directives, selectionSet: typename };
  };
  let document = visit(parse(query), { InlineFragment: fragment, FragmentSpread: fragment });
  for (let size = -1; size !== document.definitions.length; ) {
    size = document.definitions.length;
    const spread = new Set<string>();
    visit(document, { FragmentSpread: (node) => void spread.add(node.name.value) });
    document = { ...document, definitions: document.definitions.filter((definition) => definition.kind !== Kind.FRAGMENT_DEFINITION || spread.has(definition.name.value)) };
  }
  const used = new Set<string>();
  // Uses only: the definitions' own variables are not visited.
  visit(document, { VariableDefinition: () => false, Variable: (node) => void used.add(node.name.value) });
  document = visit(document, { VariableDefinition: (node) => (used.has(node.variable.name.value) ? undefined : null) });
  return print(document);
}

// ---------------------------------------------------------------------------------------------------------
// A supergraph exercising Federation 2 features, with data that includes nulls, failures and duplicates.

const FED = (imports: string[]) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: [${imports.map((i) => `"${i}"`).join(", ")}])`;

const products = [
  { id: "1", sku: "S1", pkg: { code: "P1", size: 1 }, name: "One", price: 1200, weight: 5, internal: "i1" },
  { id: "2", sku: "S2", pkg: { code: "P2", size: 2 }, name: "Two", price: 300, weight: 12, internal: "i2" },
  { id: "3", sku: "S3", pkg: { code: "P3", size: 3 }, name: null, price: 50, weight: 1, internal: "i3" },
];
const users = [
  { id: "1", name: "Ada", email: "ada@x" },
  { id: "2", name: "Bob", email: "bob@x" },
  { id: "3", name: "Cy", email: null },
];
const reviews = [
  { id: "r1", body: "good", rating: 5, authorId: "1", productId: "1" },
  { id: "r2", body: "bad", rating: 1, authorId: "2", productId: "2" },
  { id: "r3", body: "meh", rating: 3, authorId: "1", productId: "1" },
  { id: "r4", body: "orphan", rating: null, authorId: "9", productId: null },
];
const productById = (id: string) => products.find((p) => p.id === id) ?? null;
const productBySku = (sku: string, code: string) => products.find((p) => p.sku === sku && p.pkg.code === code) ?? null;
const userById = (id: string) => users.find((u) => u.id === id) ?? null;

function featureSubgraphs(): SubgraphDefinition[] {
  const core = `${FED(["@key", "@shareable", "@inaccessible", "@override"])}
    type Query {
      products: [Product!]!
      product(id: ID!): Product
      maybeProducts: [Product]
      nodes: [Node]
      search: [SearchResult!]!
      matrix: [[Product]]
      nothing: Product
      users: [User!]!
      secret: String @inaccessible
    }
    interface Node @key(fields: "id") { id: ID! }
    type Product implements Node @key(fields: "id") @key(fields: "sku pkg { code }") {
      id: ID!
      sku: String!
      pkg: Package!
      name: String
      price: Int
      weight: Int
      internal: String @inaccessible
    }
    type Package @shareable { code: String! size: Int }
    type User implements Node @key(fields: "id") { id: ID! name: String! @shareable email: String nickname: String }
    union SearchResult = Product | User`;
  const inventory = `${FED(["@key", "@shareable", "@external", "@requires"])}
    type Product @key(fields: "id") {
      id: ID!
      price: Int @external
      weight: Int @external
      internal: String @external
      pkg: Package! @external
      inStock: Boolean!
      shipping(zone: String = "eu"): Int @requires(fields: "price weight")
      label: String @requires(fields: "internal pkg { size }")
    }
    type Package @shareable { code: String! size: Int }`;
  const reviewsSdl = `${FED(["@key", "@shareable", "@external", "@provides", "@override"])}
    type Query { reviews: [Review!]! topReview: Review }
    type Review @key(fields: "id") {
      id: ID!
      body: String!
      rating: Int
      author: User @provides(fields: "name")
      product: Product
      flaky: String
      strict: String!
    }
    type User @key(fields: "id") { id: ID! name: String! @external reviews: [Review!]! nickname: String @override(from: "core", label: "percent(0)") email: String @override(from: "core") }
    type Product @key(fields: "sku pkg { code }") { sku: String! pkg: Package! reviews: [Review] reviewGrid: [[Review]] }
    type Package @shareable { code: String! size: Int }`;
  const meta = `${FED(["@key", "@interfaceObject", "@override"])}
    type Node @key(fields: "id") @interfaceObject { id: ID! createdAt: String tags: [String!] }`;

  const coreSchema = buildSubgraphSchema([
    {
      typeDefs: parse(core),
      resolvers: {
        Query: {
          products: () => products,
          product: (_: unknown, { id }: { id: string }) => productById(id),
          maybeProducts: () => [products[0], null, products[1], products[0]],
          nodes: () => [products[0], users[1], null, products[2]],
          search: () => [users[0], products[1], users[2]],
          matrix: () => [[products[0], null], [], null, [products[2]]],
          nothing: () => null,
          users: () => users,
          secret: () => "s",
        },
        Node: {
          __resolveReference: (ref: { id: string }) => {
            const product = productById(ref.id);
            if (product) return { __typename: "Product", ...product };
            const user = userById(ref.id);
            return user ? { __typename: "User", ...user } : null;
          },
          __resolveType: (value: { __typename?: string; sku?: string }) => value.__typename ?? (value.sku ? "Product" : "User"),
        },
        Product: {
          __resolveReference: (ref: { id?: string; sku?: string; pkg?: { code: string } }) =>
            ref.id ? productById(ref.id) : productBySku(ref.sku!, ref.pkg!.code),
        },
        User: { __resolveReference: (ref: { id: string }) => userById(ref.id) },
        SearchResult: { __resolveType: (value: { sku?: string }) => (value.sku ? "Product" : "User") },
      } as never,
    },
  ]);
  const inventorySchema = buildSubgraphSchema([
    {
      typeDefs: parse(inventory),
      resolvers: {
        Product: {
          __resolveReference: (ref: { id: string; price?: number; weight?: number; internal?: string; pkg?: { size: number } }) => (ref.id === "3" ? null : { ...ref }),
          inStock: (p: { id: string }) => {
            if (p.id === "2") throw new GraphQLError("inventory lookup failed", { extensions: { code: "INVENTORY_DOWN" } });
            return p.id === "1";
          },
          shipping: (p: { price: number; weight: number }, { zone }: { zone: string }) => (p.price > 1000 ? 0 : p.weight * (zone === "eu" ? 2 : 3)),
          label: (p: { internal: string; pkg: { size: number } }) => `${p.internal}/${p.pkg.size}`,
        },
      } as never,
    },
  ]);
  const reviewsSchema = buildSubgraphSchema([
    {
      typeDefs: parse(reviewsSdl),
      resolvers: {
        Query: { reviews: () => reviews, topReview: () => reviews[0] },
        Review: {
          __resolveReference: (ref: { id: string }) => reviews.find((r) => r.id === ref.id) ?? null,
          author: (r: (typeof reviews)[number]) => {
            const user = userById(r.authorId);
            return user ? { id: user.id, name: user.name } : { id: r.authorId, name: "ghost" };
          },
          product: (r: (typeof reviews)[number]) => {
            const product = r.productId ? productById(r.productId) : null;
            return product ? { sku: product.sku, pkg: product.pkg } : null;
          },
          flaky: (r: { id: string }) => {
            if (r.id === "r2") throw new Error("flaky failed");
            return `ok-${r.id}`;
          },
          strict: (r: { id: string }) => (r.id === "r3" ? null : "strict"),
        },
        User: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          reviews: (u: { id: string }) => reviews.filter((r) => r.authorId === u.id),
          nickname: (u: { id: string }) => `nick-${u.id}`,
          email: (u: { id: string }) => userById(u.id)?.email ?? null,
        },
        Product: {
          __resolveReference: (ref: { sku: string; pkg: { code: string } }) => ref,
          reviews: (p: { sku: string }) => reviews.filter((r) => productById(r.productId ?? "")?.sku === p.sku),
          reviewGrid: (p: { sku: string }) => {
            const own = reviews.filter((r) => productById(r.productId ?? "")?.sku === p.sku);
            return [own, [], [null, ...own]];
          },
        },
      } as never,
    },
  ]);
  const metaSchema = buildSubgraphSchema([
    {
      typeDefs: parse(meta),
      resolvers: {
        Node: {
          __resolveReference: (ref: { id: string }) => (ref.id === "2" ? null : { id: ref.id }),
          createdAt: (n: { id: string }) => `2026-01-0${n.id}`,
          tags: (n: { id: string }) => (n.id === "3" ? null : [`t${n.id}`, "x"]),
        },
      } as never,
    },
  ]);
  return [
    { name: "core", typeDefs: core, schema: coreSchema },
    { name: "inventory", typeDefs: inventory, schema: inventorySchema },
    { name: "reviews", typeDefs: reviewsSdl, schema: reviewsSchema },
    { name: "meta", typeDefs: meta, schema: metaSchema },
  ];
}

const FEATURE_OPERATIONS: { name: string; query: string; variables?: Record<string, unknown> }[] = [
  { name: "compound key hop", query: "{ products { id name reviews { id body author { id name } } } }" },
  { name: "@requires with arguments", query: '{ products { id shipping(zone: "us") s2: shipping price } }' },
  { name: "@requires with nested and @inaccessible fields", query: "{ products { id label } }" },
  { name: "@provides", query: "{ reviews { id author { name } } }" },
  { name: "@provides not usable, then key hop", query: "{ reviews { id author { name email nickname } } }" },
  { name: "@override (plain and with label)", query: "{ users { id email nickname } }" },
  { name: "@interfaceObject", query: "{ nodes { id __typename createdAt tags ... on Product { name } ... on User { name } } }" },
  { name: "@interfaceObject from an entity", query: "{ products { id createdAt } users { createdAt id } }" },
  { name: "union across subgraphs", query: "{ search { __typename ... on Product { id reviews { id } } ... on User { name reviews { rating } } } }" },
  { name: "null entity and non-null bubbling", query: "{ products { id inStock } }" },
  { name: "nullable list with nulls and duplicates", query: "{ maybeProducts { id inStock name shipping } }" },
  { name: "lists of lists", query: "{ matrix { id name shipping } products { reviewGrid { id flaky } } }" },
  { name: "error mid-plan", query: "{ reviews { id flaky product { id name inStock } } }" },
  { name: "non-null failing in a subgraph", query: "{ reviews { id strict } }" },
  { name: "null key", query: "{ reviews { id product { id name } } }" },
  { name: "aliases and repeated fields", query: "{ a: products { x: id id name } b: products { id y: name } products { id } products { name } }" },
  { name: "fragments on abstract types", query: "fragment N on Node { id ... on Product { sku } } query Q { nodes { ...N __typename ... on User { id email } } }" },
  { name: "skip/include with variables", query: "query Q($yes: Boolean!, $no: Boolean = false) { products { id name @include(if: $yes) price @skip(if: $yes) reviews @include(if: $no) { id } } }", variables: { yes: true } },
  { name: "skip/include on fragments", query: "query Q($yes: Boolean!) { nodes { id ... on Product @skip(if: $yes) { name } ... @include(if: $yes) { __typename } } }", variables: { yes: false } },
  { name: "root __typename and nothing", query: "{ __typename nothing { id name } t: __typename }" },
  { name: "variables: bad input", query: "query Q($id: ID!) { product(id: $id) { id } }", variables: { id: { nope: true } } },
  { name: "variables: missing", query: "query Q($id: ID!) { product(id: $id) { id } }", variables: {} },
  { name: "variables: passed", query: "query Q($id: ID!) { product(id: $id) { id name shipping inStock } }", variables: { id: "1" } },
  { name: "introspection next to data", query: '{ products { id } __type(name: "Product") { name fields { name } } }' },
  { name: "operation name among several", query: "query A { products { id } } query B { users { id name } }" },
];

/** The Guild's benchmark subgraphs (bench/federation). */
const guildSubgraphs = (): SubgraphDefinition[] => SUBGRAPH_NAMES.map((name) => ({ name, typeDefs: benchTypeDefs[name], schema: subgraphSchema(name) }));

describe("engine vs stock @apollo/gateway", () => {
  // One harness per supergraph for the file (composed, served and planned once): the tests that use it
  // leave it as they found it (no subgraph down; the counters are reset where they are read).
  const harnesses = new Map<string, ReturnType<typeof differential>>();
  const harness = (name: "features" | "guild") => {
    if (!harnesses.has(name)) harnesses.set(name, differential(name === "features" ? featureSubgraphs() : guildSubgraphs()));
    return harnesses.get(name)!;
  };
  after(async () => {
    for (const started of harnesses.values()) await (await started).stop();
  });

  test("Federation 2 features: hand-written operations give identical responses", async () => {
    const diff = await harness("features");
    for (const operation of FEATURE_OPERATIONS) {
      const operationName = operation.name === "operation name among several" ? "B" : undefined;
      await diff.same(operation.query, operation.variables, operationName);
    }
    // Sanity: these cases really exercise what they say (a harness that answered nothing would pass).
    const requires = await diff.same('{ products { id shipping(zone: "us") } }');
    assert.deepEqual((requires.data as { products: { shipping: number | null }[] }).products.map((p) => p.shipping), [0, 36, null]);
    const midPlan = await diff.same("{ reviews { id flaky } }");
    assert.ok(midPlan.errors?.some((e) => e.path?.join(".") === "reviews.1.flaky"));
  });

  test("Federation 2 features: a subgraph down gives the same partial response", async () => {
    const diff = await harness("features");
    try {
      for (const name of ["reviews", "inventory", "meta"]) {
        diff.down.clear();
        diff.down.add(name);
        for (const operation of FEATURE_OPERATIONS.slice(0, 15)) await diff.same(operation.query, operation.variables);
      }
    } finally {
      diff.down.clear();
    }
  });

  test("Federation 2 features: 400 random operations give identical responses", async () => {
    const diff = await harness("features");
    diff.relaxed.count = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const { query, variables } = randomOperation(diff.engine.schema, seed, { idValues: ["1", "2", "3", "9"] });
      await diff.same(query, variables);
    }
    // Only a few operations hit entities sharing a representation and an error at once.
    assert.ok(diff.relaxed.count < 40, `${diff.relaxed.count} responses differed in error order`);
  });

  test("The Guild's benchmark supergraph: its query and 200 random operations give identical responses", async () => {
    const diff = await harness("guild");
    const response = await diff.same(FEDERATION_QUERY);
    assert.ok(JSON.stringify(response.data).length > 10_000, "the benchmark query returns its large response");
    for (let seed = 1; seed <= 200; seed++) {
      const { query, variables } = randomOperation(diff.engine.schema, seed, { maxDepth: 6 });
      await diff.same(query, variables);
    }
  });

  test("introspection wherever it appears: hand-written operations (fragments, conditions, aliases, nested query type, merging)", async () => {
    const diff = await harness("features");
    // [operation, variables, what stock answers the same (where it fails on the operation itself)]
    const cases: [string, Record<string, unknown>?, string?][] = [
      ["query { ...F } fragment F on Query { __typename __schema { queryType { name } } }"],
      ['{ ... on Query { __type(name: "Product") { name } } }'],
      ["{ __schema { queryType { name } } products { id } }"],
      ['{ products { id inStock } a: __type(name: "User") { name fields { name } } __typename }'],
      ['{ ... @include(if: true) { __type(name: "User") { name } } }', {}, '{ __type(name: "User") { name } }'],
      ['{ ... on Query @skip(if: false) { __type(name: "User") { name } products { id name } } }', {}, '{ __type(name: "User") { name } products { id name } }'],
      ["query Q($yes: Boolean!) { ...F @include(if: $yes) users { id } } fragment F on Query { __schema { queryType { name } } }", { yes: true }, "query Q { ...F users { id } } fragment F on Query { __schema { queryType { name } } }"],
      ["query Q($yes: Boolean!) { ...F @include(if: $yes) users { id } } fragment F on Query { __schema { queryType { name } } }", { yes: false }, "query Q { users { id } }"],
      ["query Q($v: Boolean!) { ... @include(if: $v) { __schema { queryType { name } } } }", {}],
      ["{ ...F } fragment F on Query { ... @skip(if: false) { __schema { queryType { name } } x: __typename } reviews { id } }", {}, "{ ...F } fragment F on Query { ... { __schema { queryType { name } } x: __typename } reviews { id } }"],
      [
        '{ products { id } a: __typename ... @include(if: true) { x: __type(name: "User") { name } users { email } } __schema { queryType { name } } ... @skip(if: true) { y: __type(name: "Node") { name } } }',
        {},
        '{ products { id } a: __typename x: __type(name: "User") { name } users { email } __schema { queryType { name } } }',
      ],
      // Fields sharing a response name merge (stock keeps only the first one's sub-selection here).
      ["{ ... on Query { __schema { queryType { name } } } __schema { types { name } } }", {}, "{ __schema { queryType { name } types { name } } }"],
      ["{ t: __type(name: \"User\") { name } ... @include(if: true) { t: __type(name: \"User\") { fields { name } } } }", {}, '{ t: __type(name: "User") { name fields { name } } }'],
    ];
    for (const [query, variables, reference] of cases) {
      // A reference is given only where stock answers the operation itself otherwise (it fails, or merges wrongly).
      if (reference) assert.notEqual(await diff.stock(query, variables), await diff.stock(reference, variables), query);
      await diff.same(query, variables, undefined, reference);
    }
    // A query type reachable under a field (`viewer: Query`): introspection there too.
    const viewerSdl = `${FED(["@key"])}
      type Query { viewer: Query me: Profile }
      type Profile { id: ID! name: String }`;
    const viewerSchema = buildSubgraphSchema([{ typeDefs: parse(viewerSdl), resolvers: { Query: { viewer: () => ({}), me: () => ({ id: "1", name: "Ada" }) } } as never }]);
    const nested = await differential([...featureSubgraphs(), { name: "viewer", typeDefs: viewerSdl, schema: viewerSchema }]);
    try {
      const answer = await nested.engine.execute({ document: parse('{ viewer { __schema { queryType { name } } me { id name } v: viewer { __type(name: "Profile") { name } products { id } } } }'), context: {} });
      assert.deepEqual(JSON.parse(JSON.stringify(answer)), { data: { viewer: { __schema: { queryType: { name: "Query" } }, me: { id: "1", name: "Ada" }, v: { __type: { name: "Profile" }, products: [{ id: "1" }, { id: "2" }, { id: "3" }] } } } });
      await nested.same("{ viewer { __typename me { id } } __typename }");
    } finally {
      await nested.stop();
    }
  });

  test("introspection wherever it appears: 300 random operations over the features' supergraph and 100 over The Guild's", async () => {
    // Without the @interfaceObject fields: where an operation needs the resolved form, that form is planned
    // differently, and stock (and the engine, alike) answer it `data: null` when an @interfaceObject fetch
    // rewrote a selected `__typename` to "Node" (e.g. `users { __typename createdAt }`), which the original's
    // plan does not do: a difference of the two forms' plans, not of introspection.
    const avoidFields = new Set(["createdAt", "tags"]);
    for (const [supergraph, count] of [
      ["features", 300],
      ["guild", 100],
    ] as const) {
      const diff = await harness(supergraph);
      let resolved = 0;
      let otherErrors = 0;
      for (let seed = 1; seed <= count; seed++) {
        const { query, variables } = randomOperation(diff.engine.schema, seed, { idValues: ["1", "2", "3", "9"], introspection: true, avoidFields });
        const stockAnswer = await diff.stock(query, variables);
        const stock = JSON.parse(stockAnswer) as { errors?: { message: string }[] };
        // Where stock's planner fails (introspection in a conditional fragment), stock answers the same
        // operation with its fragment conditions applied.
        const fails = stock.errors?.some((error) => error.message.includes("Was not able to find any options")) ?? false;
        if (fails) resolved++;
        if (!fails) {
          await diff.same(query, variables, undefined, undefined, stockAnswer);
          continue;
        }
        // The resolved form is another document: stock plans (and normalises) it differently, which may order
        // keys differently and report subgraph errors differently (other subgraph queries: which fields of a
        // nulled object fail, the alias in a path). Compared: the data as values; errors only counted.
        // Exact responses: the hand-written cases, and every operation stock answers itself (above).
        const expected = JSON.parse(canonical(JSON.parse(await diff.stock(resolveFragmentConditions(query, variables), variables)))) as { data?: unknown; errors?: string[] };
        for (const answer of await diff.engines(query, variables)) {
          const actual = JSON.parse(canonical(JSON.parse(answer))) as { data?: unknown; errors?: string[] };
          assert.equal(JSON.stringify(actual.data), JSON.stringify(expected.data), `seed ${seed}: ${query}`);
          if (JSON.stringify(actual.errors) !== JSON.stringify(expected.errors)) otherErrors++;
        }
      }
      // The generator does reach the positions stock fails on (and the others).
      assert.ok(resolved >= count / 20 && resolved <= count / 1.5, `${resolved} of ${count} operations needed the resolved form`);
      assert.ok(otherErrors <= resolved / 4, `${otherErrors} answers' errors differed from stock's to the resolved form`);
    }
  });

  test("subscriptions: each event of the primary fetch is completed by the plan's rest like a query", async () => {
    const live = `${FED(["@key"])}
      type Subscription { reviewAdded: Review }
      type Review @key(fields: "id") { id: ID! }`;
    const liveSchema = buildSubgraphSchema([{ typeDefs: parse(live), resolvers: { Review: { __resolveReference: (ref: { id: string }) => ref } } as never }]);
    const diff = await differential([...featureSubgraphs(), { name: "live", typeDefs: live, schema: liveSchema }]);
    try {
      const selection = "{ id body rating author { id name email } product { sku name shipping inStock } flaky }";
      const prepared = diff.engine.prepare(parse(`subscription S { reviewAdded ${selection} }`), "S");
      assert.equal(prepared.plan.node?.kind, "Subscription");
      const expected = await diff.same(`query Q { review: topReview ${selection} }`);
      for (const id of ["r1", "r2"]) {
        const event = { data: { reviewAdded: { __typename: "Review", id } } };
        const result = await diff.engine.resolveSubscriptionEvent(prepared, event, { variables: {}, context: {} });
        const review = (result.data as { reviewAdded: { id: string; author: { name: string } } }).reviewAdded;
        assert.equal(review.id, id);
        if (id === "r1") assert.deepEqual(review, (expected.data as { review: unknown }).review);
        else assert.equal(result.errors?.[0]?.path?.join("."), "reviewAdded.flaky");
      }
    } finally {
      await diff.stop();
    }
  });

  test("entity representations are sent once per distinct key", async () => {
    const diff = await harness("guild");
    diff.fetches.stock = 0;
    diff.fetches.engine = 0;
    await diff.same(FEDERATION_QUERY);
    // Same number of fetches (the plan is the same); fewer representations is checked through the subgraph.
    assert.equal(diff.fetches.engine, diff.fetches.stock);
  });
});
