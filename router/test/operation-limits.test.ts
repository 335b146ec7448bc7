// Each operation limit with the error that names it; documents under every limit pass; messages never echo
// the document (which may carry secrets in literals).
import assert from "node:assert/strict";
import { test } from "node:test";
import { OperationLimiter, type OperationLimits } from "../src/protection/operation-limits.js";

const LIMITS: OperationLimits = { maxBytes: 2_000, maxTokens: 300, maxDepth: 4, maxAliases: 3, maxRootFields: 3, maxDirectives: 2 };
const limiter = () => new OperationLimiter(LIMITS);

test("a document within every limit passes", () => {
  assert.equal(limiter().check(`query Q($skip: Boolean!) { a: me { id accounts { id } } b: me @skip(if: $skip) { id } }`), null);
});

test("document size", () => {
  const violation = limiter().check(`{ me { id } } # ${"x".repeat(2_100)}`);
  assert.deepEqual([violation?.limit, violation?.max], ["size", 2_000]);
});

test("tokens", () => {
  const violation = limiter().check(`{ me { ${"id ".repeat(400)} } }`);
  assert.deepEqual([violation?.limit, violation?.max], ["tokens", 300]);
});

test("depth counts through named and inline fragments", () => {
  assert.equal(limiter().check(`{ a { b { c { d } } } }`), null);
  assert.equal(limiter().check(`{ a { b { c { d { e } } } } }`)?.limit, "depth");
  assert.equal(limiter().check(`{ a { ...F } } fragment F on T { b { ... on U { c { d { e } } } } }`)?.limit, "depth");
});

test("aliases", () => {
  const violation = limiter().check(`{ me { a: id b: id c: id d: name } }`);
  assert.equal(violation?.limit, "aliases");
});

test("root fields, fragments on the root type included", () => {
  assert.equal(limiter().check(`{ me { id } accounts { id } ...R } fragment R on Query { x y }`)?.limit, "rootFields");
});

test("directives", () => {
  assert.equal(limiter().check(`{ me @include(if: true) { id @skip(if: false) name @skip(if: false) } }`)?.limit, "directives");
});

test("the message names the limit, never the document", () => {
  const violation = limiter().check(`mutation { login(email: "a@b.c", password: "hunter2-secret") { a { b { c { d } } } } }`);
  assert.equal(violation?.limit, "depth");
  assert.doesNotMatch(violation!.message, /hunter2|a@b\.c/);
  assert.match(violation!.message, /4/);
});

test("a document that does not parse is left to Apollo Server", () => {
  assert.equal(limiter().check(`{ me { id `), null);
});
