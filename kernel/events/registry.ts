// The event envelope and a typed registry of event types: producers and consumers share one definition of
// each event (name, version, payload schema), so a payload that does not match never leaves the producer's
// transaction and a consumer always receives the shape it was written for.
import { z } from "zod";

/** The domains that own an outbox: the first segment of every event type. */
export const PRODUCER_DOMAINS = ["users", "accounts", "ledger", "notifications", "reporting"] as const;
export type ProducerDomain = (typeof PRODUCER_DOMAINS)[number];

/** Streams without an outbox: the router (no database) publishes its security events straight to Redis. */
export const STREAM_ONLY_DOMAINS = ["router"] as const;
/** Every stream a consumer can read: the producers' (fed by their outbox relays) and the stream-only ones. */
export type StreamDomain = ProducerDomain | (typeof STREAM_ONLY_DOMAINS)[number];

/** The domains that consume events and keep a processed-events table. */
export const CONSUMER_DOMAINS = ["notifications", "audit", "reporting"] as const;
export type ConsumerDomain = (typeof CONSUMER_DOMAINS)[number];

/** Who caused the event: the authenticated caller, or null for system events (expiry jobs, seeds). */
export const eventActorSchema = z
  .object({
    userId: z.uuid(),
    role: z.string().min(1),
    sessionId: z.uuid().nullable(),
  })
  .strict();
export type EventActor = z.infer<typeof eventActorSchema>;

/** The envelope as it travels (JSON): every event, whatever its type. */
export const eventEnvelopeSchema = z
  .object({
    id: z.uuid(),
    type: z.string().regex(/^[a-z]+(\.[a-z][a-z0-9_]*)+$/),
    version: z.number().int().min(1),
    aggregateType: z.string().min(1),
    aggregateId: z.string().min(1),
    occurredAt: z.iso.datetime({ offset: true }),
    actor: eventActorSchema.nullable(),
    requestId: z.string().nullable(),
    payload: z.record(z.string(), z.unknown()),
  })
  .strict();

export interface EventEnvelope<Type extends string = string, Payload = Record<string, unknown>> {
  id: string;
  type: Type;
  version: number;
  aggregateType: string;
  aggregateId: string;
  /** ISO 8601 timestamp of the change (the producer's clock, inside its transaction). */
  occurredAt: string;
  actor: EventActor | null;
  /** The request that caused the event, for tracing across services. */
  requestId: string | null;
  payload: Payload;
}

// Field helpers: payloads carry ids, amounts as minor-unit strings with their currency, and enums; never
// secrets and no personal data beyond ids.
export const id = () => z.uuid();
/** A non-negative amount in minor units, as a decimal string (bigint-safe JSON). */
export const minorUnits = () => z.string().regex(/^(0|[1-9]\d{0,19})$/, "minor units as a non-negative integer string");
export const timestamp = () => z.iso.datetime({ offset: true });

type PayloadSchema = z.ZodObject<z.ZodRawShape>;

/** A superseded version of an event and how to turn its payload into the current one. */
export interface LegacyVersion<Current> {
  payload: PayloadSchema;
  upcast(payload: Record<string, unknown>): Current;
}

export interface EventDefinition<Type extends string = string, Schema extends PayloadSchema = PayloadSchema> {
  type: Type;
  /** Current version; a breaking payload change bumps it and keeps the old one under `legacy`. */
  version: number;
  aggregateType: string;
  payload: Schema;
  description: string;
  /** The service that writes it (for the docs). */
  producer: string;
  /** The consumers that handle it, planned or live (for the docs). */
  consumers: readonly ConsumerDomain[];
  legacy?: Readonly<Record<number, LegacyVersion<z.infer<Schema>>>>;
}

export function defineEvent<const Type extends string, Schema extends PayloadSchema>(
  definition: EventDefinition<Type, Schema>,
): EventDefinition<Type, Schema> {
  return definition;
}

export function domainOfEventType(type: string): string {
  return type.slice(0, type.indexOf("."));
}

export class EventSchemaError extends Error {
  override readonly name = "EventSchemaError";
}

export type DefinitionMap = Readonly<Record<string, EventDefinition>>;
export type PayloadOf<Defs extends DefinitionMap, Type extends keyof Defs> = z.infer<Defs[Type]["payload"]>;
export type EventOf<Defs extends DefinitionMap, Type extends keyof Defs & string> = EventEnvelope<Type, PayloadOf<Defs, Type>>;

export interface EventRegistry<Defs extends DefinitionMap> {
  readonly definitions: Defs;
  get(type: string): EventDefinition | undefined;
  /** Validates a payload a producer is about to write (current version only). */
  validatePayload<Type extends keyof Defs & string>(type: Type, payload: unknown): PayloadOf<Defs, Type>;
  /**
   * Parses an envelope received from a transport: checks the envelope, then the payload against its
   * version's schema, upcasting older versions to the current one. Throws EventSchemaError for what no
   * retry can fix (malformed, unknown type, version newer than this code knows).
   */
  parse(raw: unknown): EventEnvelope;
}

export function createEventRegistry<const Defs extends DefinitionMap>(definitions: Defs): EventRegistry<Defs> {
  for (const [key, definition] of Object.entries(definitions)) {
    if (key !== definition.type) throw new Error(`event registry key ${key} differs from its type ${definition.type}`);
  }
  const get = (type: string) => (Object.hasOwn(definitions, type) ? definitions[type] : undefined);
  // `.strict()` builds a new schema each call (and zod compiles it again on first parse): once per type.
  const strictPayloads = new Map<string, z.ZodType>();
  const strictPayload = (definition: EventDefinition) => {
    let schema = strictPayloads.get(definition.type);
    if (!schema) strictPayloads.set(definition.type, (schema = definition.payload.strict()));
    return schema;
  };
  return {
    definitions,
    get,
    validatePayload(type, payload) {
      const definition = get(type);
      if (!definition) throw new EventSchemaError(`unknown event type ${type}`);
      const result = strictPayload(definition).safeParse(payload);
      if (!result.success) throw new EventSchemaError(`invalid ${type} payload: ${z.prettifyError(result.error)}`);
      return result.data as PayloadOf<Defs, typeof type>;
    },
    parse(raw) {
      const envelope = eventEnvelopeSchema.safeParse(raw);
      if (!envelope.success) throw new EventSchemaError(`malformed event envelope: ${z.prettifyError(envelope.error)}`);
      const event = envelope.data as EventEnvelope;
      const definition = get(event.type);
      if (!definition) throw new EventSchemaError(`unknown event type ${event.type}`);
      if (event.version === definition.version) {
        const payload = definition.payload.safeParse(event.payload);
        if (!payload.success) throw new EventSchemaError(`invalid ${event.type} v${event.version} payload: ${z.prettifyError(payload.error)}`);
        return { ...event, payload: payload.data };
      }
      const legacy = definition.legacy?.[event.version];
      if (!legacy) throw new EventSchemaError(`${event.type} version ${event.version} is not known (current ${definition.version})`);
      const old = legacy.payload.safeParse(event.payload);
      if (!old.success) throw new EventSchemaError(`invalid ${event.type} v${event.version} payload: ${z.prettifyError(old.error)}`);
      return { ...event, version: definition.version, payload: definition.payload.parse(legacy.upcast(old.data)) };
    },
  };
}
