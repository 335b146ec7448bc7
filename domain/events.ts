// The platform's events: one definition each, shared by producers (the outbox writer validates against it)
// and consumers (payloads arrive parsed and typed). docs/events.md describes the same list for people.
// The machinery (outbox, relay, transports, consumers) is generic plumbing in kernel/events; this catalogue
// binds it to the bank's events: import `appendOutboxEvent` and `createEventConsumer` from here.
import { z } from "zod";
import {
  appendOutboxEvent as appendToOutbox,
  createEventConsumer as createConsumer,
  type AnyEventOf,
  type EventConsumer,
  type EventConsumerOptions,
  type EventHandler as HandlerOf,
  type EventHandlers as HandlersOf,
  type NewEvent,
  type OutboxTx,
} from "#kernel/events/index.js";
import {
  createEventRegistry,
  defineEvent,
  id,
  minorUnits,
  timestamp,
  type EventEnvelope,
  type EventOf,
  type PayloadOf,
  type ProducerDomain,
  type StreamDomain,
} from "#kernel/events/registry.js";
import { isSupportedCurrency } from "./money.js";

const currencyCode = () => z.string().refine(isSupportedCurrency, "an ISO 4217 currency the platform supports");

const amount = { amountMinor: minorUnits(), currency: currencyCode() };
const transferPosted = z.object({ transactionId: id(), fromAccountId: id(), fromOwnerId: id().nullable(), toAccountId: id(), toOwnerId: id().nullable(), ...amount, postedAt: timestamp() });
const singleAccountPosting = z.object({ transactionId: id(), accountId: id(), ownerId: id().nullable(), ...amount, postedAt: timestamp() });
// Owner ids are null for the bank's own settlement accounts.
const holdFields = { holdId: id(), accountId: id(), ownerId: id().nullable(), ...amount };
const accountFields = { accountId: id(), ownerId: id() };
const loginDevice = { newDevice: z.boolean() };
// Audit records (domain/audit-trail.ts): one per mutation resolved by a subgraph, written to that service's
// outbox. `details` is already redacted by the producer (and again by the audit service).
const client = { clientIp: z.string().max(100).nullable(), userAgent: z.string().max(512).nullable() };
const auditRecorded = z.object({
  action: z.string().min(1).max(200),
  outcome: z.enum(["SUCCESS", "FAILURE", "DENIED"]),
  errorCode: z.string().max(100).nullable(),
  entityType: z.string().min(1).max(100),
  entityId: z.string().max(200).nullable(),
  ...client,
  details: z.record(z.string(), z.unknown()),
});
const auditRecordedEvent = <const Type extends string>(type: Type, producer: string) =>
  defineEvent({
    type, version: 1, aggregateType: "AuditRecord", payload: auditRecorded,
    description: "A mutation was resolved (with its outcome): the audit record of that request, written by the service that resolved it.",
    producer, consumers: ["audit"],
  });

