// The outbox relay: publishes a domain's unpublished outbox rows to the event transport in sequence order,
// then marks them published. Publish-then-mark makes delivery at-least-once (a crash between the two
// republishes the batch; consumers deduplicate by event id).
//
// One publisher per domain at a time: the relay that holds a session-level advisory lock on its own
// connection publishes, the others stand by and take over when its connection ends. A single publisher is
// what keeps each aggregate's events in order (skip-locked batches taken by several relays could overtake
// each other). The lock connection also runs the reads and the marks, so a relay that lost its connection
// (and with it the lock) can no longer mark anything.
import pg from "pg";
import type { Logger } from "../logger.js";
import { processEventMetrics, type EventMetrics } from "./metrics.js";
import { OUTBOX_TABLES } from "./outbox.js";
import type { EventEnvelope, ProducerDomain } from "./registry.js";
import { TransportError, type EventTransport, type OutgoingEvent } from "./transport.js";

export interface OutboxRelayOptions {
  /** The relay opens its own connection (it holds the advisory lock and LISTENs on it). */
  databaseUrl: string;
  domain: ProducerDomain;
  transport: EventTransport;
  logger: Logger;
  /** How often to look for new rows when no notification arrives. */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Longest pause between retries while the transport or the database is down. */
  maxBackoffMs?: number;
  /** Published rows are deleted after this long (0 keeps them). */
  retentionMs?: number;
  /**
   * When the transport reports it lost its data (`claimEpoch`, e.g. Redis restarted without persistence)
   * while this relay was publishing, the rows this relay published within this window are published again
   * (consumers deduplicate): they may have been unread. Default 60 s (consumers normally lag by far less).
   */
  republishWindowMs?: number;
  metrics?: EventMetrics;
}

export interface OutboxRelay {
  start(): void;
  /** Looks for new rows now (e.g. right after a commit in this process). */
  wake(): void;
  /** Stops publishing and releases the lock; a publish in flight is abandoned after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  status(): { leader: boolean; published: number; consecutiveFailures: number; lagSeconds: number | null };
}

interface OutboxRow {
  sequence: string;
  id: string;
  type: string;
  version: number;
  aggregate_type: string;
  aggregate_id: string;
  occurred_at: Date;
  actor: EventEnvelope["actor"];
  request_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
}

/**
 * Advisory locks are per backend; PGlite (embedded mode) serves every connection from one backend, so they
 * do not exclude relays of one process from each other there. This set does.
 */
const leadersInProcess = new Set<string>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { domain, transport } = options;
  const metrics = options.metrics ?? processEventMetrics;
  const logger = options.logger.child({ component: "outbox-relay", domain });
  const table = OUTBOX_TABLES[domain];
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const batchSize = options.batchSize ?? 200;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const retentionMs = options.retentionMs ?? 7 * 24 * 3600_000;
  const republishWindowMs = options.republishWindowMs ?? 60_000;
  /** The transport's marker was seen by this relay: its later absence means the transport lost data. */
  let epochSeen = false;
  /** What this relay published lately (batches' sequences and time), to publish again after such a loss. */
  let recentBatches: { at: number; sequences: string[] }[] = [];
  const MAX_REMEMBERED = 100_000;
  const leaderKey = `${options.databaseUrl}#${domain}`;
  // The relay's statements carry no parameters (only constants and digits it produced): simple-protocol
  // queries, which PGlite's shared backend cannot interleave with another connection's prepared statements.
  const lockKey = `hashtext('fedbank.outbox'), hashtext('${domain}')`;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error("batchSize must be a positive integer");

