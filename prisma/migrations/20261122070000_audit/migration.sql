-- The audit trail (docs/audit.md): who, from where, in which request and with which error code, on each
-- record (all covered by the record's hash); outboxes for the services that had none (notifications,
-- reporting), so every service's mutations reach the audit service through the event backbone.

-- AlterTable (adding nullable columns rewrites no row: the append-only trigger is not involved)
ALTER TABLE "audit"."audit_events" ADD COLUMN "session_id" UUID,
ADD COLUMN "error_code" TEXT,
ADD COLUMN "request_id" TEXT,
ADD COLUMN "client_ip" TEXT,
ADD COLUMN "user_agent" TEXT,
ADD COLUMN "source" TEXT;

-- CreateTable
CREATE TABLE "notifications"."outbox_events" (
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
CREATE TABLE "reporting"."outbox_events" (
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

-- CreateIndex
CREATE INDEX "audit_events_action_sequence_idx" ON "audit"."audit_events"("action", "sequence");

-- CreateIndex
CREATE INDEX "audit_events_request_id_idx" ON "audit"."audit_events"("request_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_id_key" ON "notifications"."outbox_events"("id");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_sequence_idx" ON "notifications"."outbox_events"("published_at", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_events_id_key" ON "reporting"."outbox_events"("id");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_sequence_idx" ON "reporting"."outbox_events"("published_at", "sequence");

-- The same hand-written guards as the other outboxes (20261122030000_events): checked content, immutable
-- rows (only `published_at` changes), no delete before publication, no TRUNCATE, NOTIFY to wake the relay.
DO $do$
DECLARE
  domain text;
BEGIN
  FOREACH domain IN ARRAY ARRAY['notifications', 'reporting'] LOOP
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

-- Audit records are never rewritten or removed (the foundation's triggers refuse UPDATE, DELETE and
-- TRUNCATE on audit_events); the consumers' processed-event records of the audit domain are not deleted either.
CREATE FUNCTION "audit"."processed_events_no_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on %.% is not allowed: the audit trail keeps its delivery record', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER "processed_events_no_delete" BEFORE DELETE ON "audit"."processed_events"
  FOR EACH ROW EXECUTE FUNCTION "audit"."processed_events_no_delete"();
CREATE TRIGGER "processed_events_no_truncate" BEFORE TRUNCATE ON "audit"."processed_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."processed_events_no_delete"();
