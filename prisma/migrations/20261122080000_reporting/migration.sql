-- Reporting projections (issue 6): daily activity per currency and metric, active users per day and login
-- sessions, all fed by the reporting consumers (docs/reporting.md) and checked by reconcileReporting.
-- CreateTable
CREATE TABLE "reporting"."daily_activity" (
    "day" DATE NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "metric" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "volume_minor" DECIMAL(38,0) NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "daily_activity_pkey" PRIMARY KEY ("day","currency","metric")
);

-- CreateTable
CREATE TABLE "reporting"."daily_active_users" (
    "day" DATE NOT NULL,
    "user_id" UUID NOT NULL,

    CONSTRAINT "daily_active_users_pkey" PRIMARY KEY ("day","user_id")
);

-- CreateTable
CREATE TABLE "reporting"."login_sessions" (
    "session_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "logged_in_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "login_sessions_pkey" PRIMARY KEY ("session_id")
);

-- CreateIndex
CREATE INDEX "login_sessions_logged_in_at_idx" ON "reporting"."login_sessions"("logged_in_at");

-- Hand-written: counts and volumes never go negative.
ALTER TABLE "reporting"."daily_activity" ADD CONSTRAINT "daily_activity_non_negative" CHECK ("count" >= 0 AND "volume_minor" >= 0);
