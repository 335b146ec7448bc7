// Subscriptions over HTTP on the same /graphql endpoint: Apollo's multipart protocol and graphql-sse's
// distinct-connections mode (framing.ts). One request is one subscription. Everything that decides whether
// and what it may receive is shared with graphql-ws (router/src/subscriptions/core.ts): the per-IP connection
// rate, the access token (Authorization header; the same verification and revocation), per-user slots, the
// operation's admission (limits, validation, cost, rate limits, authorization directives), the shared group
// that resolves each event once per scope, revocation (the stream ends: UNAUTHENTICATED), token expiry (the
// stream ends shortly before it, retryably: TOKEN_EXPIRING) and back-pressure (a response whose unsent bytes
// stay above SUBSCRIPTION_MAX_BUFFERED_BYTES, or reach four times as many, is cut: SLOW_CONSUMER, counted;
// judged over time by the graphql-ws rule, router/src/subscriptions/backlog.ts, because events that reach the
// router together are all written at once, before a client that reads had the time to take them). Refusals
// before the stream starts are ordinary GraphQL-over-HTTP JSON answers (401, 429 with Retry-After, 400).
// Wiring (server.ts): `if (streaming && (await streaming.handle(req, res))) return;` before the HTTP handler.
import type { IncomingMessage, ServerResponse } from "node:http";
import { GraphQLError, type FormattedExecutionResult } from "graphql";
import { HttpError, readRawBody, sendJson } from "#kernel/http.js";
import type { RouterConfig } from "../config.js";
import type { createRouterMetrics } from "../metrics.js";
import { fallenBehind, type BacklogState } from "../subscriptions/backlog.js";
import { CLOSE, checkBearer } from "../subscriptions/connection-auth.js";
import type { PreparedSubscription, SubscribePayload, SubscriptionCore } from "../subscriptions/core.js";
import { multipart, sse, streamingKind, type Framing } from "./framing.js";

export interface StreamingOptions {
  core: SubscriptionCore;
  config: RouterConfig;
  metrics: ReturnType<typeof createRouterMetrics>;
  clientIp(req: IncomingMessage): string | null;
}

const JSON_TYPE = { "content-type": "application/graphql-response+json; charset=utf-8" };

const refuse = (res: ServerResponse, status: number, message: string, code: string, headers: Record<string, string> = {}, extensions: Record<string, unknown> = {}) =>
  sendJson(res, status, { errors: [{ message, extensions: { code, ...extensions } }] }, { ...JSON_TYPE, ...headers });

