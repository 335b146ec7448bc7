// @apollo/gateway over the committed supergraph. Every subgraph fetch carries the router-signed identity
// of the verified caller; subgraph URLs can be overridden per environment.
import { readFile } from "node:fs/promises";
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { IDENTITY_HEADER, REQUEST_ID_HEADER } from "../../kernel/identity.js";
import type { RouterContext } from "./context.js";

class SignedIdentityDataSource extends RemoteGraphQLDataSource<RouterContext> {
  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>) {
    // Health checks and schema loads carry no request context; the supergraph is static, so there are none.
    if (!("identityToken" in context)) return;
    request.http?.headers.set(IDENTITY_HEADER, await context.identityToken);
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}

export async function createGateway(supergraphPath: string, urlOverrides: Record<string, string>) {
  const supergraphSdl = await readFile(supergraphPath, "utf8");
  const subgraphUrls = new Map<string, string>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService({ name, url }) {
      const target = urlOverrides[name] ?? url;
      if (!target) throw new Error(`subgraph ${name} has no URL: set SUBGRAPH_${name.toUpperCase()}_URL`);
      subgraphUrls.set(name, target);
      return new SignedIdentityDataSource({ url: target });
    },
  });
  return { gateway, subgraphUrls };
}
