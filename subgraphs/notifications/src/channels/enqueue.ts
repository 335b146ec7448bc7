// Queueing external deliveries: called by the consumers inside their event transaction, so a queued
// e-mail or webhook exists if and only if the event was handled (the queue is durable: a crash after the
// commit loses nothing, the dispatcher sends it later). The unique (event, user, kind, channel) index makes a
// redelivered event queue nothing twice. Channel choice comes from the user's preferences for the kind.
import { randomUUID } from "node:crypto";
import type { ConsumerTx } from "#kernel/events/index.js";
import type { ChannelName } from "./types.js";

export interface ChannelFlags {
  email: boolean;
  webhook: boolean;
}

export interface QueuedNotification {
  eventId: string;
  userId: string;
  transactionId?: string | null;
  rendered: { kind: string; title: string; body: string };
}

export function channelsChosen(preference: ChannelFlags | null): ChannelName[] {
  if (!preference) return []; // default: in-app only
  return [...(preference.email ? (["EMAIL"] as const) : []), ...(preference.webhook ? (["WEBHOOK"] as const) : [])];
}

export async function enqueueChannelDeliveries(tx: ConsumerTx, item: QueuedNotification, preference: ChannelFlags | null): Promise<void> {
  const channels = channelsChosen(preference);
  if (channels.length === 0) return;
  // The unique (event, user, kind, channel) index: a redelivered event queues nothing twice.
  await tx.query(
    `INSERT INTO "notifications"."notification_deliveries" (id, user_id, event_id, kind, channel, title, body, transaction_id)
     SELECT c.id, $2::uuid, $3::uuid, $4, c.channel, $5, $6, $7::uuid FROM unnest($1::uuid[], $8::text[]) AS c(id, channel)
     ON CONFLICT DO NOTHING`,
    [
      channels.map(() => randomUUID()), item.userId, item.eventId, item.rendered.kind, item.rendered.title, item.rendered.body,
      item.transactionId ?? null, channels,
    ],
  );
}
