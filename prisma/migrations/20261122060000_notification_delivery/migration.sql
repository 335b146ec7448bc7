-- Notification delivery (issue 5): external channels (e-mail, webhooks, SMS gateway) through a durable queue
-- written with the notification and sent after commit, its attempt log, users' webhook endpoints; hold
-- expiry (a job moves PENDING holds past their expiry to EXPIRED and emits ledger.hold.expired) and
-- "expires soon" warnings (at most one per hold).

-- A hold may now also change once from PENDING to EXPIRED, and only once its expiry has passed.
ALTER TYPE "ledger"."HoldStatus" ADD VALUE 'EXPIRED';

-- The new label cannot be used as an enum value in this transaction: compare as text.
ALTER TABLE "ledger"."holds" DROP CONSTRAINT "holds_settlement_consistent";
ALTER TABLE "ledger"."holds" ADD CONSTRAINT "holds_settlement_consistent" CHECK (
  ("status"::text = 'PENDING' AND "captured_minor" IS NULL AND "settled_at" IS NULL) OR
  ("status"::text = 'CAPTURED' AND "captured_minor" IS NOT NULL AND "settled_at" IS NOT NULL) OR
  ("status"::text IN ('VOIDED', 'EXPIRED') AND "captured_minor" IS NULL AND "settled_at" IS NOT NULL));

CREATE OR REPLACE FUNCTION "ledger"."guard_hold_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status"::text <> 'PENDING' OR NEW."status"::text = 'PENDING'
     OR (NEW."status"::text = 'EXPIRED' AND OLD."expires_at" > clock_timestamp())
     OR NEW."id" <> OLD."id" OR NEW."account_id" <> OLD."account_id" OR NEW."to_account_id" <> OLD."to_account_id"
     OR NEW."currency" <> OLD."currency" OR NEW."amount_minor" <> OLD."amount_minor"
     OR NEW."reference" IS DISTINCT FROM OLD."reference" OR NEW."initiated_by" IS DISTINCT FROM OLD."initiated_by"
     OR NEW."created_at" <> OLD."created_at" OR NEW."expires_at" <> OLD."expires_at" THEN
    RAISE EXCEPTION 'hold % may only change once, from PENDING to CAPTURED, VOIDED or (after its expiry) EXPIRED', OLD."id"
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;

-- CreateTable
CREATE TABLE "ledger"."hold_expiry_warnings" (
    "hold_id" UUID NOT NULL,
    "warned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "hold_expiry_warnings_pkey" PRIMARY KEY ("hold_id")
);

-- CreateTable
CREATE TABLE "notifications"."notification_webhooks" (
    "user_id" UUID NOT NULL,
    "url" TEXT NOT NULL,
    "secret_encrypted" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_webhooks_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "notifications"."notification_deliveries" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "event_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "transaction_id" UUID,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_error" TEXT,
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications"."notification_delivery_attempts" (
    "id" BIGSERIAL NOT NULL,
    "delivery_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "status_code" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_delivery_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable

-- CreateIndex
CREATE INDEX "notification_deliveries_status_next_attempt_at_idx" ON "notifications"."notification_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "notification_deliveries_user_id_created_at_idx" ON "notifications"."notification_deliveries"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "notification_deliveries_event_id_user_id_kind_channel_key" ON "notifications"."notification_deliveries"("event_id", "user_id", "kind", "channel");

-- CreateIndex
CREATE UNIQUE INDEX "notification_delivery_attempts_delivery_id_attempt_key" ON "notifications"."notification_delivery_attempts"("delivery_id", "attempt");

-- AddForeignKey
ALTER TABLE "notifications"."notification_delivery_attempts" ADD CONSTRAINT "notification_delivery_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "notifications"."notification_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written guards: known channels, statuses and outcomes.
ALTER TABLE "notifications"."notification_deliveries" ADD CONSTRAINT "notification_deliveries_channel_known"
  CHECK ("channel" IN ('EMAIL', 'WEBHOOK', 'SMS'));
ALTER TABLE "notifications"."notification_deliveries" ADD CONSTRAINT "notification_deliveries_status_known"
  CHECK ("status" IN ('PENDING', 'SENT', 'FAILED', 'SKIPPED'));
ALTER TABLE "notifications"."notification_delivery_attempts" ADD CONSTRAINT "notification_delivery_attempts_outcome_known"
  CHECK ("outcome" IN ('SENT', 'RETRY', 'FAILED', 'SKIPPED'));
