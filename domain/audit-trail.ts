// The audit trail's producer side, generic for every subgraph: each Mutation field is wrapped so that
// resolving it produces exactly ONE audit event (action = the field name, outcome SUCCESS / FAILURE /
// DENIED with the error code, actor, target, client, request id, redacted arguments) in the service's own
// outbox, from where the relay and the audit service's consumer take it (docs/audit.md).
//
// Successful changes: the field runs inside an "audit scope" (AsyncLocalStorage). When the service writes a
// domain event to its outbox inside its transaction, the hook below writes the audit event in that same
// transaction (fixed id, ON CONFLICT DO NOTHING: retried transactions and several writes stay one row), so the
// record exists if and only if the change committed. Anything else (no transaction, failures, denials, replays)
// is written right after the field resolved, on its own; nothing else was committed then.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import {
  GraphQLError,
  defaultFieldResolver,
  getNamedType,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from "graphql";
import { Counter, type Registry } from "prom-client";
import { Prisma } from "#kernel/db.js";
import { eventRegistry } from "./events.js";
import { setOutboxWriteHook, type OutboxTx } from "#kernel/events/outbox.js";
import type { EventEnvelope, ProducerDomain } from "#kernel/events/registry.js";
import type { Caller } from "#kernel/identity.js";
import type { Logger } from "#kernel/logger.js";
import type { SchemaInstrument } from "#kernel/subgraph-server.js";

export type AuditOutcome = "SUCCESS" | "FAILURE" | "DENIED";


/** Error codes that mean "refused by authorization" rather than "tried and failed". */
const DENIED_CODES = new Set(["FORBIDDEN", "UNAUTHENTICATED"]);

// ---------------------------------------------------------------------------------------------------------
// Redaction: by key name (at any depth) and by value pattern (wherever a secret-looking value hides).

export const REDACTED = "[redacted]";

/** Keys whose values never enter the trail: secrets, and personal data an audit record does not need. */
const SECRET_KEY =
  /password|passphrase|token|secret|totp|otp|recovery|^code$|authorization|cookie|card|cvv|cvc|^pan$|^pin$|signature|private_?key|signing_?key|api_?key|email|phone|birth|address|^name$|first_?name|last_?name|full_?name/i;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SECRET_VALUES: readonly RegExp[] = [
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\./, // a JWT (access token, signed identity)
  /otpauth:\/\//i, // a TOTP enrolment URI (carries the secret)
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /[^\s@]+@[^\s@]+\.[^\s@]+/, // an e-mail address
  /(?:bearer|basic)\s+\S+/i,
];
/** Opaque credentials: 32+ characters of base64/base64url/hex (refresh tokens, secrets, hashes of them). */
const OPAQUE_CREDENTIAL = /[A-Za-z0-9_+/=-]{32,}/;

function looksLikeCardNumber(value: string): boolean {
  for (const match of value.matchAll(/\d(?:[ -]?\d){12,18}/g)) {
    const digits = match[0].replace(/\D/g, "");
    if (digits.length < 13 || digits.length > 19) continue;
    let sum = 0;
    for (let index = 0; index < digits.length; index++) {
      let digit = Number(digits[digits.length - 1 - index]);
      if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    if (sum % 10 === 0) return true;
  }
  return false;
}

/** Whether a string value is a secret (or personal data) whatever key it is under. */
export function isSecretValue(value: string): boolean {
  if (UUID.test(value)) return false;
  if (SECRET_VALUES.some((pattern) => pattern.test(value))) return true;
  const opaque = OPAQUE_CREDENTIAL.exec(value);
  if (opaque && !UUID.test(opaque[0]) && !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(opaque[0])) return true;
  return looksLikeCardNumber(value);
}

/** A copy of `value` with every secret-looking key's value, and every secret-looking string, censored. */
export function redactAuditDetails(value: unknown): unknown {
  if (typeof value === "string") return isSecretValue(value) ? REDACTED : value;
  if (Array.isArray(value)) return value.map(redactAuditDetails);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, member]) => [key, SECRET_KEY.test(key) ? REDACTED : redactAuditDetails(member)]),
  );
}

// ---------------------------------------------------------------------------------------------------------
// The audit scope of one mutation field.

interface AuditScope {
  /** The audit event's id (and outbox row id): one per field resolution. */
  id: string;
  domain: ProducerDomain;
  action: string;
  caller: Caller | null;
  requestId: string | null;
  client: { ip: string | null; userAgent: string | null };
  details: Record<string, unknown>;
  /** Set when the hook tried to write the event inside a transaction (it may have rolled back). */
  triedInTransaction: boolean;
  /** Set by auditRecordCommitted: that transaction is known to have committed (no need to look). */
  knownCommitted?: boolean;
}

const scopes = new AsyncLocalStorage<AuditScope>();

/**
 * Events written on the failure paths of a mutation (a failed login commits its security event, then the
 * mutation fails): the audit record must not be written as SUCCESS with them.
 */
