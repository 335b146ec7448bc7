// The one admission step every transport calls before it executes anything (HTTP in server.ts, graphql-ws in
// subscriptions/index.ts, and any streaming transport added later: SSE, HTTP multipart). A check written here
// holds for all of them; a transport never repeats or skips one.
//
// Contract (keep it small; subscription transports may call `admitSubscription` below, which wraps it):
//   const admission = createAdmission(deps);
//   const result = await admission.admit({ transport, requestId, caller, client, params, checkRevocation });
//   if (!result.admitted) → answer `result.refusal` (status, headers, errors) in the transport's framing and
//                            execute nothing; `refusal.executorAnswers` marks the two refusals (validation,
//                            authorization left nothing) that Apollo Server would give itself: a transport
//                            that runs through Apollo may let it answer them in its own wire format.
//   else                  → execute `result.query` (the resolved text: an operation sent by hash only has been
//                            looked up) with `result.operationName`/`variables`; `result.analysis` says which
//                            fields authorization removed (execute `analysis.document` when set, null those
//                            fields in the response with nullRemovedFields); `result.headers` go on the reply.
//   `caller` is the verified token (auth.ts) or null; `checkRevocation` reads the caller's session revocation in
//   the same store call as the rate limits (HTTP; sockets check it at connect and periodically).
//
// Order, cheapest first and each one bounded before the next may walk the document:
//   1. persisted documents: an operation named by hash is resolved from the trusted-documents manifest, then
//      APQ; a hash sent with a text that does not match it is refused (PERSISTED_QUERY_HASH_MISMATCH);
//   2. trusted documents (off / log / strict);
//   3. operation limits (protection/operation-limits.ts): size and tokens, then the linear expansion pre-check
//      (fragments, spreads, fields after expansion, memoised per fragment), then depth, aliases, root fields,
//      directives, all before graphql-js validation (OPERATION_LIMIT naming the limit);
//   4. static cost (protection/cost.ts, memoised per fragment) against COST_MAX_PER_OPERATION;
//   5. rate limits (protection/rate-limit.ts: requests, cost points, auth buckets; with the revocation read);
//   6. graphql-js validation (cached per parsed document and schema);
//   7. authorization directives (authorization.ts, memoised per fragment, cached per caller class).
import { randomUUID } from "node:crypto";
import { GraphQLError, getOperationAST, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import type { KeyValueCache } from "@apollo/utils.keyvaluecache";
import type { Logger } from "#kernel/logger.js";
import type { Caller } from "#kernel/identity.js";
import { revocationKey } from "./auth.js";
import { authorizationErrors, type OperationAnalysis, type OperationAuthorizer } from "./authorization.js";
import type { createRouterMetrics } from "./metrics.js";
import { operationCost } from "./protection/cost.js";
import type { OperationLimiter } from "./protection/operation-limits.js";
import type { RateLimiter } from "./protection/rate-limit.js";
import { parseOperationCached } from "./protection/root-fields.js";
import { apqCacheKey, persistedQueryHash, sha256Hex, type TrustedDocuments } from "./protection/trusted-documents.js";
import type { RouterSecurityEvent } from "./security-events.js";
import { documentCache } from "./document-cache.js";

export type Transport = "http" | "websocket" | "sse" | "multipart";
export type OperationType = "query" | "mutation" | "subscription";

export interface AdmissionRequest {
  transport: Transport;
  requestId: string;
  caller: Caller | null;
  client: { ip: string | null; userAgent: string | null };
  /** The GraphQL request parameters as received (POST body, GET query string, or a subscribe payload). */
  params: { query?: unknown; operationName?: unknown; variables?: unknown; extensions?: unknown };
  /** Read the caller's session revocation in the rate-limit store call (one round trip). */
  checkRevocation?: boolean;
}

export interface AdmissionError {
  message: string;
  path?: readonly (string | number)[];
  extensions: { code: string; [key: string]: unknown };
}

export interface Refusal {
  status: number;
  headers: Record<string, string>;
  errors: AdmissionError[];
  /** Present (null) when the operation was accepted but nothing of it may run (authorization). */
  data?: null;
  /** Apollo Server would give this answer itself (validation failed, authorization left nothing). */
  executorAnswers?: boolean;
  /** With `executorAnswers`: the operation text, and how it was found when the request named it by hash. */
  query?: string;
  persisted?: "manifest" | "apq" | null;
}

export type Admission =
  | {
      admitted: true;
      /** The operation text to execute; undefined only for HTTP with a hash Apollo must answer (APQ miss). */
      query: string | undefined;
      /** How the text was found when the request named it by hash. */
      persisted: "manifest" | "apq" | null;
      operationName: string | undefined;
      variables: Record<string, unknown>;
      operationType: OperationType | null;
      document: DocumentNode | undefined;
      /** The API schema the document was validated against (undefined only for HTTP before the first load). */
      schema: GraphQLSchema | undefined;
      cost: number | null;
      analysis: OperationAnalysis | undefined;
      headers: Record<string, string>;
    }
  | { admitted: false; refusal: Refusal };

export interface AdmissionDeps {
  trustedDocuments: TrustedDocuments;
  /** Apollo Server's APQ cache (shared store), when APQ is on. */
  apqCache?: KeyValueCache<string>;
  operationLimiter: OperationLimiter;
  rateLimiter: RateLimiter;
  authorizer: OperationAuthorizer;
  apiSchema(): GraphQLSchema | undefined;
  costMaxPerOperation: number;
  costDefaultListSize: number;
  metrics: ReturnType<typeof createRouterMetrics>;
  logger: Logger;
  /** Refused tokens, rate limits and authorization denials for the audit trail (security-events.ts). */
  securityEvent?(event: RouterSecurityEvent): void;
}

const JSON_CONTENT = { "content-type": "application/graphql-response+json; charset=utf-8" };

const refusal = (status: number, message: string, extensions: AdmissionError["extensions"], headers: Record<string, string> = {}): Admission => ({
  admitted: false,
  refusal: { status, headers: { ...JSON_CONTENT, ...headers }, errors: [{ message, extensions }] },
});

const isRecord = (value: unknown): value is Record<string, unknown> => !!value && typeof value === "object" && !Array.isArray(value);

/** graphql-js validation once per parsed document and schema (the parse is document-cache.ts's, shared). */
const validations = new WeakMap<DocumentNode, { schema: GraphQLSchema; errors: readonly GraphQLError[] }>();

function validateCached(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[] {
  const known = validations.get(document);
  if (known && known.schema === schema) return known.errors;
  const errors = validate(schema, document);
  validations.set(document, { schema, errors });
  return errors;
}

export function createAdmission(deps: AdmissionDeps) {
  const { metrics, logger } = deps;

  async function admit(request: AdmissionRequest): Promise<Admission> {
    const { params, caller, client, requestId, transport } = request;
    const operationName = typeof params.operationName === "string" ? params.operationName : undefined;
    const variables = isRecord(params.variables) ? params.variables : {};
    let query = typeof params.query === "string" ? params.query : undefined;
    let persisted: "manifest" | "apq" | null = null;

    // 1. Persisted documents: resolved to their text here, so everything below checks what will run.
    const hash = isRecord(params) ? persistedQueryHash(params as Record<string, unknown>) : undefined;
    if (hash && query !== undefined && sha256Hex(query) !== hash) {
      return refusal(400, "The persisted query's sha256Hash does not match its query text", { code: "PERSISTED_QUERY_HASH_MISMATCH", requestId });
    }
    if (hash && query === undefined) {
      const fromManifest = deps.trustedDocuments.lookup(hash);
      const fromApq =
        fromManifest === undefined && deps.apqCache && deps.trustedDocuments.mode !== "strict" ? await deps.apqCache.get(apqCacheKey(hash)) : undefined;
      query = fromManifest ?? fromApq;
      persisted = fromManifest !== undefined ? "manifest" : fromApq !== undefined ? "apq" : null;
    }

    // 2. Trusted documents, 3. operation limits (the expansion pre-check among them: nothing below walks an
    // unbounded document), 4. static cost. A refusal found here is answered after the rate limits have counted
    // the request, so refused requests still spend the sender's budget.
    let pending: Admission | undefined;
    const schema = deps.apiSchema();
    let cost: number | null = null;
    if (query !== undefined) {
      const trust = deps.trustedDocuments.check(query);
      if (!trust.trusted) {
        metrics.untrustedOperations.inc({ action: trust.refuse ? "refused" : "logged" });
        logger.warn({ requestId, transport, hash: trust.hash, operationName: operationName?.slice(0, 100), refused: trust.refuse }, "operation not in the trusted-documents manifest");
        if (trust.refuse) pending = refusal(400, "Operation is not in the trusted-documents manifest", { code: "OPERATION_NOT_TRUSTED", hash: trust.hash, requestId });
      }
      const violation = pending ? null : deps.operationLimiter.check(query);
      if (violation) {
        metrics.operationLimits.inc({ limit: violation.limit });
        pending = refusal(400, violation.message, { code: "OPERATION_LIMIT", limit: violation.limit, max: violation.max, requestId });
      }
      if (!pending && schema) {
        cost = operationCost(schema, query, operationName, variables, deps.costDefaultListSize);
        if (cost !== null && cost > deps.costMaxPerOperation) {
          metrics.operationLimits.inc({ limit: "cost" });
          pending = refusal(400, `Operation cost ${cost} exceeds the maximum of ${deps.costMaxPerOperation}`, {
            code: "COST_LIMIT_EXCEEDED",
            limit: "COST_MAX_PER_OPERATION",
            cost,
            max: deps.costMaxPerOperation,
            requestId,
          });
        }
      }
    } else if (hash && deps.trustedDocuments.mode === "strict") {
      metrics.untrustedOperations.inc({ action: "refused" });
      pending = refusal(400, "Operation is not in the trusted-documents manifest", { code: "OPERATION_NOT_TRUSTED", hash, requestId });
    } else if (transport !== "http") {
      // HTTP lets Apollo Server answer in the APQ protocol's own words; other transports answer here.
      return hash
        ? refusal(400, "PersistedQueryNotFound", { code: "PERSISTED_QUERY_NOT_FOUND", requestId })
        : refusal(400, "The request has no query", { code: "BAD_REQUEST", requestId });
    }
    if (!schema && transport !== "http" && !pending) pending = refusal(503, "The router is not ready", { code: "SERVICE_UNAVAILABLE", requestId }, { "retry-after": "1" });

    // 5. Rate limits: a refused operation is counted as a request, never charged a cost.
    const decision = await deps.rateLimiter.check(
      {
        caller,
        ip: client.ip,
        body: { query, operationName, variables },
        cost: !pending && cost !== null ? cost : 0,
        revocationKey: request.checkRevocation && caller ? revocationKey(caller) : undefined,
      },
      requestId,
    );
    if (decision.kind === "revoked") {
      metrics.authFailures.inc();
      logger.info({ requestId, reason: "revoked session" }, "access token refused");
      deps.securityEvent?.({ kind: "TOKEN_REFUSED", reason: "revoked session", caller, requestId, client });
      return refusal(401, "The session of this access token has been revoked", { code: "UNAUTHENTICATED", requestId }, { "www-authenticate": 'Bearer error="invalid_token"' });
    }
    if (decision.kind === "unavailable") {
      const message = decision.revocationUnchecked
        ? "Session revocation cannot be checked right now; try again shortly"
        : "Rate limits cannot be checked right now; retry shortly";
      return refusal(503, message, { code: "SERVICE_UNAVAILABLE", requestId }, { "retry-after": String(decision.retryAfterSeconds) });
    }
    if (decision.kind === "limited") {
      logger.info({ requestId, transport, limit: decision.limit }, "rate limited");
      deps.securityEvent?.({ kind: "RATE_LIMITED", reason: decision.limit, caller, requestId, client });
      return refusal(
        429,
        `Rate limit exceeded (${decision.limit}); retry in ${decision.retryAfterSeconds} s`,
        { code: "RATE_LIMITED", limit: decision.limit, retryAfterSeconds: decision.retryAfterSeconds, requestId },
        { ...decision.headers, "retry-after": String(decision.retryAfterSeconds) },
      );
    }
    const headers = decision.headers;
    if (pending && !pending.admitted) {
      pending.refusal.headers = { ...headers, ...pending.refusal.headers };
      return pending;
    }

    // 6. Validation, 7. authorization: only on a document that parses (a syntax error is the executor's to answer).
    const parsed = query !== undefined ? documentCache.parse(query, Number.MAX_SAFE_INTEGER) : undefined;
    const document = parsed?.kind === "document" ? parsed.document : undefined;
    if (query !== undefined && !document) {
      if (transport === "http") return admitted(query, undefined, null, undefined);
      const message = parsed?.kind === "syntaxError" ? parsed.error.message : "Syntax error";
      return refusal(400, message, { code: "GRAPHQL_PARSE_FAILED", requestId }, headers);
    }
    const operationType = query !== undefined ? ((parseOperationCached(query, operationName)?.operation.operation as OperationType | undefined) ?? null) : null;
    if (!schema || !document || query === undefined) return admitted(query, document, operationType, undefined);
    const invalid = validateCached(schema, document);
    if (invalid.length > 0) {
      return {
        admitted: false,
        refusal: {
          status: 400,
          headers: { ...JSON_CONTENT, ...headers },
          errors: invalid.map((each) => ({ message: each.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED", requestId } })),
          executorAnswers: true,
          query,
          persisted,
        },
      };
    }
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      return {
        admitted: false,
        refusal: {
          status: 400,
          headers: { ...JSON_CONTENT, ...headers },
          errors: [{ message: "No operation to run (name it with operationName)", extensions: { code: "OPERATION_RESOLUTION_FAILURE", requestId } }],
          executorAnswers: true,
          query,
          persisted,
        },
      };
    }
    // Apollo Server keys its plans by this same hash: its own authorization pass then hits the same cache entry.
    const analysis = deps.authorizer.analyze(schema, document, operationName ?? null, sha256Hex(query), caller);
    if (analysis.removed.size > 0) {
      deps.securityEvent?.({
        kind: "AUTHORIZATION_DENIED",
        reason: "authorization directives",
        coordinates: [...new Set(analysis.errors.map((removed) => removed.coordinate))],
        operationName: operationName ?? null,
        caller,
        requestId,
        client,
      });
    }
    if (analysis.rejected) {
      // 200 with `data: null` and the errors, as for an operation whose fields all failed; nothing is called.
      return {
        admitted: false,
        refusal: { status: 200, headers: { ...JSON_CONTENT, ...headers }, data: null, errors: authorizationErrors(analysis), executorAnswers: true, query, persisted },
      };
    }
    return admitted(query, document, operation.operation as OperationType, analysis);

    function admitted(text: string | undefined, parsedDocument: DocumentNode | undefined, type: OperationType | null, authorization: OperationAnalysis | undefined): Admission {
      return { admitted: true, query: text, persisted, operationName, variables, operationType: type, document: parsedDocument, schema: schema ?? undefined, cost, analysis: authorization, headers };
    }
  }

  return { admit };
}

export type RouterAdmission = ReturnType<typeof createAdmission>;

/** An admitted subscribe, in the shape a subscription transport plans and runs (subscriptions/core.ts). */
export interface AdmittedSubscription {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | null;
  /** As received; the transport coerces them against the operation's variable definitions. */
  variables: Record<string, unknown>;
  analysis: OperationAnalysis;
  requestId: string;
}

/**
 * `admit` for a subscribe message (graphql-ws, SSE, HTTP multipart): the admitted subscription, or the errors
 * to answer with (GraphQLErrors carrying the same `extensions.code`s as HTTP). Only subscriptions pass.
 */
export async function admitSubscription(
  admission: RouterAdmission,
  request: { transport: Exclude<Transport, "http">; caller: Caller; client: { ip: string | null; userAgent: string | null }; payload: AdmissionRequest["params"]; requestId?: string },
): Promise<AdmittedSubscription | GraphQLError[]> {
  const requestId = request.requestId ?? randomUUID();
  const result = await admission.admit({ transport: request.transport, requestId, caller: request.caller, client: request.client, params: request.payload });
  if (!result.admitted) return result.refusal.errors.map((each) => new GraphQLError(each.message, { path: each.path, extensions: each.extensions }));
  if (!result.document || !result.schema || !result.analysis) return [new GraphQLError("The router is not ready", { extensions: { code: "SERVICE_UNAVAILABLE" } })];
  if (result.operationType !== "subscription") {
    return [new GraphQLError(`Only subscriptions are served over ${request.transport}; send queries and mutations over HTTP`, { extensions: { code: "BAD_REQUEST" } })];
  }
  return { schema: result.schema, document: result.document, operationName: result.operationName ?? null, variables: result.variables, analysis: result.analysis, requestId };
}
