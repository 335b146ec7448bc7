// The static cost model: objects 1, scalars 0, lists × first/last (or the connection's slicing argument, or the
// default size), fragments counted, mutations 10 per root field.
import assert from "node:assert/strict";
import { test } from "node:test";
import { buildSchema } from "graphql";
import { operationCost } from "../src/protection/cost.js";

const schema = buildSchema(`
  type Query { me: User! users(first: Int, last: Int): UserConnection! tags: [String!]! }
  type Mutation { login(email: String!): Token! }
  type Token { value: String! }
  type User { id: ID! name: String! accounts: [Account!]! }
  type Account { id: ID! balance: Money! transactions(first: Int): TxConnection! }
  type Money { amount: String! }
  type TxConnection { edges: [TxEdge!]! }
  type TxEdge { node: Tx! }
  type Tx { id: ID! amount: Money! }
  type UserConnection { edges: [UserEdge!]! }
  type UserEdge { node: User! }
`);
const cost = (query: string, variables: Record<string, unknown> = {}, defaultListSize = 10) => operationCost(schema, query, undefined, variables, defaultListSize);

test("scalars are free, objects cost 1, unsized lists take the default size", () => {
  assert.equal(cost(`{ tags }`), 0);
  assert.equal(cost(`{ me { id name } }`), 1);
  // me 1 + 10 accounts × (1 + balance 1)
  assert.equal(cost(`{ me { accounts { id balance { amount } } } }`), 21);
  assert.equal(cost(`{ me { accounts { id } } }`, {}, 50), 51);
});

test("a connection's first/last sizes its edges, from literals or variables", () => {
  // users 1 + 5 edges × (1 + node 1)
  assert.equal(cost(`{ users(first: 5) { edges { node { id } } } }`), 11);
  assert.equal(cost(`query Q($n: Int) { users(last: $n) { edges { node { id } } } }`, { n: 100 }), 201);
  // nesting multiplies: me 1 + 10 accounts × (1 + transactions 1 + 50 × (1 + node 1 + amount 1))
  assert.equal(cost(`{ me { accounts { transactions(first: 50) { edges { node { amount { amount } } } } } } }`), 1 + 10 * (2 + 50 * 3));
});

test("fragments are counted once per use; __typename is free", () => {
  assert.equal(cost(`{ me { ...U } } fragment U on User { __typename accounts { ... on Account { balance { amount } } } }`), 21);
});

test("a mutation root field costs 10 more; aliases each count", () => {
  assert.equal(cost(`mutation { login(email: "a") { value } }`), 11);
  assert.equal(cost(`mutation { a: login(email: "a") { value } b: login(email: "b") { value } }`), 22);
});

test("an unknown operation or unparsable document has no cost (Apollo answers it)", () => {
  assert.equal(cost(`{ me { id `), null);
});
