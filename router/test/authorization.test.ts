// The router's enforcement of @authenticated / @requiresScopes / @policy, on a small schema: which fields
// are removed for whom, through aliases, fragments and interfaces; error paths; null bubbling; rejection of
// an operation with nothing left; the per-document cache; and the real supergraph accepted by the gateway.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describe, test } from "node:test";
import { ApolloGateway } from "@apollo/gateway";
import { buildSchema, parse, print } from "graphql";
import type { Caller } from "#kernel/identity.js";
import { scopesOf } from "#kernel/scopes.js";
import { OperationAuthorizer, nullRemovedFields, splitSecurityDirectives } from "../src/authorization.js";

const SDL = /* GraphQL */ `
  schema
    @link(url: "https://specs.apollo.dev/link/v1.0")
    @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)
    @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)
    @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY) {
    query: Query
    mutation: Mutation
  }
  directive @link(url: String, as: String, for: link__Purpose, import: [String]) repeatable on SCHEMA
  directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  directive @policy(policies: [[policy__Policy!]!]!) on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
  scalar requiresScopes__Scope
  scalar policy__Policy
  enum link__Purpose { SECURITY EXECUTION }

  type Query {
    publicInfo: String
    me: User! @authenticated
    audit: [AuditEvent!]! @authenticated @requiresScopes(scopes: [["audit:read"]])
    maybeAudit: [AuditEvent!] @authenticated
    node(id: ID!): Node @authenticated
  }
  type Mutation {
    login: String
    erase(id: ID!): Boolean! @authenticated @requiresScopes(scopes: [["bank:admin"]]) @policy(policies: [["recent_login"]])
  }
  interface Node { id: ID! }
  type User implements Node {
    id: ID!
    email: String
    secret: String! @requiresScopes(scopes: [["bank:admin"], ["audit:read", "users:read"]])
    accounts: [Account!]!
  }
  type Account implements Node {
    id: ID!
    balance: String @requiresScopes(scopes: [["banking:read"]])
  }
  type AuditEvent @requiresScopes(scopes: [["audit:read"]]) { id: ID! action: String }
`;

const schema = buildSchema(SDL);
const { metadata, gatewaySdl } = splitSecurityDirectives(SDL);
const caller = (role: Caller["role"], extra: Partial<Caller> = {}): Caller => ({
  userId: "u1",
  role,
  sessionId: "s1",
  scopes: scopesOf(role),
  authTime: Math.floor(Date.now() / 1000),
  ...extra,
});

function analyze(query: string, who: Caller | null, authorizer = new OperationAuthorizer(metadata)) {
  return authorizer.analyze(schema, parse(query), null, query, who);
}

describe("reading the directives", () => {
  test("metadata holds field and type requirements; the gateway copy has none of them", () => {
    assert.deepEqual(metadata.fields.get("Query.audit"), { authenticated: true, scopes: [[["audit:read"]]], policies: [] });
    assert.deepEqual(metadata.types.get("AuditEvent")?.scopes, [[["audit:read"]]]);
    assert.deepEqual(metadata.fields.get("Mutation.erase")?.policies, [[["recent_login"]]]);
    assert.doesNotMatch(gatewaySdl, /@authenticated|@requiresScopes|@policy|requiresScopes__Scope|specs\.apollo\.dev\/authenticated/);
  });

  test("the committed supergraph: the router reads its directives and @apollo/gateway accepts the stripped copy", async () => {
    const supergraph = await readFile(new URL("../../schema/supergraph.graphql", import.meta.url), "utf8");
    const split = splitSecurityDirectives(supergraph);
    assert.ok(split.metadata.fields.get("Query.auditEvents")?.scopes.some((alternatives) => alternatives.some((all) => all.includes("audit:read"))));
    await assert.rejects(new ApolloGateway({ supergraphSdl: supergraph }).load(), /SECURITY but is unsupported/);
    const gateway = new ApolloGateway({ supergraphSdl: split.gatewaySdl });
    await gateway.load();
    await gateway.stop();
  });
});

