// Browser entry of the analysts' playground: GraphiQL from npm, bundled by esbuild into the router's own
// static assets (see ../assets.ts). Nothing here may load anything from another host.
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import { parse } from "graphql";
import { createClient } from "graphql-ws";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import "graphiql/style.css";
import "./playground.css";
import { EXAMPLE_TABS } from "../examples.ts";

const root = document.getElementById("graphiql");
const endpoint = new URL(root.dataset.endpoint, window.location.href);
const subscriptionEndpoint = new URL(root.dataset.subscriptionEndpoint || endpoint.pathname, window.location.href);
subscriptionEndpoint.protocol = subscriptionEndpoint.protocol === "https:" ? "wss:" : "ws:";

const httpFetcher = createGraphiQLFetcher({ url: endpoint.href });

function isSubscription(params) {
  try {
    const operations = parse(params.query).definitions.filter((definition) => definition.kind === "OperationDefinition");
    const chosen = params.operationName
      ? operations.find((operation) => operation.name?.value === params.operationName)
      : operations.length === 1 ? operations[0] : undefined;
    return chosen?.operation === "subscription";
  } catch {
    return false;
  }
}

/**
 * Subscriptions go over graphql-ws, one socket per subscription, authenticated with the headers editor's
 * contents as the connection_init payload (e.g. { "Authorization": "Bearer ..." }).
 */
function subscribe(params, headers) {
  const client = createClient({ url: subscriptionEndpoint.href, lazy: true, retryAttempts: 0, connectionParams: { ...headers } });
  const queue = [];
  let wake;
  let done = false;
  const push = (item) => {
    queue.push(item);
    wake?.();
  };
  const unsubscribe = client.subscribe(params, {
    next: (value) => push({ value }),
    error: (error) => push({ error: error instanceof Error ? error : new Error(describeClose(error)) }),
    complete: () => push({ complete: true }),
  });
  const close = () => {
    done = true;
    unsubscribe();
    client.dispose();
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      while (!done) {
        const item = queue.shift();
        if (!item) {
          await new Promise((resolve) => (wake = resolve));
          continue;
        }
        if (item.error) {
          close();
          throw item.error;
        }
        if (item.complete) break;
        return { value: item.value, done: false };
      }
      close();
      return { value: undefined, done: true };
    },
    async return() {
      close();
      return { value: undefined, done: true };
    },
  };
}

function describeClose(event) {
  if (event && typeof event === "object" && "code" in event) {
    return `subscription socket closed (${event.code}${event.reason ? `: ${event.reason}` : ""})`;
  }
  return "subscription failed";
}

function fetcher(params, options) {
  if (isSubscription(params)) return subscribe(params, options?.headers ?? {});
  return httpFetcher(params, options);
}

createRoot(root).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultTabs={EXAMPLE_TABS.map(({ query, variables }) => ({ query, variables, headers: "" }))}
      defaultEditorToolsVisibility="headers"
      isHeadersEditorEnabled
      shouldPersistHeaders={false}
    />
  </StrictMode>,
);
