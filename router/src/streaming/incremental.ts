// `@defer` over HTTP (docs/realtime.md#defer): a query whose client accepts `multipart/mixed` (framing.ts
// `acceptsIncrementalDelivery`) runs through Apollo Server like any query, with its context marked for
// incremental delivery (engine/apollo-server.ts). Apollo Server answers the initial result (validation,
// authorization, error masking, request ids, extensions: every plugin applies to it as to any result); when
// the engine deferred something, this writes that answer as the first part (with `hasNext: true`) and each
// deferred payload after it, its errors formatted by the router's own formatter and the fields
// authorization removed nulled, as in the initial result. Anything else (a refusal, a validation error, an
// operation that deferred nothing) is written as Apollo Server answered it: one JSON response.
import type { ServerResponse } from "node:http";
import type { HTTPGraphQLResponse } from "@apollo/server";
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import { writeApolloResponse } from "#kernel/http.js";
import type { IncrementalItem, SubsequentResult } from "../engine/index.js";
import { incrementalDelivery } from "./framing.js";

export interface IncrementalWriting {
  /** Formats a deferred item's errors as Apollo Server formatted the initial result's. */
  formatErrors(errors: readonly GraphQLError[]): GraphQLFormattedError[];
  /** Applies to a deferred item what the initial result's plugins applied (authorization's nulling). */
  adjustItem?(item: IncrementalItem): void;
}

export async function writeIncrementalResponse(
  res: ServerResponse,
  response: HTTPGraphQLResponse,
  subsequent: AsyncIterable<SubsequentResult> | undefined,
  writing: IncrementalWriting,
) {
  const iterator = subsequent?.[Symbol.asyncIterator]();
  if (!iterator || (response.status ?? 200) !== 200 || response.body.kind !== "complete") {
    await iterator?.return?.();
    return writeApolloResponse(res, response);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of response.headers) if (name !== "content-type" && name !== "content-length") headers[name] = value;
  res.writeHead(200, { ...headers, "content-type": incrementalDelivery.contentType, "cache-control": "no-cache, no-store" });
  const initial = JSON.parse(response.body.string) as Record<string, unknown>;
  res.write(incrementalDelivery.first(JSON.stringify({ ...initial, hasNext: true })));
  // The client went away: the deferred blocks still running deliver nothing more.
  let gone = false;
  res.once("close", () => {
    if (res.writableFinished) return;
    gone = true;
    void iterator.return?.();
  });
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done || gone) break;
      const payload = next.value;
      const incremental = payload.incremental?.map((item) => formatItem(item, writing));
      res.write(incrementalDelivery.next(JSON.stringify(incremental ? { incremental, hasNext: payload.hasNext } : { hasNext: payload.hasNext })));
      if (!payload.hasNext) break;
    }
  } finally {
    if (!res.writableEnded && !res.destroyed) res.end(incrementalDelivery.end);
  }
}

function formatItem(item: IncrementalItem, writing: IncrementalWriting) {
  writing.adjustItem?.(item);
  const formatted: Record<string, unknown> = {};
  if (item.errors?.length) formatted.errors = writing.formatErrors(item.errors);
  formatted.data = item.data;
  formatted.path = item.path;
  if (item.label !== undefined) formatted.label = item.label;
  const completion = item.extensions?.valueCompletion as GraphQLError[] | undefined;
  // As in a whole result (Apollo Server serialises the gateway's extensions as they are).
  if (completion) formatted.extensions = { valueCompletion: completion.map((error) => error.toJSON()) };
  return formatted;
}
