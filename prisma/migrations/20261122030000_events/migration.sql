-- Event backbone: a transactional outbox per producing domain (users, accounts, ledger) and a processed-events
-- table per consuming domain (notifications, audit, reporting). See docs/events.md and kernel/events/.

-- CreateTable
CREATE TABLE "users"."outbox_events" (
    "sequence" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor" JSONB,
    "request_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "accounts"."outbox_events" (
    "sequence" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor" JSONB,
    "request_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "ledger"."outbox_events" (
    "sequence" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "actor" JSONB,
    "request_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "notifications"."processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateTable
CREATE TABLE "audit"."processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateTable
CREATE TABLE "reporting"."processed_events" (
    "consumer" TEXT NOT NULL,
    "event_id" UUID NOT NULL,
    "event_type" TEXT NOT NULL,
    "processed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "processed_events_pkey" PRIMARY KEY ("consumer","event_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_id_key" ON "users"."outbox_events"("id");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_sequence_idx" ON "users"."outbox_events"("published_at", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_id_key" ON "accounts"."outbox_events"("id");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_sequence_idx" ON "accounts"."outbox_events"("published_at", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_id_key" ON "ledger"."outbox_events"("id");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_sequence_idx" ON "ledger"."outbox_events"("published_at", "sequence");

-- CreateIndex
CREATE INDEX "processed_events_processed_at_idx" ON "notifications"."processed_events"("processed_at");

-- CreateIndex
CREATE INDEX "processed_events_processed_at_idx" ON "audit"."processed_events"("processed_at");

-- CreateIndex
CREATE INDEX "processed_events_processed_at_idx" ON "reporting"."processed_events"("processed_at");


-- Hand-written invariants (not expressible in the Prisma schema). Each schema gets its own functions, so no
-- domain's tables depend on another domain's schema.

-- An outbox row is the only record that an event happened until the relay has published it: it can never be
-- deleted before it is published, its content never changes (only the relay's `published_at` mark), and the
-- table cannot be truncated. Each domain's outbox accepts only its own event types. An AFTER INSERT trigger
-- wakes the relays listening on `fedbank_outbox_<domain>` at commit (NOTIFY is transactional); polling stays
-- the safety net (and the only path on PGlite, which does not deliver notifications over the socket).
DO $do$
DECLARE
  domain text;
BEGIN
  FOREACH domain IN ARRAY ARRAY['users', 'accounts', 'ledger'] LOOP
    EXECUTE format('ALTER TABLE %I."outbox_events" ADD CONSTRAINT "outbox_events_type_of_domain" CHECK ("type" ~ %L)',
                   domain, '^' || domain || '(\.[a-z][a-z0-9_]*)+$');
    EXECUTE format('ALTER TABLE %I."outbox_events" ADD CONSTRAINT "outbox_events_version_positive" CHECK ("version" >= 1)', domain);
    EXECUTE format('ALTER TABLE %I."outbox_events" ADD CONSTRAINT "outbox_events_payload_object" CHECK (jsonb_typeof("payload") = ''object'')', domain);
    EXECUTE format('ALTER TABLE %I."outbox_events" ADD CONSTRAINT "outbox_events_actor_object" CHECK ("actor" IS NULL OR jsonb_typeof("actor") = ''object'')', domain);
    EXECUTE format('ALTER TABLE %I."outbox_events" ADD CONSTRAINT "outbox_events_aggregate_present" CHECK (length("aggregate_type") > 0 AND length("aggregate_id") > 0)', domain);

    EXECUTE format($fn$
      CREATE FUNCTION %I."outbox_events_guard"() RETURNS trigger LANGUAGE plpgsql AS $body$
      BEGIN
        IF TG_OP = 'TRUNCATE' THEN
          RAISE EXCEPTION 'outbox %%.%% cannot be truncated', TG_TABLE_SCHEMA, TG_TABLE_NAME;
        END IF;
        IF TG_OP = 'DELETE' THEN
          IF OLD."published_at" IS NULL THEN
            RAISE EXCEPTION 'outbox event %% cannot be deleted before it is published', OLD."id";
          END IF;
          RETURN OLD;
        END IF;
        IF NEW."sequence" IS DISTINCT FROM OLD."sequence" OR NEW."id" IS DISTINCT FROM OLD."id"
           OR NEW."type" IS DISTINCT FROM OLD."type" OR NEW."version" IS DISTINCT FROM OLD."version"
           OR NEW."aggregate_type" IS DISTINCT FROM OLD."aggregate_type"
           OR NEW."aggregate_id" IS DISTINCT FROM OLD."aggregate_id"
           OR NEW."occurred_at" IS DISTINCT FROM OLD."occurred_at" OR NEW."actor" IS DISTINCT FROM OLD."actor"
           OR NEW."request_id" IS DISTINCT FROM OLD."request_id" OR NEW."payload" IS DISTINCT FROM OLD."payload"
           OR NEW."created_at" IS DISTINCT FROM OLD."created_at" THEN
          RAISE EXCEPTION 'outbox events are immutable (only published_at may change)';
        END IF;
        RETURN NEW;
      END;
      $body$$fn$, domain);
    EXECUTE format($fn$
      CREATE FUNCTION %I."outbox_events_notify"() RETURNS trigger LANGUAGE plpgsql AS $body$
      BEGIN
        PERFORM pg_notify('fedbank_outbox_' || TG_TABLE_SCHEMA, '');
        RETURN NULL;
      END;
      $body$$fn$, domain);

    EXECUTE format('CREATE TRIGGER "outbox_events_guard" BEFORE UPDATE OR DELETE ON %1$I."outbox_events" FOR EACH ROW EXECUTE FUNCTION %1$I."outbox_events_guard"()', domain);
    EXECUTE format('CREATE TRIGGER "outbox_events_no_truncate" BEFORE TRUNCATE ON %1$I."outbox_events" FOR EACH STATEMENT EXECUTE FUNCTION %1$I."outbox_events_guard"()', domain);
    EXECUTE format('CREATE TRIGGER "outbox_events_notify" AFTER INSERT ON %1$I."outbox_events" FOR EACH STATEMENT EXECUTE FUNCTION %1$I."outbox_events_notify"()', domain);
  END LOOP;
END;
$do$;

-- A processed-event record is a consumer's proof of having applied an event once: never rewritten (it may be
-- deleted by retention, long after any redelivery of that event could arrive).
DO $do$
DECLARE
  domain text;
BEGIN
  FOREACH domain IN ARRAY ARRAY['notifications', 'audit', 'reporting'] LOOP
    EXECUTE format($fn$
      CREATE FUNCTION %I."processed_events_immutable"() RETURNS trigger LANGUAGE plpgsql AS $body$
      BEGIN
        RAISE EXCEPTION 'processed events are never updated';
      END;
      $body$$fn$, domain);
    EXECUTE format('CREATE TRIGGER "processed_events_immutable" BEFORE UPDATE ON %1$I."processed_events" FOR EACH ROW EXECUTE FUNCTION %1$I."processed_events_immutable"()', domain);
  END LOOP;
END;
$do$;
