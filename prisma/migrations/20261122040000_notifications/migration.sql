-- Notifications from domain events (issue 5): the event a notification came from (unique per recipient and
-- kind, so a redelivered event cannot show twice), per-kind channel preferences and the large-transaction threshold.
-- AlterTable
ALTER TABLE "notifications"."notifications" ADD COLUMN     "event_id" UUID,
ADD COLUMN     "transaction_id" UUID;

-- CreateTable
CREATE TABLE "notifications"."notification_preferences" (
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "in_app" BOOLEAN NOT NULL DEFAULT true,
    "email" BOOLEAN NOT NULL DEFAULT false,
    "webhook" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_preferences_pkey" PRIMARY KEY ("user_id","kind")
);

-- CreateTable
CREATE TABLE "notifications"."notification_settings" (
    "user_id" UUID NOT NULL,
    "large_transaction_threshold_minor" BIGINT NOT NULL,
    "large_transaction_currency" CHAR(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_settings_pkey" PRIMARY KEY ("user_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "notifications_event_id_user_id_kind_key" ON "notifications"."notifications"("event_id", "user_id", "kind");


-- Hand-written invariants.
ALTER TABLE "notifications"."notification_settings"
  ADD CONSTRAINT "notification_settings_threshold_positive" CHECK ("large_transaction_threshold_minor" > 0),
  ADD CONSTRAINT "notification_settings_currency_iso" CHECK ("large_transaction_currency" ~ '^[A-Z]{3}$');
ALTER TABLE "notifications"."notification_preferences"
  ADD CONSTRAINT "notification_preferences_kind_format" CHECK ("kind" ~ '^[A-Z][A-Z0-9_]{0,63}$');
