// The BASELINE of `npm run bench`: stock @apollo/gateway + @apollo/server (startStandaloneServer) with default
// settings and no router features: no token verification, authorization directives, rate limits or
// operation limits. One process, like the router it is compared with.
//
// Environment: SUPERGRAPH_PATH, PORT, SUBGRAPH_<NAME>_URL (overrides of the supergraph's URLs).
// For the bank's own supergraph (scenarios 1 and 2), whose subgraphs answer only router-signed requests,
// BASELINE_IDENTITY_SECRET + BASELINE_CALLER (JSON of the caller) make each subgraph fetch carry that fixed
// caller's signed identity (router/src/gateway.ts's data source): the least the subgraphs need to answer.
// The supergraph's authorization directives, which @apollo/gateway refuses, are stripped the same way.
import { readFile } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { IdentitySigner, type Caller } from "#kernel/identity.js";
import { splitSecurityDirectives } from "../router/src/authorization.js";
import { createGateway } from "../router/src/gateway.js";
import { createSubgraphFetcher } from "../router/src/subgraph-fetcher.js";
import type { RouterContext } from "../router/src/context.js";

const supergraphPath = process.env.SUPERGRAPH_PATH ?? "bench/federation/supergraph.graphql";
const port = Number(process.env.PORT ?? 4900);
const overrides: Record<string, string> = {};
for (const [key, value] of Object.entries(process.env)) {
  const match = /^SUBGRAPH_([A-Z0-9_]+)_URL$/.exec(key);
  if (match?.[1] && value) overrides[match[1].toLowerCase()] = value;
}

const sdl = await readFile(supergraphPath, "utf8");
const secret = process.env.BASELINE_IDENTITY_SECRET;
let url: string;
if (secret) {
  const caller = JSON.parse(process.env.BASELINE_CALLER ?? "null") as Caller | null;
  // Stock @apollo/gateway's executor (never the router's engine): this is the baseline.
  const { gateway } = await createGateway(splitSecurityDirectives(sdl).gatewaySdl, overrides, new IdentitySigner(secret), 15_000, undefined, undefined, "apollo");
  const server = new ApolloServer<RouterContext>({ gateway });
  ({ url } = await startStandaloneServer(server, {
    listen: { port, host: "127.0.0.1" },
    context: async () => ({ caller, requestId: randomUUID(), client: { ip: "127.0.0.1", userAgent: null } }),
  }));
} else {
  // Stock: only the subgraph URLs are rewritten (in the SDL text the gateway reads).
  const rewritten = sdl.replace(/@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (whole, name: string) =>
    overrides[name] ? `@join__graph(name: "${name}", url: "${overrides[name]}")` : whole,
  );
  // BASELINE_FETCHER=lean: the same stock gateway with router/src/subgraph-fetcher.ts as its data sources'
  // fetcher, to measure that one lever apart (reported as its own row, never as the baseline).
  const lean = process.env.BASELINE_FETCHER === "lean" ? createSubgraphFetcher() : undefined;
  const gateway = new ApolloGateway({
    supergraphSdl: rewritten,
    ...(lean ? { buildService: ({ url: serviceUrl }: { url?: string }) => new RemoteGraphQLDataSource({ url: serviceUrl, fetcher: lean }) } : {}),
  });
  const server = new ApolloServer({ gateway });
  ({ url } = await startStandaloneServer(server, { listen: { port, host: "127.0.0.1" } }));
}
process.stdout.write(`baseline listening ${url}\n`);
