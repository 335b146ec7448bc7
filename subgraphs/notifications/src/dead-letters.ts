// Dead letters of the notifications consumers, as the admin API shows them (ids, type, error; no payload).
import type { DeadLetter } from "#kernel/events/transport.js";
import type { EventSource } from "./generated/resolvers-types.js";

export function sourceOf(source: EventSource): "users" | "accounts" | "ledger" {
  return source === "USERS" ? "users" : source === "ACCOUNTS" ? "accounts" : "ledger";
}

export function describeDeadLetter(letter: DeadLetter) {
  let eventId: string | null = null;
  let eventType: string | null = null;
  try {
    const parsed = (typeof letter.raw === "string" ? JSON.parse(letter.raw) : letter.raw) as { id?: unknown; type?: unknown } | null;
    if (typeof parsed?.id === "string") eventId = parsed.id;
    if (typeof parsed?.type === "string") eventType = parsed.type;
  } catch {
    // unreadable entry: shown without id and type
  }
  return {
    id: letter.entryId,
    sourceEntryId: letter.sourceEntryId,
    eventId,
    eventType,
    attempts: letter.attempts,
    error: letter.error,
    failedAt: new Date(letter.failedAt),
  };
}
