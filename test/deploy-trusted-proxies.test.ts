// The production overlay believes X-Forwarded-For only from the ingress controller's pods, never from a whole
// private range (every pod in 10.0.0.0/8 could otherwise choose the client address the per-IP limits and
// lockouts count); the router accepts the value.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse as parseYaml } from "yaml";
import { parseTrustedProxies } from "../router/src/client-ip.js";

const kustomization = parseYaml(readFileSync(new URL("../deploy/k8s/overlays/production/kustomization.yaml", import.meta.url), "utf8")) as {
  configMapGenerator: { name: string; literals?: string[] }[];
};
const literal = kustomization.configMapGenerator
  .flatMap((generator) => generator.literals ?? [])
  .find((entry) => entry.startsWith("TRUSTED_PROXIES="));
const value = literal?.slice("TRUSTED_PROXIES=".length) ?? "";

test("production trusts X-Forwarded-For from a narrow ingress range only", () => {
  assert.ok(value !== "", "the production overlay names the ingress proxies");
  const trusted = parseTrustedProxies(value);
  for (const entry of value.split(",").map((part) => part.trim())) {
    const [, prefix] = entry.split("/");
    assert.ok(prefix === undefined || Number(prefix) >= 20, `${entry}: at most a /20 (an ingress pod subnet), not a whole private range`);
  }
  // Ordinary pods of the cluster range are not trusted.
  assert.equal(trusted("10.1.2.3"), false);
  assert.equal(trusted("10.0.0.1"), false);
  assert.equal(trusted("10.244.250.17"), true);
});
