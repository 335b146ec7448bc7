// Upstream subscriptions: one graphql-ws socket per router replica and subgraph, opened on first use and
// multiplexing every client subscription this replica routes to that subgraph. The socket's
// `connection_init` carries a router identity signed for the subgraph; every `subscribe` carries its own,
// signed over the operation it asks for and naming the end user (kernel/subgraph-server.ts verifies both).
// When the upstream socket fails, the affected subscriptions end with an error (the client resubscribes):
// a resubscription must be signed again, which the graphql-ws client's own retry would not do.
import { randomUUID } from "node:crypto";
import { createClient, type Client, type FormattedExecutionResult } from "graphql-ws";
import WebSocket from "ws";
import type { Caller, ClientInfo, IdentitySigner } from "#kernel/identity.js";
import type { Logger } from "#kernel/logger.js";
import { SUBSCRIPTION_CONNECT_REQUEST, subscribeSigningRequest } from "#kernel/subgraph-server.js";

export interface UpstreamOperation {
  query: string;
  operationName: string | null;
  variables: Record<string, unknown>;
}

export interface UpstreamIdentity {
  caller: Caller | null;
  requestId: string;
  client: ClientInfo;
}

/** ws://… for a subgraph's http(s)://… GraphQL URL. */
export function webSocketUrl(httpUrl: string): string {
  const url = new URL(httpUrl);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
}

export class UpstreamPool {
  private readonly clients = new Map<string, Client>();

  constructor(
    private readonly subgraphUrls: ReadonlyMap<string, string>,
    private readonly signer: IdentitySigner,
    private readonly logger: Logger,
    private readonly keepAliveMs: number,
  ) {}

  private clientFor(subgraph: string): Client {
    let client = this.clients.get(subgraph);
    if (client) return client;
    const httpUrl = this.subgraphUrls.get(subgraph);
    if (!httpUrl) throw new Error(`subgraph ${subgraph} has no URL`);
    const log = this.logger.child({ subgraph });
    client = createClient({
      url: webSocketUrl(httpUrl),
      webSocketImpl: WebSocket,
      lazy: true,
      lazyCloseTimeout: 5_000,
      keepAlive: this.keepAliveMs,
      retryAttempts: 0,
      connectionParams: () => ({
        identity: this.signer.sign(SUBSCRIPTION_CONNECT_REQUEST, { caller: null, requestId: randomUUID(), audience: subgraph }),
      }),
    });
    client.on("closed", (event) => {
      const code = (event as { code?: number } | undefined)?.code;
      if (code !== 1000) log.warn({ code }, "upstream subscription socket closed");
    });
    this.clients.set(subgraph, client);
    return client;
  }

  /** Subscribes on `subgraph` on behalf of `identity`; the iterator's `return()` unsubscribes. */
  subscribe(subgraph: string, operation: UpstreamOperation, identity: UpstreamIdentity): AsyncIterableIterator<FormattedExecutionResult> {
    const payload = { query: operation.query, operationName: operation.operationName, variables: operation.variables };
    const signature = this.signer.sign(subscribeSigningRequest(payload), { ...identity, audience: subgraph });
    return this.clientFor(subgraph).iterate({ ...payload, extensions: { identity: signature } });
  }

  async close() {
    await Promise.all([...this.clients.values()].map((client) => client.dispose()));
    this.clients.clear();
  }
}
