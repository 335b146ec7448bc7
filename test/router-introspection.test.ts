// Schema introspection through the real router (its engine): inside fragments, conditional ones, aliased and
// beside federated fields, answered like the top-level kind (the engine test, router/test/engine-differential,
// compares many more with stock @apollo/gateway). Admission and the introspection policy still apply.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useSharedPlatform } from "./support/platform.js";
import { graphql, login } from "./support/stack.js";

describe("router: schema introspection wherever it is selected", () => {
  const platform = useSharedPlatform();

  test("in fragments (conditional, named, nested), aliased, beside federated fields", async () => {
    await platform.ready;
    const token = await login(platform.routerUrl, "analyst@demo.bank");
    const cases: [string, Record<string, unknown>, unknown][] = [
      ["query { ...F } fragment F on Query { __typename __schema { queryType { name } } }", {}, { __typename: "Query", __schema: { queryType: { name: "Query" } } }],
      ['{ ... on Query { __type(name: "Account") { name } } }', {}, { __type: { name: "Account" } }],
      ['query Q($yes: Boolean!) { ... @include(if: $yes) { t: __type(name: "Account") { name } } me { id } __schema { queryType { name } } }', { yes: true }, null],
      ['query Q($yes: Boolean!) { ...F @skip(if: $yes) me { id } } fragment F on Query { __type(name: "Account") { name } }', { yes: true }, null],
      ["{ ... on Query { __schema { queryType { name } } } __schema { mutationType { name } } }", {}, { __schema: { queryType: { name: "Query" }, mutationType: { name: "Mutation" } } }],
    ];
    for (const [query, variables, expected] of cases) {
      const { status, body } = await graphql(platform.routerUrl, query, variables, token);
      assert.equal(status, 200, query);
      assert.equal(body.errors, undefined, `${query}: ${JSON.stringify(body.errors)}`);
      if (expected) assert.deepEqual(body.data, expected, query);
    }
    const mixed = await graphql<{ t: { name: string }; me: { id: string }; __schema: unknown }>(platform.routerUrl, cases[2]![0], { yes: true }, token);
    assert.deepEqual(Object.keys(mixed.body.data!), ["t", "me", "__schema"]);
    assert.equal(mixed.body.data!.t.name, "Account");
    assert.ok(mixed.body.data!.me.id);
    const skipped = await graphql(platform.routerUrl, cases[3]![0], { yes: true }, token);
    assert.deepEqual(Object.keys(skipped.body.data!), ["me"]);
  });

  test("the introspection policy still holds inside a conditional fragment", async () => {
    await platform.ready;
    const customer = await login(platform.routerUrl, "alice@demo.bank");
    const { body } = await graphql(platform.routerUrl, '{ ... @include(if: true) { __type(name: "Account") { name } } }', {}, customer);
    // Staff-only introspection where the policy says so; otherwise answered.
    if (body.errors) assert.equal(body.errors[0]?.extensions?.code, "FORBIDDEN");
    else assert.deepEqual(body.data, { __type: { name: "Account" } });
  });
});