  let client: pg.Client | undefined;
  let leader = false;
  let running = false;
  let loop: Promise<void> | undefined;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let published = 0;
  let consecutiveFailures = 0;
  let lagSeconds: number | null = null;
  let lastPrune = 0;

  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (woken || !running) {
        woken = false;
        return resolve();
      }
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        woken = false;
        resolve();
      }
      wakeUp = done;
    });

  function wake() {
    woken = true;
    wakeUp?.();
  }

  async function connect(): Promise<pg.Client> {
    if (client) return client;
    const fresh = new pg.Client({ connectionString: options.databaseUrl, application_name: `fedbank-outbox-relay-${domain}` });
    fresh.on("error", () => dropConnection(fresh));
    fresh.on("end", () => dropConnection(fresh));
    fresh.on("notification", wake);
    await fresh.connect();
    await fresh.query(`LISTEN "fedbank_outbox_${domain}"`);
    client = fresh;
    return fresh;
  }

  function dropConnection(which: pg.Client | undefined = client) {
    if (!which || which !== client) return;
    client = undefined;
    if (leader) {
      leader = false;
      leadersInProcess.delete(leaderKey);
      logger.warn("outbox relay lost its database connection: leadership released");
    }
    which.end().catch(() => undefined);
  }

  async function acquireLeadership(db: pg.Client): Promise<boolean> {
    if (leader) return true;
    if (leadersInProcess.has(leaderKey)) return false;
    const { rows } = await db.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${lockKey}) AS locked`);
    if (!rows[0]?.locked || leadersInProcess.has(leaderKey)) {
      if (rows[0]?.locked) await db.query(`SELECT pg_advisory_unlock(${lockKey})`);
      return false;
    }
    leadersInProcess.add(leaderKey);
    leader = true;
    logger.info("outbox relay is publishing for its domain");
    return true;
  }

  function rememberBatch(sequences: string[]) {
    const since = Date.now() - republishWindowMs;
    recentBatches.push({ at: Date.now(), sequences });
    let remembered = recentBatches.reduce((sum, batch) => sum + batch.sequences.length, 0);
    while (recentBatches.length > 1 && (recentBatches[0]!.at < since || remembered > MAX_REMEMBERED)) {
      remembered -= recentBatches.shift()!.sequences.length;
    }
  }

  /** The transport came back without its data: what it held of the recent past is published again. */
  async function republishIfTransportLostData(db: pg.Client) {
    if (!transport.claimEpoch) return;
    let fresh: boolean;
    try {
      fresh = await transport.claimEpoch(domain);
    } catch (error) {
      throw error instanceof TransportError ? error : new TransportError(error instanceof Error ? error.message : String(error));
    }
    // A marker missing at this relay's first look is a new stream (or a loss this relay cannot date): no
    // republish then, or every restart of a relay against a new Redis would replay the recent past.
    const lost = fresh && epochSeen;
    epochSeen = true;
    if (!lost || republishWindowMs <= 0) return;
    const since = Date.now() - republishWindowMs;
    const sequences = recentBatches.filter((batch) => batch.at >= since).flatMap((batch) => batch.sequences);
    recentBatches = [];
    if (sequences.length === 0) return;
    // Sequences are digits from the database itself (simple protocol, no parameters).
    const { rowCount } = await db.query(`UPDATE ${table} SET "published_at" = NULL WHERE "sequence" IN (${sequences.join(",")})`);
    logger.warn({ republished: rowCount }, "event transport lost its data (restarted empty?): publishing this relay's recent events again");
  }

  async function publishBatch(db: pg.Client): Promise<number> {
    await republishIfTransportLostData(db);
    const { rows } = await db.query<OutboxRow>(
      // (ORDER BY names the bigint column: the text alias would sort "10" before "9".)
      `SELECT "sequence"::text AS sequence, "id", "type", "version", "aggregate_type", "aggregate_id", "occurred_at",
              "actor", "request_id", "payload", "created_at"
         FROM ${table} AS outbox WHERE "published_at" IS NULL ORDER BY outbox."sequence" LIMIT ${batchSize}`,
    );
    if (rows.length === 0) {
      lagSeconds = 0;
      metrics?.outboxLag?.(domain, 0);
      return 0;
    }
    lagSeconds = Math.max(0, (Date.now() - Math.min(...rows.map((row) => row.created_at.getTime()))) / 1000);
    metrics?.outboxLag?.(domain, lagSeconds);
    const events: OutgoingEvent[] = rows.map((row) => ({
      sequence: BigInt(row.sequence),
      envelope: {
        id: row.id,
        type: row.type,
        version: row.version,
        aggregateType: row.aggregate_type,
        aggregateId: row.aggregate_id,
        occurredAt: row.occurred_at.toISOString(),
        actor: row.actor,
        requestId: row.request_id,
        payload: row.payload,
      },
    }));
    try {
      await transport.publish(domain, events);
    } catch (error) {
      throw error instanceof TransportError ? error : new TransportError(error instanceof Error ? error.message : String(error));
    }
    // Sequences are digits from the database itself.
    const sequences = rows.map((row) => BigInt(row.sequence).toString());
    await db.query(`UPDATE ${table} SET "published_at" = now() WHERE "sequence" IN (${sequences.join(",")})`);
    if (republishWindowMs > 0) rememberBatch(sequences);
    published += rows.length;
    metrics?.outboxPublished?.(domain, rows.length);
    return rows.length;
  }

  async function prune(db: pg.Client) {
    if (retentionMs <= 0 || Date.now() - lastPrune < 10 * 60_000) return;
    lastPrune = Date.now();
    const { rowCount } = await db.query(
      `DELETE FROM ${table} WHERE "sequence" IN (
         SELECT "sequence" FROM ${table} WHERE "published_at" < now() - make_interval(secs => ${Math.floor(retentionMs / 1000)}) ORDER BY "sequence" LIMIT 10000)`,
    );
    if (rowCount) logger.debug({ deleted: rowCount }, "pruned published outbox rows");
  }

  async function run() {
    while (running) {
      try {
        const db = await connect();
        if (!(await acquireLeadership(db))) {
          consecutiveFailures = 0;
          await wait(Math.max(pollIntervalMs, 1_000));
          continue;
        }
        const count = await publishBatch(db);
        if (consecutiveFailures > 0) logger.info({ afterFailures: consecutiveFailures }, "outbox relay publishing again");
        consecutiveFailures = 0;
        if (count === batchSize) continue;
        await prune(db);
        await wait(pollIntervalMs);
      } catch (error) {
        if (!running) break;
        consecutiveFailures += 1;
        const transportDown = error instanceof TransportError;
        if (transportDown) metrics?.outboxPublishFailed?.(domain);
        else dropConnection();
        if (consecutiveFailures === 1 || consecutiveFailures % 20 === 0) {
          logger.warn(
            { err: error instanceof Error ? error.message : String(error), failures: consecutiveFailures },
            transportDown ? "outbox relay cannot publish (transport down); rows stay unpublished" : "outbox relay database problem",
          );
        }
        const backoff = Math.min(maxBackoffMs, pollIntervalMs * 2 ** Math.min(consecutiveFailures, 16));
        await sleep(backoff * (0.5 + Math.random() / 2));
      }
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    wake,
    async stop(graceMs = 5_000) {
      if (!running) return;
      running = false;
      wake();
      await Promise.race([loop, sleep(graceMs)]);
      const db = client;
      client = undefined;
      if (leader) leadersInProcess.delete(leaderKey);
      leader = false;
      // Ending the session releases the advisory lock; a publish still in flight can no longer mark rows.
      await db?.end().catch(() => undefined);
    },
    status: () => ({ leader, published, consecutiveFailures, lagSeconds }),
  };
}

/** Unpublished rows of a domain's outbox and the age of the oldest (for /metrics or an admin query). */
export async function outboxBacklog(
  db: Pick<pg.Pool, "query">,
  domain: ProducerDomain,
): Promise<{ unpublished: number; oldestAgeSeconds: number }> {
  const { rows } = await db.query<{ unpublished: string; oldest: number | null }>(
    `SELECT count(*)::text AS unpublished, extract(epoch FROM now() - min("created_at"))::float8 AS oldest
       FROM ${OUTBOX_TABLES[domain]} WHERE "published_at" IS NULL`,
  );
  return { unpublished: Number(rows[0]?.unpublished ?? 0), oldestAgeSeconds: Math.max(0, rows[0]?.oldest ?? 0) };
}