export const EVENT_DEFINITIONS = {
  // ledger (transactions subgraph)
  "ledger.transfer.posted": defineEvent({
    type: "ledger.transfer.posted", version: 1, aggregateType: "LedgerTransaction", payload: transferPosted,
    description: "A transfer between two accounts was posted (money left one account and reached the other).",
    producer: "transactions", consumers: ["notifications", "audit", "reporting"],
  }),
  "ledger.deposit.posted": defineEvent({
    type: "ledger.deposit.posted", version: 1, aggregateType: "LedgerTransaction", payload: singleAccountPosting,
    description: "A teller deposit was credited to an account.",
    producer: "transactions", consumers: ["notifications", "audit", "reporting"],
  }),
  "ledger.withdrawal.posted": defineEvent({
    type: "ledger.withdrawal.posted", version: 1, aggregateType: "LedgerTransaction", payload: singleAccountPosting,
    description: "A teller withdrawal was debited from an account.",
    producer: "transactions", consumers: ["notifications", "audit", "reporting"],
  }),
  "ledger.reversal.posted": defineEvent({
    type: "ledger.reversal.posted", version: 1, aggregateType: "LedgerTransaction",
    payload: transferPosted.extend({ reversedTransactionId: id() }),
    description: "An admin reversed a transaction; from/to are the sides of the reversing transaction.",
    producer: "transactions", consumers: ["notifications", "audit", "reporting"],
  }),
  "ledger.hold.placed": defineEvent({
    type: "ledger.hold.placed", version: 1, aggregateType: "Hold", payload: z.object({ ...holdFields, expiresAt: timestamp() }),
    description: "Funds were reserved on an account (reduces the available balance until captured, voided or expired).",
    producer: "transactions", consumers: ["notifications", "audit", "reporting"],
  }),
  "ledger.hold.captured": defineEvent({
    type: "ledger.hold.captured", version: 1, aggregateType: "Hold", payload: z.object({ ...holdFields, transactionId: id() }),
    description: "A hold was captured: the reserved amount was posted by the given transaction.",
    producer: "transactions", consumers: ["notifications", "audit", "reporting"],
  }),
  "ledger.hold.voided": defineEvent({
    type: "ledger.hold.voided", version: 1, aggregateType: "Hold", payload: z.object(holdFields),
    description: "A hold was released before capture.",
    producer: "transactions", consumers: ["notifications", "audit", "reporting"],
  }),
  "ledger.hold.expired": defineEvent({
    type: "ledger.hold.expired", version: 1, aggregateType: "Hold", payload: z.object(holdFields),
    description: "A hold reached its expiry without capture and was released.",
    producer: "transactions", consumers: ["notifications", "audit", "reporting"],
  }),
  "ledger.transfer.failed": defineEvent({
    type: "ledger.transfer.failed", version: 1, aggregateType: "LedgerAccount",
    payload: z.object({
      fromAccountId: id(), fromOwnerId: id().nullable(), toAccountId: id(), ...amount,
      reason: z.enum(["INSUFFICIENT_FUNDS", "ACCOUNT_FROZEN", "ACCOUNT_CLOSED"]), failedAt: timestamp(),
    }),
    description: "A valid transfer request was refused by the ledger (no funds, frozen or closed account); nothing moved.",
    producer: "transactions", consumers: ["notifications", "reporting"],
  }),
  "ledger.hold.expiring": defineEvent({
    type: "ledger.hold.expiring", version: 1, aggregateType: "Hold", payload: z.object({ ...holdFields, expiresAt: timestamp() }),
    description: "A pending hold will expire soon (HOLD_EXPIRY_WARNING_SECONDS before `expiresAt`); at most once per hold.",
    producer: "transactions", consumers: ["notifications"],
  }),
  // accounts
  "accounts.account.opened": defineEvent({
    type: "accounts.account.opened", version: 1, aggregateType: "Account",
    payload: z.object({ ...accountFields, accountType: z.string().min(1), currency: currencyCode() }),
    description: "An account was opened (usable at once).",
    producer: "accounts", consumers: ["notifications", "audit", "reporting"],
  }),
  "accounts.account.frozen": defineEvent({
    type: "accounts.account.frozen", version: 1, aggregateType: "Account", payload: z.object(accountFields),
    description: "An account was frozen: no debit succeeds until it is unfrozen.",
    producer: "accounts", consumers: ["notifications", "audit", "reporting"],
  }),
  "accounts.account.unfrozen": defineEvent({
    type: "accounts.account.unfrozen", version: 1, aggregateType: "Account", payload: z.object(accountFields),
    description: "A frozen account was made active again.",
    producer: "accounts", consumers: ["notifications", "audit", "reporting"],
  }),
  "accounts.account.closed": defineEvent({
    type: "accounts.account.closed", version: 1, aggregateType: "Account", payload: z.object(accountFields),
    description: "An account was closed (final).",
    producer: "accounts", consumers: ["notifications", "audit", "reporting"],
  }),
  // users (identity)
  "users.login.succeeded": defineEvent({
    type: "users.login.succeeded", version: 1, aggregateType: "User",
    payload: z.object({ userId: id(), sessionId: id(), ...loginDevice, mfa: z.boolean() }),
    description: "A password login (with MFA when enabled) started a session; `newDevice` when the device was not seen before.",
    producer: "users", consumers: ["notifications", "audit", "reporting"],
  }),
  "users.login.failed": defineEvent({
    type: "users.login.failed", version: 1, aggregateType: "User",
    payload: z.object({ userId: id(), reason: z.enum(["INVALID_CREDENTIALS", "INVALID_MFA_CODE", "ACCOUNT_LOCKED"]), ...loginDevice }),
    description: "A login attempt for an existing user failed (unknown e-mail addresses produce no event).",
    producer: "users", consumers: ["notifications", "audit"],
  }),
  "users.mfa.enabled": defineEvent({
    type: "users.mfa.enabled", version: 1, aggregateType: "User", payload: z.object({ userId: id() }),
    description: "TOTP multi-factor authentication was enabled.",
    producer: "users", consumers: ["notifications", "audit"],
  }),
  "users.mfa.enrollment_started": defineEvent({
    type: "users.mfa.enrollment_started", version: 1, aggregateType: "User", payload: z.object({ userId: id() }),
    description: "A new TOTP secret and recovery codes were issued (MFA enrolment started, after step-up).",
    producer: "users", consumers: ["notifications"],
  }),
  "users.security.alert": defineEvent({
    type: "users.security.alert", version: 1, aggregateType: "User",
    payload: z.object({
      userId: id(),
      reason: z.enum(["REPEATED_FAILED_ATTEMPTS", "SESSION_REVOKED_AFTER_FAILURES"]),
      failures: z.number().int().min(0),
    }),
    description: "Repeated wrong passwords or codes on the account (from any address), or a session revoked after them.",
    producer: "users", consumers: ["notifications"],
  }),
  "users.mfa.disabled": defineEvent({
    type: "users.mfa.disabled", version: 1, aggregateType: "User", payload: z.object({ userId: id() }),
    description: "TOTP multi-factor authentication was disabled.",
    producer: "users", consumers: ["notifications", "audit"],
  }),
  "users.password.changed": defineEvent({
    type: "users.password.changed", version: 1, aggregateType: "User",
    payload: z.object({ userId: id(), otherSessionsRevoked: z.number().int().min(0) }),
    description: "The user's password was changed; other sessions were revoked.",
    producer: "users", consumers: ["notifications", "audit"],
  }),
  "users.user.locked": defineEvent({
    type: "users.user.locked", version: 1, aggregateType: "User",
    payload: z.object({ userId: id(), reason: z.enum(["TOO_MANY_ATTEMPTS", "STAFF", "REFRESH_TOKEN_REUSE"]) }),
    description: "The user was locked out (by throttling, by staff, or after a stolen refresh token was detected).",
    producer: "users", consumers: ["notifications", "audit"],
  }),
  "users.refresh_token.reuse_detected": defineEvent({
    type: "users.refresh_token.reuse_detected", version: 1, aggregateType: "User",
    payload: z.object({ userId: id(), sessionId: id() }),
    description: "A rotated refresh token was presented again: the session's token family was revoked.",
    producer: "users", consumers: ["notifications", "audit"],
  }),
  "users.security.recorded": defineEvent({
    type: "users.security.recorded", version: 1, aggregateType: "User",
    payload: z.object({
      type: z.string().min(1).max(100),
      userId: id().nullable(),
      actorId: id().nullable(),
      sessionId: id().nullable(),
      ...client,
      details: z.record(z.string(), z.unknown()),
    }),
    description: "A security event of the users service (login success/failure, MFA, lockout, refresh-token reuse, key rotation ...), for the audit trail.",
    producer: "users", consumers: ["audit"],
  }),
  // audit records of mutations, one type per producing service's outbox
  "users.audit.recorded": auditRecordedEvent("users.audit.recorded", "users"),
  "accounts.audit.recorded": auditRecordedEvent("accounts.audit.recorded", "accounts"),
  "ledger.audit.recorded": auditRecordedEvent("ledger.audit.recorded", "transactions"),
  "notifications.audit.recorded": auditRecordedEvent("notifications.audit.recorded", "notifications"),
  "reporting.audit.recorded": auditRecordedEvent("reporting.audit.recorded", "reporting"),
  // router (no outbox: published straight to its stream, best effort; router/src/security-events.ts)
  "router.security.recorded": defineEvent({
    type: "router.security.recorded", version: 1, aggregateType: "Request",
    payload: z.object({
      kind: z.enum(["AUTHORIZATION_DENIED", "RATE_LIMITED", "TOKEN_REFUSED"]),
      reason: z.string().max(500),
      coordinates: z.array(z.string().max(200)).max(100),
      operationName: z.string().max(200).nullable(),
      ...client,
    }),
    description: "The router refused a request: authorization directives, a rate limit, or an access token it would not accept.",
    producer: "router", consumers: ["audit"],
  }),
} as const;

