-- Identity: sessions with refresh-token families, TOTP MFA, recovery codes, security events.
-- Generated with prisma migrate diff from the users.prisma before this change, plus the hand-written invariants at the end.

-- AlterTable
ALTER TABLE "users"."users" ADD COLUMN     "erased_at" TIMESTAMPTZ(3),
ADD COLUMN     "mfa_enabled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "mfa_last_used_step" INTEGER,
ADD COLUMN     "mfa_secret_encrypted" TEXT,
ADD COLUMN     "password_changed_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "users"."sessions" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "auth_time" TIMESTAMPTZ(3) NOT NULL,
    "amr" TEXT[],
    "ip" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_refreshed_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "revoked_reason" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users"."refresh_tokens" (
    "id" UUID NOT NULL,
    "session_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "refresh_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users"."mfa_recovery_codes" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "code_hash" TEXT NOT NULL,
    "used_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mfa_recovery_codes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users"."security_events" (
    "id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "user_id" UUID,
    "actor_id" UUID,
    "session_id" UUID,
    "ip" TEXT,
    "user_agent" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "security_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "users"."sessions"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "refresh_tokens_token_hash_key" ON "users"."refresh_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "refresh_tokens_session_id_idx" ON "users"."refresh_tokens"("session_id");

-- CreateIndex
CREATE UNIQUE INDEX "mfa_recovery_codes_user_id_code_hash_key" ON "users"."mfa_recovery_codes"("user_id", "code_hash");

-- CreateIndex
CREATE INDEX "security_events_user_id_created_at_idx" ON "users"."security_events"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "security_events_type_created_at_idx" ON "users"."security_events"("type", "created_at");

-- AddForeignKey
ALTER TABLE "users"."sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users"."refresh_tokens" ADD CONSTRAINT "refresh_tokens_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "users"."sessions"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "users"."mfa_recovery_codes" ADD CONSTRAINT "mfa_recovery_codes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"."users"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written invariants (not expressible in the Prisma schema).
ALTER TABLE "users"."refresh_tokens" ADD CONSTRAINT "refresh_tokens_hash_sha256" CHECK ("token_hash" ~ '^[0-9a-f]{64}$');
ALTER TABLE "users"."mfa_recovery_codes" ADD CONSTRAINT "mfa_recovery_codes_hash_sha256" CHECK ("code_hash" ~ '^[0-9a-f]{64}$');
ALTER TABLE "users"."users" ADD CONSTRAINT "users_mfa_enabled_has_secret" CHECK (NOT "mfa_enabled" OR "mfa_secret_encrypted" IS NOT NULL);

-- Security events are a history: never deleted, and what happened to whom never rewritten. Only the client
-- address and user agent (personal data) may be cleared, by GDPR erasure.
CREATE FUNCTION "users"."security_events_keep_history"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'security events are never deleted';
  END IF;
  IF NEW."id" IS DISTINCT FROM OLD."id" OR NEW."type" IS DISTINCT FROM OLD."type"
     OR NEW."user_id" IS DISTINCT FROM OLD."user_id" OR NEW."actor_id" IS DISTINCT FROM OLD."actor_id"
     OR NEW."session_id" IS DISTINCT FROM OLD."session_id" OR NEW."details" IS DISTINCT FROM OLD."details"
     OR NEW."created_at" IS DISTINCT FROM OLD."created_at"
     OR (NEW."ip" IS NOT NULL AND NEW."ip" IS DISTINCT FROM OLD."ip")
     OR (NEW."user_agent" IS NOT NULL AND NEW."user_agent" IS DISTINCT FROM OLD."user_agent") THEN
    RAISE EXCEPTION 'security events are append-only (only ip and user_agent may be cleared)';
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER "security_events_keep_history" BEFORE UPDATE OR DELETE ON "users"."security_events"
  FOR EACH ROW EXECUTE FUNCTION "users"."security_events_keep_history"();