export function createStreamingTransports(options: StreamingOptions) {
  const { core, config, metrics } = options;

  /** Handles `req` when it asks for a streaming subscription; false when it is an ordinary request. */
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const kind = streamingKind(req.headers.accept);
    if (!kind) return false;
    if (req.method !== "POST") {
      // GET would need the token in the URL (EventSource cannot set headers): not offered.
      refuse(res, 405, "Streaming subscriptions are POST requests with a JSON body", "BAD_REQUEST", { allow: "POST" });
      return true;
    }
    // JSON only: a cross-site form cannot send it without a preflight (CSRF, as for the HTTP handler).
    if (!(req.headers["content-type"] ?? "").toLowerCase().includes("application/json")) {
      refuse(res, 415, "Send the subscription as application/json", "BAD_REQUEST");
      return true;
    }
    const framing = kind === "multipart" ? multipart : sse;
    const transport = kind;
    const ip = options.clientIp(req);
    const client = { ip, userAgent: (req.headers["user-agent"] ?? "").slice(0, 512) || null };

    const retryAfter = await core.connectionRate(ip);
    if (retryAfter !== null) {
      refuse(res, 429, "Too many new streaming connections from this address", "RATE_LIMITED", { "retry-after": String(retryAfter) }, { retryAfterSeconds: retryAfter });
      return true;
    }
    const header = req.headers.authorization;
    const source = typeof header === "string" && header !== "" ? checkBearer(header) : { problem: "no access token: send Authorization: Bearer <access token>" };
    if ("problem" in source) {
      metrics.authFailures.inc();
      refuse(res, 401, source.problem, "UNAUTHENTICATED", { "www-authenticate": 'Bearer error="invalid_token"' });
      return true;
    }
    const outcome = await core.authenticate(source.header);
    if (!outcome.ok) {
      if (outcome.code === CLOSE.TRY_AGAIN_LATER) refuse(res, 503, outcome.reason, "SERVICE_UNAVAILABLE", { "retry-after": "1" });
      else refuse(res, 401, outcome.reason, "UNAUTHENTICATED", { "www-authenticate": 'Bearer error="invalid_token"' });
      return true;
    }
    let payload: SubscribePayload;
    try {
      const body = JSON.parse((await readRawBody(req, config.OPERATION_MAX_BYTES * 2)).toString("utf8")) as unknown;
      if (!body || typeof body !== "object" || Array.isArray(body)) throw new HttpError(400, "Expected a JSON object with a query");
      payload = body as SubscribePayload;
    } catch (failure) {
      const status = failure instanceof HttpError ? failure.status : 400;
      refuse(res, status, failure instanceof HttpError ? failure.message : "Request body is not valid JSON", "BAD_REQUEST");
      return true;
    }
    const slot = core.reserve(outcome.caller);
    if (slot instanceof GraphQLError) {
      refuse(res, 429, slot.message, "SUBSCRIPTION_LIMIT", {}, slot.extensions);
      return true;
    }
    const prepared = await core.prepare(outcome.caller, client, payload, transport);
    if (Array.isArray(prepared)) {
      slot();
      const errors = (prepared as readonly GraphQLError[]).map((each) => each.toJSON());
      const code = String(errors[0]?.extensions?.code ?? "BAD_REQUEST");
      const status = code === "RATE_LIMITED" ? 429 : code === "SERVICE_UNAVAILABLE" ? 503 : code === "FORBIDDEN" || code === "UNAUTHENTICATED" ? 403 : 400;
      const retry = errors[0]?.extensions?.retryAfterSeconds;
      sendJson(res, status, { errors }, { ...JSON_TYPE, ...(retry !== undefined ? { "retry-after": String(retry) } : {}) });
      return true;
    }
    stream(res, framing, transport, outcome, prepared as PreparedSubscription, slot);
    return true;
  }

  function stream(
    res: ServerResponse,
    framing: Framing,
    transport: "sse" | "multipart",
    outcome: Extract<Awaited<ReturnType<SubscriptionCore["authenticate"]>>, { ok: true }>,
    prepared: PreparedSubscription,
    slot: () => void,
  ) {
    res.writeHead(200, { "content-type": framing.contentType, "cache-control": "no-cache, no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    res.flushHeaders();
    res.write(framing.start);
    metrics.subscriptionsActive.inc();
    let finished = false;
    const backlog: BacklogState = { overSince: -1 };
    const finish = (last: string) => {
      if (finished) return;
      finished = true;
      clearInterval(heartbeat);
      leave();
      untrack();
      slot();
      metrics.subscriptionsActive.dec();
      if (!res.writableEnded && !res.destroyed) res.end(last);
    };
    const heartbeat = setInterval(() => {
      if (!res.destroyed) res.write(framing.heartbeat);
    }, config.SUBSCRIPTION_HEARTBEAT_MS);
    heartbeat.unref();
    const leave = core.attach(prepared, {
      deliver(result: FormattedExecutionResult) {
        if (finished) return;
        if (fallenBehind(backlog, res.writableLength, config.SUBSCRIPTION_MAX_BUFFERED_BYTES)) {
          // It does not keep up: a last part would not get through either. The client sees the stream fail.
          core.slowConsumer(transport);
          finish("");
          res.destroy();
          return;
        }
        metrics.subscriptionEvents.inc();
        res.write(framing.next(result));
      },
      end(result?: FormattedExecutionResult) {
        if (result) res.write(framing.next(result));
        finish(framing.complete);
      },
    });
    const untrack = core.track(
      {
        caller: outcome.caller,
        close(code, reason) {
          if (code === CLOSE.REAUTHENTICATE) finish(framing.end({ message: reason, code: "TOKEN_EXPIRING" }, true));
          else finish(framing.end({ message: reason, code: code === CLOSE.UNAUTHORIZED ? "UNAUTHENTICATED" : "SERVICE_UNAVAILABLE" }, code === CLOSE.GOING_AWAY));
        },
      },
      outcome.closeAt,
    );
    // The client went away (or completed: graphql-sse and Apollo abort the request).
    const stopping = () => finish(framing.end({ message: "the router is stopping; subscribe again", code: "SERVICE_UNAVAILABLE" }, true));
    live.add(stopping);
    res.once("close", () => {
      live.delete(stopping);
      finish("");
    });
  }

  /** Streams open now, each ended by its function (router stopping). */
  const live = new Set<() => void>();
  return {
    handle,
    /** Ends every stream retryably (clients come back, to another replica). */
    stop() {
      for (const stopping of [...live]) stopping();
    },
  };
}