export type EventDefinitions = typeof EVENT_DEFINITIONS;
export type EventType = keyof EventDefinitions & string;
/** A parsed event of one type, its payload typed. */
export type PlatformEvent<Type extends EventType = EventType> = { [T in Type]: EventOf<EventDefinitions, T> }[Type];
export type EventTypeOfDomain<Domain extends string> = Extract<EventType, `${Domain}.${string}`>;

export const eventRegistry = createEventRegistry(EVENT_DEFINITIONS);

export type EventHandler<Type extends EventType> = HandlerOf<EventDefinitions, Type>;
export type EventHandlers<Domain extends StreamDomain> = HandlersOf<EventDefinitions, Domain>;
export type { AnyEventOf };

/**
 * Writes one of the catalogue's events to `domain`'s outbox inside the caller's transaction (kernel/events/outbox.ts):
 * after the change it describes; a payload that does not match its definition throws and rolls back.
 */
export function appendOutboxEvent<Domain extends ProducerDomain, Type extends EventTypeOfDomain<Domain>>(
  tx: OutboxTx,
  domain: Domain,
  event: NewEvent<Type, PayloadOf<EventDefinitions, Type>>,
): Promise<EventEnvelope<Type, PayloadOf<EventDefinitions, Type>>> {
  return appendToOutbox(eventRegistry, tx, domain, event);
}

/** A consumer group on one domain's stream whose events are parsed (and upcast) with this catalogue. */
export function createEventConsumer<Domain extends StreamDomain>(
  options: Omit<EventConsumerOptions<EventDefinitions, Domain>, "registry">,
): EventConsumer {
  return createConsumer({ ...options, registry: eventRegistry });
}
