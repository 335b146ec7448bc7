-- The ledger (issue 4): account lifecycle state in the ledger, overdraft limits, holds (two-phase
-- transfers), reversals, idempotency keys. Generated parts first, hand-written invariants after.

-- CreateEnum
CREATE TYPE "ledger"."LedgerAccountStatus" AS ENUM ('ACTIVE', 'FROZEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "ledger"."HoldStatus" AS ENUM ('PENDING', 'CAPTURED', 'VOIDED');

-- AlterTable
ALTER TABLE "accounts"."accounts" ADD COLUMN     "status_version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ledger"."ledger_accounts" ADD COLUMN     "number" VARCHAR(34),
ADD COLUMN     "overdraft_limit_minor" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "status" "ledger"."LedgerAccountStatus" NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN     "status_version" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "ledger"."transactions" ADD COLUMN     "hold_id" UUID,
ADD COLUMN     "reverses_id" UUID;

-- CreateTable
CREATE TABLE "ledger"."holds" (
    "id" UUID NOT NULL,
    "account_id" UUID NOT NULL,
    "to_account_id" UUID NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "amount_minor" BIGINT NOT NULL,
    "reference" TEXT,
    "status" "ledger"."HoldStatus" NOT NULL DEFAULT 'PENDING',
    "captured_minor" BIGINT,
    "initiated_by" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "holds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger"."idempotency_keys" (
    "caller_id" UUID NOT NULL,
    "key" VARCHAR(200) NOT NULL,
    "operation" TEXT NOT NULL,
    "fingerprint" CHAR(64) NOT NULL,
    "result_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("caller_id","key")
);

-- CreateIndex
CREATE INDEX "holds_account_id_status_expires_at_idx" ON "ledger"."holds"("account_id", "status", "expires_at");

-- CreateIndex
CREATE INDEX "idempotency_keys_created_at_idx" ON "ledger"."idempotency_keys"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_accounts_number_key" ON "ledger"."ledger_accounts"("number");

-- CreateIndex
CREATE UNIQUE INDEX "transactions_reverses_id_key" ON "ledger"."transactions"("reverses_id");

-- CreateIndex
CREATE UNIQUE INDEX "transactions_hold_id_key" ON "ledger"."transactions"("hold_id");

-- AddForeignKey
ALTER TABLE "ledger"."holds" ADD CONSTRAINT "holds_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "ledger"."ledger_accounts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ---------------------------------------------------------------------------------------------------------
-- Hand-written invariants (Prisma has no syntax for them).
-- ---------------------------------------------------------------------------------------------------------

ALTER TABLE "ledger"."ledger_accounts" ADD CONSTRAINT "ledger_accounts_overdraft_nonnegative" CHECK ("overdraft_limit_minor" >= 0);
-- A customer account never goes below minus its overdraft limit (the service checks it first, including
-- holds; this is the backstop on the posted balance).
ALTER TABLE "ledger"."ledger_accounts" ADD CONSTRAINT "ledger_accounts_balance_within_limit"
  CHECK ("kind" <> 'CUSTOMER' OR "balance_minor" >= -"overdraft_limit_minor");
-- A closed account holds no money.
ALTER TABLE "ledger"."ledger_accounts" ADD CONSTRAINT "ledger_accounts_closed_empty" CHECK ("status" <> 'CLOSED' OR "balance_minor" = 0);
ALTER TABLE "ledger"."holds" ADD CONSTRAINT "holds_amount_positive" CHECK ("amount_minor" > 0);
ALTER TABLE "ledger"."holds" ADD CONSTRAINT "holds_captured_within_amount"
  CHECK ("captured_minor" IS NULL OR ("captured_minor" > 0 AND "captured_minor" <= "amount_minor"));
ALTER TABLE "ledger"."holds" ADD CONSTRAINT "holds_settlement_consistent" CHECK (
  ("status" = 'PENDING' AND "captured_minor" IS NULL AND "settled_at" IS NULL) OR
  ("status" = 'CAPTURED' AND "captured_minor" IS NOT NULL AND "settled_at" IS NOT NULL) OR
  ("status" = 'VOIDED' AND "captured_minor" IS NULL AND "settled_at" IS NOT NULL));
ALTER TABLE "ledger"."transactions" ADD CONSTRAINT "transactions_reverses_fkey"
  FOREIGN KEY ("reverses_id") REFERENCES "ledger"."transactions"("id");
ALTER TABLE "ledger"."transactions" ADD CONSTRAINT "transactions_hold_fkey"
  FOREIGN KEY ("hold_id") REFERENCES "ledger"."holds"("id");
ALTER TABLE "ledger"."transactions" ADD CONSTRAINT "transactions_reversal_kind"
  CHECK (("kind" = 'REVERSAL') = ("reverses_id" IS NOT NULL));

-- A hold changes once: from PENDING to CAPTURED or VOIDED; nothing else about it ever changes.
CREATE FUNCTION "ledger"."guard_hold_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" <> 'PENDING' OR NEW."status" = 'PENDING'
     OR NEW."id" <> OLD."id" OR NEW."account_id" <> OLD."account_id" OR NEW."to_account_id" <> OLD."to_account_id"
     OR NEW."currency" <> OLD."currency" OR NEW."amount_minor" <> OLD."amount_minor"
     OR NEW."reference" IS DISTINCT FROM OLD."reference" OR NEW."initiated_by" IS DISTINCT FROM OLD."initiated_by"
     OR NEW."created_at" <> OLD."created_at" OR NEW."expires_at" <> OLD."expires_at" THEN
    RAISE EXCEPTION 'hold % may only change once, from PENDING to CAPTURED or VOIDED', OLD."id"
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "holds_guarded_update" BEFORE UPDATE ON "ledger"."holds"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."guard_hold_update"();
CREATE TRIGGER "holds_no_delete" BEFORE DELETE ON "ledger"."holds"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."refuse_change"();
CREATE TRIGGER "holds_no_truncate" BEFORE TRUNCATE ON "ledger"."holds"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger"."refuse_change"();

-- Idempotency keys are written once (with the result they stand for) and never rewritten. Deleting keys
-- older than the retention period (at least 24 h) is the only allowed removal.
CREATE FUNCTION "ledger"."guard_idempotency_delete"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."created_at" > now() - interval '24 hours' THEN
    RAISE EXCEPTION 'idempotency key is younger than 24 hours and must be kept' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END;
$$;

CREATE TRIGGER "idempotency_keys_no_update" BEFORE UPDATE ON "ledger"."idempotency_keys"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."refuse_change"();
CREATE TRIGGER "idempotency_keys_retention" BEFORE DELETE ON "ledger"."idempotency_keys"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."guard_idempotency_delete"();
CREATE TRIGGER "idempotency_keys_no_truncate" BEFORE TRUNCATE ON "ledger"."idempotency_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger"."refuse_change"();

-- Running balances: a ledger account's balance changes only together with a posting in the same
-- database transaction, checked at commit: balance_minor = the last posting's balance_after_minor.
CREATE FUNCTION "ledger"."check_running_balance"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_after bigint;
  current_balance bigint;
BEGIN
  SELECT a."balance_minor" INTO current_balance FROM "ledger"."ledger_accounts" a WHERE a."id" = NEW."account_id";
  SELECT p."balance_after_minor" INTO last_after FROM "ledger"."postings" p
   WHERE p."account_id" = NEW."account_id" ORDER BY p."id" DESC LIMIT 1;
  IF current_balance IS DISTINCT FROM last_after THEN
    RAISE EXCEPTION 'running balance of ledger account % (%) differs from its last posting (%)',
      NEW."account_id", current_balance, last_after USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "postings_running_balance" AFTER INSERT ON "ledger"."postings"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "ledger"."check_running_balance"();

-- ... and the other way round: a balance never changes without the posting that explains it.
CREATE FUNCTION "ledger"."check_balance_explained"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_after bigint;
  current_balance bigint;
BEGIN
  SELECT a."balance_minor" INTO current_balance FROM "ledger"."ledger_accounts" a WHERE a."id" = NEW."id";
  SELECT p."balance_after_minor" INTO last_after FROM "ledger"."postings" p
   WHERE p."account_id" = NEW."id" ORDER BY p."id" DESC LIMIT 1;
  IF current_balance <> COALESCE(last_after, 0) THEN
    RAISE EXCEPTION 'balance of ledger account % (%) is not explained by its postings (%)',
      NEW."id", current_balance, COALESCE(last_after, 0) USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "ledger_accounts_balance_explained" AFTER INSERT OR UPDATE OF "balance_minor" ON "ledger"."ledger_accounts"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "ledger"."check_balance_explained"();