const FAILURE_SECURITY_EVENTS = new Set([
  "LOGIN_FAILED", "LOCKED_OUT", "REFRESH_TOKEN_REUSED", "STEP_UP_FAILED", "REPEATED_FAILURES", "SESSION_REVOKED_AFTER_FAILURES",
]);
function isFailurePathEvent(envelope: EventEnvelope): boolean {
  // e.g. ledger.transfer.failed, written on its own after the refused transfer rolled back
  if (envelope.type.endsWith(".failed")) return true;
  switch (envelope.type) {
    case "users.refresh_token.reuse_detected":
    case "users.security.alert":
      return true;
    case "users.security.recorded":
      return FAILURE_SECURITY_EVENTS.has(String((envelope.payload as { type?: unknown }).type));
    case "users.user.locked":
      return (envelope.payload as { reason?: string }).reason !== "STAFF";
    default:
      return false;
  }
}

interface AuditRecordFields {
  outcome: AuditOutcome;
  errorCode: string | null;
  entityType: string;
  entityId: string | null;
}

type RawExecutor = Pick<OutboxTx, "$executeRaw">;

/** The outbox row of an audit event (ON CONFLICT: one row per scope, whatever writes it first). */
async function insertAuditEvent(db: RawExecutor, scope: AuditScope, fields: AuditRecordFields): Promise<void> {
  const type = `${scope.domain}.audit.recorded`;
  const definition = eventRegistry.get(type);
  if (!definition) throw new Error(`no ${type} event in the catalog`);
  const payload = eventRegistry.validatePayload(type as "users.audit.recorded", {
    action: scope.action,
    outcome: fields.outcome,
    errorCode: fields.errorCode,
    entityType: fields.entityType,
    entityId: fields.entityId?.slice(0, 200) ?? null,
    clientIp: scope.client.ip?.slice(0, 100) ?? null,
    userAgent: scope.client.userAgent?.slice(0, 512) ?? null,
    details: redactAuditDetails(scope.details) as Record<string, unknown>,
  });
  const actor = scope.caller ? { userId: scope.caller.userId, role: scope.caller.role, sessionId: scope.caller.sessionId } : null;
  await db.$executeRaw`
    INSERT INTO ${Prisma.raw(`"${scope.domain}"."outbox_events"`)}
      ("id", "type", "version", "aggregate_type", "aggregate_id", "occurred_at", "actor", "request_id", "payload")
    VALUES (${scope.id}::uuid, ${type}, ${definition.version}, ${definition.aggregateType},
            ${fields.entityId?.slice(0, 200) || scope.requestId || scope.id}, ${new Date().toISOString()}::timestamptz,
            ${actor === null ? null : JSON.stringify(actor)}::jsonb, ${scope.requestId}, ${JSON.stringify(payload)}::jsonb)
    ON CONFLICT ("id") DO NOTHING`;
}

// The hook runs inside the producer's transaction, right after its own outbox event.
setOutboxWriteHook(async (tx, domain, envelope) => {
  const scope = scopes.getStore();
  if (!scope || scope.domain !== domain || isFailurePathEvent(envelope)) return;
  scope.triedInTransaction = true;
  await insertAuditEvent(tx, scope, {
    outcome: "SUCCESS",
    errorCode: null,
    entityType: envelope.aggregateType,
    entityId: envelope.aggregateId,
  });
});

/**
 * The service saw the transaction that carried this mutation's audit record commit (a ledger function
 * returned a new movement, with every row it was given): the record need not be looked up after the field
 * resolves, which saves a statement on every money movement.
 */
export function auditRecordCommitted(): void {
  const scope = scopes.getStore();
  if (scope?.triedInTransaction) scope.knownCommitted = true;
}

// ---------------------------------------------------------------------------------------------------------
// Wrapping the Mutation fields of a subgraph schema.

export interface AuditTrailOptions {
  /** The service name (metrics label). */
  service: string;
  domain: ProducerDomain;
  /** The service's database: audit events are outbox rows. */
  prisma: RawExecutor & { $queryRaw: OutboxQuery };
  logger: Logger;
}

