// Committed artefacts must match their sources: the composed supergraph and the generated resolver types.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { ROOT } from "./support/stack.js";

function runScript(script: string) {
  return spawnSync(process.execPath, ["--import", "tsx", script, ...(script.endsWith("compose.ts") ? ["--check"] : [])], {
    cwd: ROOT,
    encoding: "utf8",
  });
}

test("schema/supergraph.graphql is what the six subgraph SDLs compose to", () => {
  const result = runScript("scripts/compose.ts");
  assert.equal(result.status, 0, result.stderr + result.stdout);
});

test("the generated resolver types are up to date with the subgraph SDLs", () => {
  const result = runScript("scripts/codegen-check.ts");
  assert.equal(result.status, 0, result.stderr + result.stdout);
});

test("composition reports conflicting subgraphs instead of producing a supergraph", () => {
  const header = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])`;
  const result = composeServices([
    { name: "a", url: "http://a", typeDefs: parse(`${header} type Money { amount: String! } type Query { a: Money }`) },
    { name: "b", url: "http://b", typeDefs: parse(`${header} type Money { amount: Int! } type Query { b: Money }`) },
  ]);
  assert.ok(result.errors && result.errors.length > 0);
});
