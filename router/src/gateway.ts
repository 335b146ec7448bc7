// @apollo/gateway over the committed supergraph. Every subgraph fetch is signed (kernel/identity.ts): the
// claims are encoded in willSendRequest, where the request context is known, and the HMAC is computed in
// the fetcher over the exact bytes the data source serialized, so what is signed is what is sent.
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { IDENTITY_HEADER, REQUEST_ID_HEADER, type IdentitySigner } from "../../kernel/identity.js";
import type { RouterContext } from "./context.js";

type Fetcher = RemoteGraphQLDataSource["fetcher"];

/**
 * Bounds every subgraph fetch (SUBGRAPH_TIMEOUT_MS): make-fetch-happen's `timeout` aborts a request whose
 * response has not arrived in time, and the gateway reports an error at the affected paths.
 */
export function timeoutFetcher(fetcher: Fetcher, timeoutMs: number): Fetcher {
  return (url, init) => fetcher(url, { ...init, timeout: timeoutMs } as typeof init);
}

/** Completes the identity header (claims set in willSendRequest) with the signature over the body sent. */
function signingFetcher(signer: IdentitySigner, fetcher: Fetcher): Fetcher {
  return (url, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const claims = headers[IDENTITY_HEADER];
    if (claims && init) {
      const target = new URL(String(url));
      const body = typeof init.body === "string" ? init.body : "";
      init.headers = {
        ...headers,
        [IDENTITY_HEADER]: signer.seal(claims, { method: init.method ?? "POST", path: `${target.pathname}${target.search}`, body }),
      };
    }
    return fetcher(url, init);
  };
}

class SignedIdentityDataSource extends RemoteGraphQLDataSource<RouterContext> {
  constructor(
    url: string,
    private readonly subgraphName: string,
    private readonly signer: IdentitySigner,
    timeoutMs: number,
  ) {
    super({ url });
    this.fetcher = signingFetcher(signer, timeoutFetcher(this.fetcher, timeoutMs));
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<RouterContext>) {
    // Health checks and schema loads carry no request context; the supergraph is static, so there are none.
    if (!("requestId" in context)) return;
    request.http?.headers.set(
      IDENTITY_HEADER,
      this.signer.encodeClaims({ caller: context.caller, requestId: context.requestId, client: context.client, audience: this.subgraphName }),
    );
    request.http?.headers.set(REQUEST_ID_HEADER, context.requestId);
  }
}

/** The gateway over `supergraphSdl` (already stripped of what @apollo/gateway refuses, see authorization.ts). */
export function createGateway(supergraphSdl: string, urlOverrides: Record<string, string>, signer: IdentitySigner, timeoutMs: number) {
  const subgraphUrls = new Map<string, string>();
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService({ name, url }) {
      const target = urlOverrides[name] ?? url;
      if (!target) throw new Error(`subgraph ${name} has no URL: set SUBGRAPH_${name.toUpperCase()}_URL`);
      subgraphUrls.set(name, target);
      return new SignedIdentityDataSource(target, name, signer, timeoutMs);
    },
  });
  return { gateway, subgraphUrls };
}