type OutboxQuery = <T = unknown>(query: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => Prisma.PrismaPromise<T>;

const recorded = new Counter({
  name: "fedbank_audit_trail_events_total",
  help: "Audit events written by this process for resolved mutations, by service, outcome and path (transaction = with the change, after = on its own)",
  labelNames: ["service", "outcome", "path"],
  registers: [],
});
const writeFailures = new Counter({
  name: "fedbank_audit_trail_write_failures_total",
  help: "Audit events of resolved mutations that could not be written (logged with the request id)",
  labelNames: ["service"],
  registers: [],
});

/** Adds the audit trail's metrics to a service's registry. */
export function registerAuditTrailMetrics(registry: Registry): void {
  if (!registry.getSingleMetric("fedbank_audit_trail_events_total")) registry.registerMetric(recorded);
  if (!registry.getSingleMetric("fedbank_audit_trail_write_failures_total")) registry.registerMetric(writeFailures);
}

function errorCodeOf(error: unknown): string {
  const code = error instanceof GraphQLError ? error.extensions?.code : undefined;
  return typeof code === "string" ? code.slice(0, 100) : "INTERNAL_SERVER_ERROR";
}

const ENTITY_KEYS = ["transaction", "hold", "account", "user", "notification"] as const;
const ARGUMENT_ID_KEYS = ["id", "holdId", "accountId", "fromAccountId", "userId", "ownerId"] as const;

/** The object acted on: the returned object's id, a nested entity's, or an id among the arguments. */
function targetOf(info: GraphQLResolveInfo, args: Record<string, unknown>, result: unknown, caller: Caller | null) {
  const named = getNamedType(info.returnType);
  const object = result && typeof result === "object" ? (result as Record<string, unknown>) : null;
  if (object && typeof object.id === "string" && isObjectType(named)) return { entityType: named.name, entityId: object.id };
  for (const key of ENTITY_KEYS) {
    const nested = object?.[key] as { id?: unknown } | null | undefined;
    if (nested && typeof nested.id === "string") return { entityType: key[0]!.toUpperCase() + key.slice(1), entityId: nested.id };
  }
  const input = args.input && typeof args.input === "object" ? (args.input as Record<string, unknown>) : {};
  for (const key of ARGUMENT_ID_KEYS) {
    const value = args[key] ?? input[key];
    if (typeof value === "string") return { entityType: isObjectType(named) ? named.name : "User", entityId: value };
  }
  // Scalar results (logout, markAllNotificationsRead ...) act on the caller.
  return { entityType: isObjectType(named) ? named.name : "User", entityId: caller?.userId ?? null };
}

interface AuditedContext {
  caller?: Caller | null;
  requestId?: string;
  client?: { ip: string | null; userAgent: string | null };
}

/**
 * Wraps every field of the schema's Mutation type (in place) so that each resolution is audited once.
 * Registered by kernel/subgraph-server.ts for every database-backed subgraph: a new mutation needs no code.
 */
/**
 * The audit trail as a subgraph's schema instrument (kernel/subgraph-server.ts `instrumentSchema`): every
 * mutation of the schema becomes exactly one audit event in `domain`'s outbox (docs/audit.md).
 */
export function auditTrail(domain: ProducerDomain, prisma?: AuditTrailOptions["prisma"]): SchemaInstrument {
  return (schema, service) => {
    const database = prisma ?? service.prisma;
    if (!database) throw new Error(`the audit trail of ${service.name} needs its database`);
    registerAuditTrailMetrics(service.metrics);
    auditMutations(schema, { domain, prisma: database, service: service.name, logger: service.logger });
  };
}

export function auditMutations(schema: GraphQLSchema, options: AuditTrailOptions): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  const log = options.logger.child({ component: "audit-trail" });
  const table = `"${options.domain}"."outbox_events"`;

  async function committed(scope: AuditScope): Promise<boolean> {
    const rows = await options.prisma.$queryRaw<{ found: number }[]>`
      SELECT 1 AS found FROM ${Prisma.raw(table)} WHERE "id" = ${scope.id}::uuid`;
    return rows.length > 0;
  }

  async function finish(scope: AuditScope, fields: AuditRecordFields) {
    try {
      if (scope.triedInTransaction && (scope.knownCommitted || (await committed(scope)))) {
        recorded.inc({ service: options.service, outcome: "SUCCESS", path: "transaction" });
        if (fields.outcome !== "SUCCESS") {
          // The change committed and the field failed later: the record says what committed.
          log.warn({ requestId: scope.requestId, action: scope.action, errorCode: fields.errorCode }, "mutation failed after its change committed");
        }
        return;
      }
      await insertAuditEvent(options.prisma, scope, fields);
      recorded.inc({ service: options.service, outcome: fields.outcome, path: "after" });
    } catch (error) {
      writeFailures.inc({ service: options.service });
      log.error({ err: error, requestId: scope.requestId, action: scope.action }, "audit event could not be written");
    }
  }

  for (const field of Object.values(mutation.getFields())) {
    const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve ?? defaultFieldResolver;
    field.resolve = async (parent, args: Record<string, unknown>, context: AuditedContext, info) => {
      const scope: AuditScope = {
        id: randomUUID(),
        domain: options.domain,
        action: info.fieldName,
        caller: context.caller ?? null,
        requestId: context.requestId ?? null,
        client: context.client ?? { ip: null, userAgent: null },
        details: { field: `${info.parentType.name}.${info.fieldName}`, arguments: args },
        triedInTransaction: false,
      };
      let result: unknown;
      try {
        result = await scopes.run(scope, () => resolve(parent, args, context, info));
      } catch (error) {
        const code = errorCodeOf(error);
        const target = targetOf(info, args, undefined, scope.caller);
        await finish(scope, { outcome: DENIED_CODES.has(code) ? "DENIED" : "FAILURE", errorCode: code, ...target });
        throw error;
      }
      await finish(scope, { outcome: "SUCCESS", errorCode: null, ...targetOf(info, args, result, scope.caller) });
      return result;
    };
  }
}
