// The executor alone: stock @apollo/gateway (its default HTTP client) against the router's engine (with its
// signed subgraph calls), both behind an in-process Apollo Server, on The Guild's benchmark query against the
// four in-memory subgraphs served by another process over real HTTP. Nothing of the router's front (JWT,
// Redis, limits) is in it, so the CPU per operation of this process is the executor's and its HTTP client's.
// Alternating rounds, 4 operations in flight; prints CPU ms and wall ms per operation.
//   node --import tsx bench/federation/executor.ts [--rounds 2] [--operations 300] [--tree <dir>]
// --tree: a third contestant, the engine of another checkout (e.g. a `git worktree` of an earlier commit).
import { parseArgs } from "node:util";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { IdentitySigner } from "#kernel/identity.js";
import { createGateway } from "../../router/src/gateway.js";
import type { RouterContext } from "../../router/src/context.js";
import { spawnTs, waitFor } from "../support.js";
import { composeFederationSupergraph } from "./compose.js";
import { FEDERATION_QUERY } from "./query.js";

const { values: options } = parseArgs({ options: { rounds: { type: "string", default: "2" }, operations: { type: "string", default: "300" }, tree: { type: "string" } } });
const subgraphs = spawnTs("bench/federation/subgraphs.ts", { NODE_ENV: "production" });
try {
  await waitFor(subgraphs, async () => subgraphs.stdout().includes("}"), 60_000, "federation subgraphs");
  const urls = JSON.parse(subgraphs.stdout().trim().split("\n").at(-1)!) as Record<string, string>;
  const supergraphSdl = composeFederationSupergraph().replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) =>
    urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : whole,
  );
  const stock = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
  const engine = new ApolloServer<RouterContext>({ gateway: (await createGateway(supergraphSdl, {}, new IdentitySigner("executor-bench-secret-0123456789abcdef"), 15_000)).gateway });
  let other: ApolloServer<RouterContext> | undefined;
  if (options.tree) {
    const module = (await import(`${options.tree.replace(/\/$/, "")}/router/src/gateway.ts`)) as typeof import("../../router/src/gateway.js");
    other = new ApolloServer<RouterContext>({ gateway: (await module.createGateway(supergraphSdl, {}, new IdentitySigner("executor-bench-secret-0123456789abcdef"), 15_000)).gateway });
    await other.start();
  }
  await stock.start();
  await engine.start();
  const contextValue: RouterContext = { caller: null, requestId: "executor-bench", client: { ip: "127.0.0.1", userAgent: null } };

  async function measure(name: string, server: ApolloServer<RouterContext> | ApolloServer, operations: number) {
    const one = async () => {
      const response = await (server as ApolloServer<RouterContext>).executeOperation({ query: FEDERATION_QUERY, operationName: "TestQuery" }, { contextValue });
      if (response.body.kind !== "single" || response.body.singleResult.errors) throw new Error(`${name}: ${JSON.stringify(response.body).slice(0, 300)}`);
      JSON.stringify(response.body.singleResult);
    };
    for (let i = 0; i < 20; i++) await one();
    const cpu = process.cpuUsage();
    const started = performance.now();
    let left = operations;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (left-- > 0) await one();
    }));
    const used = process.cpuUsage(cpu);
    const cpuMs = (used.user + used.system) / 1000 / operations;
    console.log(`${name}: ${cpuMs.toFixed(2)} CPU ms/operation, ${((performance.now() - started) / operations).toFixed(2)} wall ms/operation`);
    return cpuMs;
  }

  const operations = Number(options.operations);
  for (let round = 0; round < Number(options.rounds); round++) {
    const stockMs = await measure("stock @apollo/gateway", stock, operations);
    const engineMs = await measure("router engine        ", engine, operations);
    const otherMs = other ? await measure(`engine of ${options.tree}`, other, operations) : undefined;
    console.log(
      `round ${round + 1}: the engine uses ${(stockMs / engineMs).toFixed(2)}× less CPU per operation` +
        (otherMs ? `; the engine of ${options.tree} ${(stockMs / otherMs).toFixed(2)}×` : ""),
    );
  }
  await stock.stop();
  await engine.stop();
  await other?.stop();
} finally {
  await subgraphs.stop();
}
