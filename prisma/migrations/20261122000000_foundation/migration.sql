-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "reporting";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "accounts";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "audit";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "ledger";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "notifications";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "users";

-- CreateEnum
CREATE TYPE "accounts"."AccountType" AS ENUM ('CHECKING', 'SAVINGS');

-- CreateEnum
CREATE TYPE "accounts"."AccountStatus" AS ENUM ('ACTIVE', 'FROZEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "audit"."AuditOutcome" AS ENUM ('SUCCESS', 'FAILURE', 'DENIED');

-- CreateEnum
CREATE TYPE "ledger"."LedgerAccountKind" AS ENUM ('CUSTOMER', 'SETTLEMENT');

-- CreateEnum
CREATE TYPE "ledger"."TransactionKind" AS ENUM ('DEPOSIT', 'WITHDRAWAL', 'TRANSFER', 'REVERSAL');

-- CreateEnum
CREATE TYPE "users"."Role" AS ENUM ('CUSTOMER', 'TELLER', 'ADMIN', 'AUDITOR', 'ANALYST');

-- CreateEnum
CREATE TYPE "users"."UserStatus" AS ENUM ('ACTIVE', 'LOCKED');

-- CreateTable
CREATE TABLE "accounts"."accounts" (
    "id" UUID NOT NULL,
    "number" VARCHAR(34) NOT NULL,
    "owner_id" UUID NOT NULL,
    "type" "accounts"."AccountType" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "status" "accounts"."AccountStatus" NOT NULL DEFAULT 'ACTIVE',
    "overdraft_limit_minor" BIGINT NOT NULL DEFAULT 0,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "accounts"."account_status_changes" (
    "id" BIGSERIAL NOT NULL,
    "account_id" UUID NOT NULL,
    "from_status" "accounts"."AccountStatus",
    "to_status" "accounts"."AccountStatus" NOT NULL,
    "reason" TEXT,
    "changed_by" UUID,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_status_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit"."audit_events" (
    "sequence" BIGSERIAL NOT NULL,
    "id" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_id" UUID,
    "actor_role" TEXT,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT,
    "outcome" "audit"."AuditOutcome" NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "prev_hash" CHAR(64) NOT NULL,
    "hash" CHAR(64) NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("sequence")
);

-- CreateTable
CREATE TABLE "ledger"."ledger_accounts" (
    "id" UUID NOT NULL,
    "kind" "ledger"."LedgerAccountKind" NOT NULL,
    "owner_id" UUID,
    "currency" CHAR(3) NOT NULL,
    "balance_minor" BIGINT NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger"."transactions" (
    "id" UUID NOT NULL,
    "kind" "ledger"."TransactionKind" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "reference" TEXT,
    "initiated_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transactions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger"."postings" (
    "id" BIGSERIAL NOT NULL,
    "transaction_id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "balance_after_minor" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "postings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications"."notifications" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users"."users" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "users"."Role" NOT NULL,
    "status" "users"."UserStatus" NOT NULL DEFAULT 'ACTIVE',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "accounts_number_key" ON "accounts"."accounts"("number");

-- CreateIndex
CREATE INDEX "accounts_owner_id_opened_at_idx" ON "accounts"."accounts"("owner_id", "opened_at");

-- CreateIndex
CREATE INDEX "account_status_changes_account_id_changed_at_idx" ON "accounts"."account_status_changes"("account_id", "changed_at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_id_key" ON "audit"."audit_events"("id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_hash_key" ON "audit"."audit_events"("hash");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_sequence_idx" ON "audit"."audit_events"("actor_id", "sequence");

-- CreateIndex
CREATE INDEX "audit_events_entity_type_entity_id_idx" ON "audit"."audit_events"("entity_type", "entity_id");

-- CreateIndex
CREATE INDEX "ledger_accounts_owner_id_idx" ON "ledger"."ledger_accounts"("owner_id");

-- CreateIndex
CREATE INDEX "postings_account_id_id_idx" ON "ledger"."postings"("account_id", "id");

-- CreateIndex
CREATE INDEX "postings_account_id_created_at_idx" ON "ledger"."postings"("account_id", "created_at");

-- CreateIndex
CREATE INDEX "postings_transaction_id_idx" ON "ledger"."postings"("transaction_id");

-- CreateIndex
CREATE INDEX "notifications_user_id_created_at_idx" ON "notifications"."notifications"("user_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"."users"("email");

-- AddForeignKey
ALTER TABLE "accounts"."account_status_changes" ADD CONSTRAINT "account_status_changes_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "accounts"."accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger"."postings" ADD CONSTRAINT "postings_transaction_id_fkey" FOREIGN KEY ("transaction_id") REFERENCES "ledger"."transactions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger"."postings" ADD CONSTRAINT "postings_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "ledger"."ledger_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------------------------------------
-- Financial invariants enforced by the database itself (hand-written; Prisma has no syntax for them).
-- ---------------------------------------------------------------------------------------------------------

ALTER TABLE "ledger"."transactions" ADD CONSTRAINT "transactions_amount_positive" CHECK ("amount_minor" > 0);
ALTER TABLE "ledger"."transactions" ADD CONSTRAINT "transactions_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "ledger"."postings" ADD CONSTRAINT "postings_amount_nonzero" CHECK ("amount_minor" <> 0);
ALTER TABLE "ledger"."ledger_accounts" ADD CONSTRAINT "ledger_accounts_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "accounts"."accounts" ADD CONSTRAINT "accounts_currency_iso" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "accounts"."accounts" ADD CONSTRAINT "accounts_overdraft_nonnegative" CHECK ("overdraft_limit_minor" >= 0);

-- Postings, ledger transactions and audit records are append-only.
CREATE FUNCTION "ledger"."refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on %.% is not allowed: the table is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "postings_append_only" BEFORE UPDATE OR DELETE ON "ledger"."postings"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."refuse_change"();
CREATE TRIGGER "transactions_append_only" BEFORE UPDATE OR DELETE ON "ledger"."transactions"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."refuse_change"();
CREATE TRIGGER "postings_no_truncate" BEFORE TRUNCATE ON "ledger"."postings"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger"."refuse_change"();
CREATE TRIGGER "transactions_no_truncate" BEFORE TRUNCATE ON "ledger"."transactions"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger"."refuse_change"();

CREATE FUNCTION "audit"."refuse_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on %.% is not allowed: the table is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_events_append_only" BEFORE UPDATE OR DELETE ON "audit"."audit_events"
  FOR EACH ROW EXECUTE FUNCTION "audit"."refuse_change"();
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit"."audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit"."refuse_change"();

-- Double entry: at commit, the postings of every transaction sum to zero, all in the transaction's currency.
CREATE FUNCTION "ledger"."check_transaction_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total numeric;
  wrong_currency integer;
BEGIN
  SELECT COALESCE(SUM(p."amount_minor"), 0), COUNT(*) FILTER (WHERE p."currency" <> t."currency")
    INTO total, wrong_currency
    FROM "ledger"."postings" p JOIN "ledger"."transactions" t ON t."id" = p."transaction_id"
   WHERE p."transaction_id" = NEW."transaction_id";
  IF total <> 0 OR wrong_currency <> 0 THEN
    RAISE EXCEPTION 'ledger transaction % is unbalanced (sum %, % postings in another currency)',
      NEW."transaction_id", total, wrong_currency USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "postings_balanced" AFTER INSERT ON "ledger"."postings"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "ledger"."check_transaction_balanced"();