describe("what is removed for whom", () => {
  test("anonymous: every @authenticated field is removed with UNAUTHENTICATED at its aliased path; public fields stay", () => {
    const analysis = analyze("{ publicInfo mine: me { email } }", null);
    assert.deepEqual([...analysis.removed], ["Query.me"]);
    assert.deepEqual(analysis.errors.map((e) => [e.path, e.code]), [[["mine"], "UNAUTHENTICATED"]]);
    assert.equal(analysis.rejected, false);
    assert.equal(print(analysis.document!).replace(/\s+/g, " "), "{ publicInfo }");
  });

  test("a customer: scoped fields are FORBIDDEN, reached through named and inline fragments too", () => {
    const query = `
      query { me { ...U } maybeAudit { id } }
      fragment U on User { email secret accounts { ... on Account { balance } } }`;
    const analysis = analyze(query, caller("CUSTOMER"));
    assert.deepEqual([...analysis.removed].sort(), ["Query.maybeAudit", "User.secret"]);
    assert.deepEqual(analysis.errors.map((e) => e.path.join(".")).sort(), ["maybeAudit", "me.secret"]);
    assert.ok(analysis.errors.every((e) => e.code === "FORBIDDEN"));
  });

  test("scopes: outer list OR, inner list AND", () => {
    assert.equal(analyze("{ me { secret } }", caller("ADMIN")).removed.size, 0);
    assert.equal(analyze("{ me { secret } }", caller("AUDITOR")).removed.size, 0, "audit:read AND users:read");
    assert.deepEqual([...analyze("{ me { secret } }", caller("TELLER")).removed], ["User.secret"], "users:read alone is not enough");
  });

  test("a type-level directive protects every field returning the type", () => {
    assert.deepEqual([...analyze("{ maybeAudit { id } }", caller("TELLER")).removed], ["Query.maybeAudit"]);
    assert.equal(analyze("{ maybeAudit { id } }", caller("AUDITOR")).removed.size, 0);
  });

  test("through an interface, an implementation's requirement applies", () => {
    const analysis = analyze(`{ node(id: "1") { id ... on Account { balance } } }`, caller("ANALYST"));
    assert.deepEqual([...analysis.removed], ["Account.balance"]);
  });

  test("@policy recent_login: a login older than 15 minutes is refused even for an admin", () => {
    const fresh = analyze(`mutation { erase(id: "1") }`, caller("ADMIN"));
    assert.equal(fresh.removed.size, 0);
    const stale = analyze(`mutation { erase(id: "1") }`, caller("ADMIN", { authTime: Math.floor(Date.now() / 1000) - 16 * 60 }));
    assert.equal(stale.rejected, true);
    const unknown = analyze(`mutation { erase(id: "1") }`, caller("ADMIN", { authTime: undefined }));
    assert.equal(unknown.rejected, true, "no auth_time claim: the policy fails");
  });

  test("the trimmed document validates: fragments and variables only removed fields used are dropped", async () => {
    const { validate } = await import("graphql");
    const query = `query($id: ID!, $unused: ID) { publicInfo audit { ...E } node(id: $id) { id } }
      fragment E on AuditEvent { id action }`;
    const analysis = analyze(query, caller("CUSTOMER"));
    assert.deepEqual([...analysis.removed], ["Query.audit"]);
    assert.deepEqual(validate(schema, analysis.document!).map((e) => e.message), []);
    assert.equal(print(analysis.document!).replace(/\s+/g, " "), "query ($id: ID!) { publicInfo node(id: $id) { id } }");
  });

  test("nothing authorized left: the operation is rejected", () => {
    const analysis = analyze("{ a: me { email } b: audit { id } }", null);
    assert.equal(analysis.rejected, true);
    assert.equal(analysis.errors.length, 2);
  });

  test("the analysis is cached per document and caller class (role's scopes and policy results)", () => {
    const authorizer = new OperationAuthorizer(metadata);
    const query = "{ me { email secret } }";
    const first = analyze(query, caller("CUSTOMER"), authorizer);
    assert.equal(analyze(query, caller("CUSTOMER", { userId: "another" }), authorizer), first, "another customer: same entry");
    assert.notEqual(analyze(query, caller("ADMIN"), authorizer), first);
    const rounds = 20_000;
    const started = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) analyze(query, caller("CUSTOMER"), authorizer);
    const micros = Number(process.hrtime.bigint() - started) / 1_000 / rounds;
    console.log(`cached analysis (incl. parse): ${micros.toFixed(2)} µs`);
  });
});

describe("response shaping", () => {
  const shape = (query: string, removed: string[], data: Record<string, unknown>) =>
    nullRemovedFields(schema, parse(query), null, new Set(removed), structuredClone(data));

  test("a removed nullable field reads null; placeholders are dropped", () => {
    assert.deepEqual(
      shape("{ me { email accounts { id balance } } }", ["Account.balance"], { me: { email: "a", accounts: [{ id: "1" }, { id: "2" }] } }),
      { me: { email: "a", accounts: [{ id: "1", balance: null }, { id: "2", balance: null }] } },
    );
    assert.deepEqual(shape(`{ node(id: "1") { ... on Account { balance } } }`, ["Account.balance"], { node: { __fedbank_authz_empty: "Account" } }), {
      node: { balance: null },
    });
  });

  test("a removed non-null field nulls the nearest nullable parent", () => {
    // me: User! → bubbles to data.
    assert.equal(shape("{ me { secret } }", ["User.secret"], { me: { __fedbank_authz_empty: "User" } }), null);
    // node: Node (nullable) → node becomes null, the rest stays.
    assert.deepEqual(shape(`{ publicInfo node(id: "1") { ... on User { secret } } }`, ["User.secret"], { publicInfo: "x", node: { __typename: "User" } }), {
      publicInfo: "x",
      node: null,
    });
  });
});
