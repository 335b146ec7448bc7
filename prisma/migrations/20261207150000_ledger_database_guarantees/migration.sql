-- The database guarantees the books (issue 16): per-account posting versions and a checked running-balance
-- chain, transaction amounts equal to their credits, pending debits (holds) counted by the database, bounded
-- amounts and balances, captures refused after their hold's expiry at commit, settlement accounts spread over
-- shards, one SQL function per money movement, and least privilege (the application role `fedbank_app`).
-- docs/ledger.md explains every rule; generated parts first, hand-written ones after.

-- AlterTable
ALTER TABLE "ledger"."ledger_accounts" ADD COLUMN "pending_debits_minor" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN "version" BIGINT NOT NULL DEFAULT 0;

-- AlterTable (backfilled below before NOT NULL)
ALTER TABLE "ledger"."postings" ADD COLUMN "version" BIGINT;

-- ---------------------------------------------------------------------------------------------------------
-- Backfill (existing databases): versions in posting order, account versions, pending debits of PENDING holds.
-- Postings are append-only; their trigger is suspended for this one backfill, inside this migration's
-- transaction, by the owner.
-- ---------------------------------------------------------------------------------------------------------
ALTER TABLE "ledger"."postings" DISABLE TRIGGER "postings_append_only";
UPDATE "ledger"."postings" p SET "version" = v."version"
  FROM (SELECT "id", row_number() OVER (PARTITION BY "account_id" ORDER BY "id") AS "version" FROM "ledger"."postings") v
 WHERE v."id" = p."id";
ALTER TABLE "ledger"."postings" ENABLE TRIGGER "postings_append_only";
ALTER TABLE "ledger"."postings" ALTER COLUMN "version" SET NOT NULL;
UPDATE "ledger"."ledger_accounts" a SET "version" = v."version"
  FROM (SELECT "account_id", max("version") AS "version" FROM "ledger"."postings" GROUP BY "account_id") v
 WHERE v."account_id" = a."id";
UPDATE "ledger"."ledger_accounts" a SET "pending_debits_minor" = h."pending"
  FROM (SELECT "account_id", sum("amount_minor") AS "pending" FROM "ledger"."holds" WHERE "status" = 'PENDING' GROUP BY "account_id") h
 WHERE h."account_id" = a."id";

-- CreateIndex
CREATE UNIQUE INDEX "postings_account_id_version_key" ON "ledger"."postings"("account_id", "version");

-- ---------------------------------------------------------------------------------------------------------
-- Bounds: amounts at most 10^17 minor units, balances within ±10^18 (bigint holds ±9.2×10^18, so no sum the
-- ledger computes can overflow). The service refuses larger amounts before any SQL (INVALID_AMOUNT) and the
-- movement functions refuse a balance beyond the bound as INVALID_AMOUNT; these CHECKs are the backstop.
-- ---------------------------------------------------------------------------------------------------------
ALTER TABLE "ledger"."postings" ADD CONSTRAINT "postings_version_positive" CHECK ("version" >= 1);
ALTER TABLE "ledger"."postings" ADD CONSTRAINT "postings_amount_bounded" CHECK (abs("amount_minor") <= 100000000000000000);
ALTER TABLE "ledger"."postings" ADD CONSTRAINT "postings_balance_bounded"
  CHECK ("balance_after_minor" BETWEEN -1000000000000000000 AND 1000000000000000000);
ALTER TABLE "ledger"."transactions" ADD CONSTRAINT "transactions_amount_bounded" CHECK ("amount_minor" <= 1000000000000000000);
ALTER TABLE "ledger"."holds" ADD CONSTRAINT "holds_amount_bounded" CHECK ("amount_minor" <= 100000000000000000);
ALTER TABLE "ledger"."ledger_accounts" ADD CONSTRAINT "ledger_accounts_balance_bounded"
  CHECK ("balance_minor" BETWEEN -1000000000000000000 AND 1000000000000000000);
ALTER TABLE "ledger"."ledger_accounts" ADD CONSTRAINT "ledger_accounts_pending_nonnegative" CHECK ("pending_debits_minor" >= 0);
-- Holds count against the available balance in the database itself (TigerBeetle's debits_pending): a customer
-- account's balance net of its pending debits never goes below minus its overdraft limit.
ALTER TABLE "ledger"."ledger_accounts" ADD CONSTRAINT "ledger_accounts_available_within_limit"
  CHECK ("kind" <> 'CUSTOMER' OR "balance_minor" - "pending_debits_minor" >= -"overdraft_limit_minor");

-- ---------------------------------------------------------------------------------------------------------
-- The running-balance chain. A posting carries its account's version (1, 2, 3 …; unique per account). Before
-- it is inserted, the database checks that it follows the account's previous posting: version n needs
-- version n−1 (so versions are gapless and, being unique, linear) and balance_after = previous balance_after
-- + amount (0 before version 1). At commit the account's balance and version equal its last posting's.
-- ---------------------------------------------------------------------------------------------------------
CREATE FUNCTION "ledger"."check_posting_chain"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  previous_after bigint := 0;
BEGIN
  IF NEW."version" > 1 THEN
    SELECT p."balance_after_minor" INTO previous_after FROM "ledger"."postings" p
     WHERE p."account_id" = NEW."account_id" AND p."version" = NEW."version" - 1;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'posting version % of ledger account % is not the next one', NEW."version", NEW."account_id"
        USING ERRCODE = 'check_violation';
    END IF;
  END IF;
  IF NEW."balance_after_minor" <> previous_after + NEW."amount_minor" THEN
    RAISE EXCEPTION 'posting of ledger account % breaks the running balance (% + % <> %)',
      NEW."account_id", previous_after, NEW."amount_minor", NEW."balance_after_minor" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "postings_chain" BEFORE INSERT ON "ledger"."postings"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."check_posting_chain"();

-- The commit-time checks now follow versions (not insertion ids) and cover the account's version too.
CREATE OR REPLACE FUNCTION "ledger"."check_running_balance"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_after bigint;
  last_version bigint;
  account record;
BEGIN
  SELECT a."balance_minor", a."version" INTO account FROM "ledger"."ledger_accounts" a WHERE a."id" = NEW."account_id";
  SELECT p."balance_after_minor", p."version" INTO last_after, last_version FROM "ledger"."postings" p
   WHERE p."account_id" = NEW."account_id" ORDER BY p."version" DESC LIMIT 1;
  IF account."balance_minor" IS DISTINCT FROM last_after OR account."version" IS DISTINCT FROM last_version THEN
    RAISE EXCEPTION 'running balance of ledger account % (%, version %) differs from its last posting (%, version %)',
      NEW."account_id", account."balance_minor", account."version", last_after, last_version USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION "ledger"."check_balance_explained"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  last_after bigint;
  last_version bigint;
  account record;
BEGIN
  SELECT a."balance_minor", a."version" INTO account FROM "ledger"."ledger_accounts" a WHERE a."id" = NEW."id";
  SELECT p."balance_after_minor", p."version" INTO last_after, last_version FROM "ledger"."postings" p
   WHERE p."account_id" = NEW."id" ORDER BY p."version" DESC LIMIT 1;
  IF account."balance_minor" <> COALESCE(last_after, 0) OR account."version" <> COALESCE(last_version, 0) THEN
    RAISE EXCEPTION 'balance of ledger account % (%, version %) is not explained by its postings (%, version %)',
      NEW."id", account."balance_minor", account."version", COALESCE(last_after, 0), COALESCE(last_version, 0)
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;

DROP TRIGGER "ledger_accounts_balance_explained" ON "ledger"."ledger_accounts";
CREATE CONSTRAINT TRIGGER "ledger_accounts_balance_explained" AFTER INSERT OR UPDATE OF "balance_minor", "version" ON "ledger"."ledger_accounts"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION "ledger"."check_balance_explained"();

-- Double entry, now also: a transaction's amount is the sum of its credits.
CREATE OR REPLACE FUNCTION "ledger"."check_transaction_balanced"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  total numeric;
  credits numeric;
  stated bigint;
  wrong_currency integer;
BEGIN
  SELECT COALESCE(SUM(p."amount_minor"), 0), COALESCE(SUM(p."amount_minor") FILTER (WHERE p."amount_minor" > 0), 0),
         min(t."amount_minor"), COUNT(*) FILTER (WHERE p."currency" <> t."currency")
    INTO total, credits, stated, wrong_currency
    FROM "ledger"."postings" p JOIN "ledger"."transactions" t ON t."id" = p."transaction_id"
   WHERE p."transaction_id" = NEW."transaction_id";
  IF total <> 0 OR wrong_currency <> 0 OR credits <> stated THEN
    RAISE EXCEPTION 'ledger transaction % is unbalanced (sum %, credits % for amount %, % postings in another currency)',
      NEW."transaction_id", total, credits, stated, wrong_currency USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Pending debits: maintained by the database from the holds table (the application role cannot write the
-- column; the trigger runs as the owner). A hold is created PENDING; leaving PENDING releases its amount.
-- ---------------------------------------------------------------------------------------------------------
CREATE FUNCTION "ledger"."track_pending_debits"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."status"::text <> 'PENDING' THEN
      RAISE EXCEPTION 'a hold is created PENDING' USING ERRCODE = 'check_violation';
    END IF;
    UPDATE "ledger"."ledger_accounts" SET "pending_debits_minor" = "pending_debits_minor" + NEW."amount_minor"
     WHERE "id" = NEW."account_id";
  ELSIF OLD."status"::text = 'PENDING' AND NEW."status"::text <> 'PENDING' THEN
    UPDATE "ledger"."ledger_accounts" SET "pending_debits_minor" = "pending_debits_minor" - OLD."amount_minor"
     WHERE "id" = OLD."account_id";
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER "holds_pending_debits" AFTER INSERT OR UPDATE OF "status" ON "ledger"."holds"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."track_pending_debits"();

-- ---------------------------------------------------------------------------------------------------------
-- A capture is posted only before its hold's expiry, decided at commit: the check runs as a deferred trigger
-- with the clock of the committing transaction (after the accounts' and the hold's locks were taken), and the
-- capturing transaction must name a CAPTURED hold for exactly its amount.
-- ---------------------------------------------------------------------------------------------------------
CREATE FUNCTION "ledger"."check_capture_in_time"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  hold record;
BEGIN
  SELECT h."status"::text AS status, h."captured_minor", h."expires_at" INTO hold FROM "ledger"."holds" h WHERE h."id" = NEW."hold_id";
  IF hold.status IS DISTINCT FROM 'CAPTURED' OR hold."captured_minor" IS DISTINCT FROM NEW."amount_minor" THEN
    RAISE EXCEPTION 'transaction % does not match the capture of hold %', NEW."id", NEW."hold_id" USING ERRCODE = 'check_violation';
  END IF;
  IF clock_timestamp() >= hold."expires_at" THEN
    RAISE EXCEPTION 'The hold expired before the capture could be committed'
      USING ERRCODE = 'P0001', HINT = 'fedbank:HOLD_NOT_PENDING';
  END IF;
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER "transactions_capture_in_time" AFTER INSERT ON "ledger"."transactions"
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW WHEN (NEW."hold_id" IS NOT NULL) EXECUTE FUNCTION "ledger"."check_capture_in_time"();

-- ---------------------------------------------------------------------------------------------------------
-- Settlement accounts off the hot path: eight rows per currency (shard 0 keeps the historical id), any of which
-- a deposit or withdrawal may use; the bank's position in a currency is the sum of its shards.
-- ---------------------------------------------------------------------------------------------------------
CREATE FUNCTION "ledger"."settlement_account_id"(p_currency text, p_shard integer) RETURNS uuid LANGUAGE sql IMMUTABLE AS $$
  SELECT ('00000000-0000-4000-80' || lpad(to_hex(p_shard), 2, '0') || '-000000' || encode(convert_to(rpad(p_currency, 3), 'UTF8'), 'hex'))::uuid
$$;

CREATE FUNCTION "ledger"."settlement_shards"() RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT 8 $$;

INSERT INTO "ledger"."ledger_accounts" ("id", "kind", "currency")
SELECT "ledger"."settlement_account_id"(c."currency", s), 'SETTLEMENT', c."currency"
  FROM (SELECT DISTINCT "currency" FROM "ledger"."ledger_accounts" WHERE "kind" = 'SETTLEMENT') c,
       generate_series(0, "ledger"."settlement_shards"() - 1) s
ON CONFLICT ("id") DO NOTHING;

-- ---------------------------------------------------------------------------------------------------------
-- Money movements: one function call (one statement, one round trip) each. Domain refusals are raised as
-- SQLSTATE P0001 with HINT 'fedbank:<CODE>' (the service maps them to GraphQL error codes); the statement's
-- implicit transaction rolls back everything, the idempotency key included.
-- ---------------------------------------------------------------------------------------------------------

CREATE FUNCTION "ledger"."refuse"(p_code text, p_message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', p_message USING ERRCODE = 'P0001', HINT = 'fedbank:' || p_code;
END;
$$;

CREATE FUNCTION "ledger"."iso_time"(p_time timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT to_char(p_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- Idempotency (Stripe-style, per caller): claims the key for `p_result`. Returns NULL when claimed (the
-- movement runs and commits or rolls back with the key); the original result when the same request was
-- already committed; refuses the same key with another request. A concurrent duplicate waits on the key's
-- unique index until the first commits (then replays it) or rolls back (then runs itself).
CREATE FUNCTION "ledger"."claim_idempotency_key"(p_caller uuid, p_key text, p_operation text, p_fingerprint text, p_result uuid)
RETURNS uuid LANGUAGE plpgsql AS $$
DECLARE
  earlier record;
BEGIN
  INSERT INTO "ledger"."idempotency_keys" ("caller_id", "key", "operation", "fingerprint", "result_id", "created_at")
  VALUES (p_caller, p_key, p_operation, p_fingerprint, p_result, clock_timestamp())
  ON CONFLICT ("caller_id", "key") DO NOTHING;
  IF FOUND THEN
    RETURN NULL;
  END IF;
  SELECT k."operation", k."fingerprint", k."result_id" INTO earlier FROM "ledger"."idempotency_keys" k
   WHERE k."caller_id" = p_caller AND k."key" = p_key;
  IF NOT FOUND THEN
    PERFORM "ledger"."refuse"('IDEMPOTENCY_CONFLICT', 'The idempotency key is being processed; retry');
  END IF;
  IF earlier."operation" <> p_operation OR earlier."fingerprint" <> p_fingerprint THEN
    PERFORM "ledger"."refuse"('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was already used with a different request');
  END IF;
  RETURN earlier."result_id";
END;
$$;

-- Locks accounts in id order (the one global lock order: no deadlocks), then checks they exist and hold the
-- currency. In READ COMMITTED a row locked after a wait is its latest committed version.
CREATE FUNCTION "ledger"."lock_accounts"(p_ids uuid[], p_currency text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  locked integer;
  mismatch text;
BEGIN
  PERFORM 1 FROM "ledger"."ledger_accounts" WHERE "id" = ANY(p_ids) ORDER BY "id" FOR UPDATE;
  GET DIAGNOSTICS locked = ROW_COUNT;
  IF locked <> (SELECT count(DISTINCT i) FROM unnest(p_ids) i) THEN
    PERFORM "ledger"."refuse"('NOT_FOUND', 'No such account');
  END IF;
  SELECT a."currency" INTO mismatch FROM "ledger"."ledger_accounts" a WHERE a."id" = ANY(p_ids) AND a."currency" <> p_currency LIMIT 1;
  IF FOUND THEN
    PERFORM "ledger"."refuse"('CURRENCY_MISMATCH', format('The account holds %s, not %s', mismatch, p_currency));
  END IF;
END;
$$;

-- A debited customer account is ACTIVE; a credited one is not CLOSED (a FROZEN account may receive money).
-- The bank's settlement accounts have no status rules and no overdraft check.
CREATE FUNCTION "ledger"."check_status"(p_account uuid, p_debit boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  account record;
BEGIN
  SELECT a."kind"::text AS kind, a."status"::text AS status INTO account FROM "ledger"."ledger_accounts" a WHERE a."id" = p_account;
  IF account.kind <> 'CUSTOMER' THEN
    RETURN;
  END IF;
  IF p_debit AND account.status = 'FROZEN' THEN
    PERFORM "ledger"."refuse"('ACCOUNT_FROZEN', 'The account is frozen: it cannot be debited');
  END IF;
  IF account.status = 'CLOSED' THEN
    PERFORM "ledger"."refuse"('ACCOUNT_CLOSED', 'The account is closed');
  END IF;
END;
$$;

-- Holds past their expiry stop reserving funds: the locked accounts' overdue PENDING holds become EXPIRED
-- (releasing their pending debits) with a ledger.hold.expired event each, before any limit is checked.
-- The caller holds the accounts' locks (accounts before holds, the one lock order).
CREATE FUNCTION "ledger"."expire_account_holds"(p_accounts uuid[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  expired integer;
BEGIN
  WITH gone AS (
    UPDATE "ledger"."holds" h SET "status" = 'EXPIRED', "settled_at" = clock_timestamp()
     WHERE h."account_id" = ANY(p_accounts) AND h."status" = 'PENDING' AND h."expires_at" <= clock_timestamp()
    RETURNING h."id", h."account_id", h."currency", h."amount_minor")
  INSERT INTO "ledger"."outbox_events" ("id", "type", "version", "aggregate_type", "aggregate_id", "occurred_at", "payload")
  SELECT gen_random_uuid(), 'ledger.hold.expired', 1, 'Hold', g."id"::text, clock_timestamp(),
         jsonb_build_object('holdId', g."id", 'accountId', g."account_id", 'ownerId', a."owner_id",
                            'amountMinor', g."amount_minor"::text, 'currency', g."currency")
    FROM gone g JOIN "ledger"."ledger_accounts" a ON a."id" = g."account_id";
  GET DIAGNOSTICS expired = ROW_COUNT;
  RETURN expired;
END;
$$;

-- The hold-expiry job's batch: up to `p_limit` due holds, their accounts locked first (id order), then expired.
CREATE FUNCTION "ledger"."expire_due_holds"(p_limit integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  accounts uuid[];
BEGIN
  SELECT array_agg(DISTINCT d."account_id") INTO accounts FROM (
    SELECT h."account_id" FROM "ledger"."holds" h
     WHERE h."status" = 'PENDING' AND h."expires_at" <= clock_timestamp() ORDER BY h."expires_at" LIMIT p_limit) d;
  IF accounts IS NULL THEN
    RETURN 0;
  END IF;
  PERFORM 1 FROM "ledger"."ledger_accounts" WHERE "id" = ANY(accounts) ORDER BY "id" FOR UPDATE;
  RETURN "ledger"."expire_account_holds"(accounts);
END;
$$;

-- Writes the outbox rows the service prepared and validated (the domain event, and the audit record of the
-- mutation) after the change, in the same statement. `p_patch` fills values known only here (postedAt,
-- expiresAt) in payloads that carry them.
CREATE FUNCTION "ledger"."append_events"(p_events jsonb, p_patch jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO "ledger"."outbox_events" ("id", "type", "version", "aggregate_type", "aggregate_id", "occurred_at", "actor", "request_id", "payload")
  SELECT (e->>'id')::uuid, e->>'type', (e->>'version')::integer, e->>'aggregateType', e->>'aggregateId', (e->>'occurredAt')::timestamptz,
         NULLIF(e->'actor', 'null'::jsonb), e->>'requestId',
         (e->'payload') || COALESCE((SELECT jsonb_object_agg(k, v) FROM jsonb_each(p_patch) AS patch(k, v) WHERE (e->'payload') ? k), '{}'::jsonb)
    FROM jsonb_array_elements(COALESCE(p_events, '[]'::jsonb)) WITH ORDINALITY AS x(e, ord)
   ORDER BY ord
  ON CONFLICT ("id") DO NOTHING
$$;

-- Posts one balanced transaction: locks the accounts (id order), checks currency and statuses, expires
-- overdue holds, then for each leg checks the limit (customer debits: balance − pending debits ≥ −overdraft)
-- and the balance bound, and appends the posting with the account's next version and running balance.
-- Returns the posting time (millisecond precision, as stored).
CREATE FUNCTION "ledger"."post_legs"(p_id uuid, p_kind "ledger"."TransactionKind", p_currency text, p_accounts uuid[], p_amounts bigint[],
  p_reference text, p_initiated_by uuid, p_reverses uuid, p_hold uuid) RETURNS timestamptz LANGUAGE plpgsql AS $$
DECLARE
  posted_at timestamptz := clock_timestamp()::timestamptz(3);
  leg integer;
  account record;
  balance_after bigint;
BEGIN
  IF cardinality(p_accounts) < 2 OR cardinality(p_accounts) <> cardinality(p_amounts) OR 0 = ANY(p_amounts)
     OR (SELECT sum(a) FROM unnest(p_amounts) a) <> 0 THEN
    PERFORM "ledger"."refuse"('BAD_USER_INPUT', 'A ledger transaction needs balanced, non-zero legs');
  END IF;
  PERFORM "ledger"."lock_accounts"(p_accounts, p_currency);
  FOR leg IN 1 .. cardinality(p_accounts) LOOP
    PERFORM "ledger"."check_status"(p_accounts[leg], p_amounts[leg] < 0);
  END LOOP;
  PERFORM "ledger"."expire_account_holds"(p_accounts);

  INSERT INTO "ledger"."transactions" ("id", "kind", "currency", "amount_minor", "reference", "initiated_by", "reverses_id", "hold_id", "created_at")
  VALUES (p_id, p_kind, p_currency, (SELECT sum(a) FROM unnest(p_amounts) a WHERE a > 0), p_reference, p_initiated_by, p_reverses, p_hold, posted_at);

  FOR leg IN 1 .. cardinality(p_accounts) LOOP
    SELECT a."kind"::text AS kind, a."balance_minor", a."pending_debits_minor", a."overdraft_limit_minor", a."version" INTO account
      FROM "ledger"."ledger_accounts" a WHERE a."id" = p_accounts[leg];
    balance_after := account."balance_minor" + p_amounts[leg];
    IF p_amounts[leg] < 0 AND account.kind = 'CUSTOMER'
       AND balance_after - account."pending_debits_minor" < -account."overdraft_limit_minor" THEN
      PERFORM "ledger"."refuse"('INSUFFICIENT_FUNDS', 'Insufficient funds');
    END IF;
    IF abs(balance_after) > 1000000000000000000 THEN
      PERFORM "ledger"."refuse"('INVALID_AMOUNT', 'The amount would take an account beyond the largest balance the ledger keeps');
    END IF;
    UPDATE "ledger"."ledger_accounts" SET "balance_minor" = balance_after, "version" = account."version" + 1 WHERE "id" = p_accounts[leg];
    INSERT INTO "ledger"."postings" ("transaction_id", "account_id", "currency", "amount_minor", "balance_after_minor", "version", "created_at")
    VALUES (p_id, p_accounts[leg], p_currency, p_amounts[leg], balance_after, account."version" + 1, posted_at);
  END LOOP;
  RETURN posted_at;
END;
$$;

-- transfer: the caller's source account (ownership checked by the service) to any destination.
CREATE FUNCTION "ledger"."transfer"(p_caller uuid, p_key text, p_fingerprint text, p_id uuid, p_from uuid, p_to uuid,
  p_currency text, p_amount bigint, p_reference text, p_events jsonb)
RETURNS TABLE (transaction_id uuid, replayed boolean, posted_at timestamptz) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  earlier uuid := "ledger"."claim_idempotency_key"(p_caller, p_key, 'transfer', p_fingerprint, p_id);
  posted timestamptz;
BEGIN
  IF earlier IS NOT NULL THEN
    RETURN QUERY SELECT earlier, true, NULL::timestamptz;
    RETURN;
  END IF;
  IF p_from = p_to THEN
    PERFORM "ledger"."refuse"('SAME_ACCOUNT', 'The source and destination accounts are the same');
  END IF;
  posted := "ledger"."post_legs"(p_id, 'TRANSFER', p_currency, ARRAY[p_from, p_to], ARRAY[-p_amount, p_amount], p_reference, p_caller, NULL, NULL);
  PERFORM "ledger"."append_events"(p_events, jsonb_build_object('postedAt', "ledger"."iso_time"(posted)));
  RETURN QUERY SELECT p_id, false, posted;
END;
$$;

-- deposit / withdrawal (tellers): the customer's account against one of the currency's settlement shards,
-- picked at random so that cash movements of one currency do not queue on one row.
CREATE FUNCTION "ledger"."move_cash"(p_operation text, p_caller uuid, p_key text, p_fingerprint text, p_id uuid, p_account uuid,
  p_currency text, p_amount bigint, p_reference text, p_events jsonb)
RETURNS TABLE (transaction_id uuid, replayed boolean, posted_at timestamptz) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  earlier uuid := "ledger"."claim_idempotency_key"(p_caller, p_key, p_operation, p_fingerprint, p_id);
  settlement uuid := "ledger"."settlement_account_id"(p_currency, floor(random() * "ledger"."settlement_shards"())::integer);
  direction bigint := CASE p_operation WHEN 'deposit' THEN 1 WHEN 'withdraw' THEN -1 END;
  posted timestamptz;
BEGIN
  IF earlier IS NOT NULL THEN
    RETURN QUERY SELECT earlier, true, NULL::timestamptz;
    RETURN;
  END IF;
  posted := "ledger"."post_legs"(p_id, CASE WHEN direction = 1 THEN 'DEPOSIT' ELSE 'WITHDRAWAL' END::"ledger"."TransactionKind", p_currency,
                             ARRAY[p_account, settlement], ARRAY[direction * p_amount, -direction * p_amount], p_reference, p_caller, NULL, NULL);
  PERFORM "ledger"."append_events"(p_events, jsonb_build_object('postedAt', "ledger"."iso_time"(posted)));
  RETURN QUERY SELECT p_id, false, posted;
END;
$$;

CREATE FUNCTION "ledger"."deposit"(p_caller uuid, p_key text, p_fingerprint text, p_id uuid, p_account uuid,
  p_currency text, p_amount bigint, p_reference text, p_events jsonb)
RETURNS TABLE (transaction_id uuid, replayed boolean, posted_at timestamptz) LANGUAGE sql AS $$
  SELECT * FROM "ledger"."move_cash"('deposit', p_caller, p_key, p_fingerprint, p_id, p_account, p_currency, p_amount, p_reference, p_events)
$$;

CREATE FUNCTION "ledger"."withdraw"(p_caller uuid, p_key text, p_fingerprint text, p_id uuid, p_account uuid,
  p_currency text, p_amount bigint, p_reference text, p_events jsonb)
RETURNS TABLE (transaction_id uuid, replayed boolean, posted_at timestamptz) LANGUAGE sql AS $$
  SELECT * FROM "ledger"."move_cash"('withdraw', p_caller, p_key, p_fingerprint, p_id, p_account, p_currency, p_amount, p_reference, p_events)
$$;

-- reversal (admins): the exact negation of every posting of a transaction, at most once (also unique
-- reverses_id), under the usual rules (a reversal cannot debit a frozen account or break a limit).
CREATE FUNCTION "ledger"."reverse_transaction"(p_caller uuid, p_key text, p_fingerprint text, p_id uuid, p_original uuid,
  p_reason text, p_events jsonb)
RETURNS TABLE (transaction_id uuid, replayed boolean, posted_at timestamptz) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  earlier uuid := "ledger"."claim_idempotency_key"(p_caller, p_key, 'reverse', p_fingerprint, p_id);
  original record;
  accounts uuid[];
  amounts bigint[];
  posted timestamptz;
BEGIN
  IF earlier IS NOT NULL THEN
    RETURN QUERY SELECT earlier, true, NULL::timestamptz;
    RETURN;
  END IF;
  SELECT t."kind"::text AS kind, t."currency" INTO original FROM "ledger"."transactions" t WHERE t."id" = p_original;
  IF NOT FOUND THEN
    PERFORM "ledger"."refuse"('NOT_FOUND', 'No such transaction');
  END IF;
  IF original.kind = 'REVERSAL' THEN
    PERFORM "ledger"."refuse"('INVALID_STATE', 'A reversal cannot itself be reversed');
  END IF;
  SELECT array_agg(p."account_id" ORDER BY p."id"), array_agg(-p."amount_minor" ORDER BY p."id") INTO accounts, amounts
    FROM "ledger"."postings" p WHERE p."transaction_id" = p_original;
  -- Locked before the check, so a concurrent reversal has committed (and is seen) or waits for us.
  PERFORM "ledger"."lock_accounts"(accounts, original."currency");
  IF EXISTS (SELECT 1 FROM "ledger"."transactions" t WHERE t."reverses_id" = p_original) THEN
    PERFORM "ledger"."refuse"('ALREADY_REVERSED', 'The transaction has already been reversed');
  END IF;
  posted := "ledger"."post_legs"(p_id, 'REVERSAL', original."currency", accounts, amounts, p_reason, p_caller, p_original, NULL);
  PERFORM "ledger"."append_events"(p_events, jsonb_build_object('postedAt', "ledger"."iso_time"(posted)));
  RETURN QUERY SELECT p_id, false, posted;
END;
$$;

-- authorize (two-phase transfer, phase one): reserves funds on the source; the pending-debits trigger and the
-- available-within-limit CHECK make the database itself refuse a hold the balance cannot cover.
CREATE FUNCTION "ledger"."authorize_hold"(p_caller uuid, p_key text, p_fingerprint text, p_id uuid, p_from uuid, p_to uuid,
  p_currency text, p_amount bigint, p_reference text, p_ttl_seconds integer, p_events jsonb)
RETURNS TABLE (hold_id uuid, replayed boolean, expires_at timestamptz) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  earlier uuid := "ledger"."claim_idempotency_key"(p_caller, p_key, 'authorize', p_fingerprint, p_id);
  source record;
  expiry timestamptz;
BEGIN
  IF earlier IS NOT NULL THEN
    RETURN QUERY SELECT earlier, true, NULL::timestamptz;
    RETURN;
  END IF;
  IF p_from = p_to THEN
    PERFORM "ledger"."refuse"('SAME_ACCOUNT', 'The source and destination accounts are the same');
  END IF;
  PERFORM "ledger"."lock_accounts"(ARRAY[p_from, p_to], p_currency);
  PERFORM "ledger"."check_status"(p_from, true);
  PERFORM "ledger"."check_status"(p_to, false);
  PERFORM "ledger"."expire_account_holds"(ARRAY[p_from]);
  SELECT a."kind"::text AS kind, a."balance_minor", a."pending_debits_minor", a."overdraft_limit_minor" INTO source
    FROM "ledger"."ledger_accounts" a WHERE a."id" = p_from;
  IF source.kind = 'CUSTOMER' AND source."balance_minor" - source."pending_debits_minor" - p_amount < -source."overdraft_limit_minor" THEN
    PERFORM "ledger"."refuse"('INSUFFICIENT_FUNDS', 'Insufficient funds');
  END IF;
  INSERT INTO "ledger"."holds" ("id", "account_id", "to_account_id", "currency", "amount_minor", "reference", "initiated_by", "created_at", "expires_at")
  VALUES (p_id, p_from, p_to, p_currency, p_amount, p_reference, p_caller, clock_timestamp(),
          clock_timestamp() + make_interval(secs => p_ttl_seconds))
  RETURNING "holds"."expires_at" INTO expiry;
  PERFORM "ledger"."append_events"(p_events, jsonb_build_object('expiresAt', "ledger"."iso_time"(expiry)));
  RETURN QUERY SELECT p_id, false, expiry;
END;
$$;

-- capture (phase two): accounts locked first, then the hold flips PENDING → CAPTURED (only while it has not
-- expired) and the transfer is posted with hold_id; its own amount no longer counts as pending. The deferred
-- trigger transactions_capture_in_time re-checks the expiry at commit.
CREATE FUNCTION "ledger"."capture_hold"(p_caller uuid, p_key text, p_fingerprint text, p_id uuid, p_hold uuid, p_amount bigint, p_events jsonb)
RETURNS TABLE (transaction_id uuid, replayed boolean, posted_at timestamptz) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  earlier uuid := "ledger"."claim_idempotency_key"(p_caller, p_key, 'capture', p_fingerprint, p_id);
  hold record;
  posted timestamptz;
BEGIN
  IF earlier IS NOT NULL THEN
    RETURN QUERY SELECT earlier, true, NULL::timestamptz;
    RETURN;
  END IF;
  SELECT h."account_id", h."to_account_id", h."currency", h."reference" INTO hold FROM "ledger"."holds" h WHERE h."id" = p_hold;
  IF NOT FOUND THEN
    PERFORM "ledger"."refuse"('NOT_FOUND', 'No such hold');
  END IF;
  PERFORM "ledger"."lock_accounts"(ARRAY[hold."account_id", hold."to_account_id"], hold."currency");
  UPDATE "ledger"."holds" h SET "status" = 'CAPTURED', "captured_minor" = p_amount, "settled_at" = clock_timestamp()
   WHERE h."id" = p_hold AND h."status" = 'PENDING' AND h."expires_at" > clock_timestamp();
  IF NOT FOUND THEN
    PERFORM "ledger"."refuse"('HOLD_NOT_PENDING', 'The hold is no longer pending (captured, voided or expired)');
  END IF;
  posted := "ledger"."post_legs"(p_id, 'TRANSFER', hold."currency", ARRAY[hold."account_id", hold."to_account_id"], ARRAY[-p_amount, p_amount],
                             hold."reference", p_caller, NULL, p_hold);
  PERFORM "ledger"."append_events"(p_events, jsonb_build_object('postedAt', "ledger"."iso_time"(posted)));
  RETURN QUERY SELECT p_id, false, posted;
END;
$$;

-- void: releases a pending hold (source account locked first, as everywhere).
CREATE FUNCTION "ledger"."void_hold"(p_caller uuid, p_key text, p_fingerprint text, p_hold uuid, p_events jsonb)
RETURNS TABLE (hold_id uuid, replayed boolean) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  earlier uuid := "ledger"."claim_idempotency_key"(p_caller, p_key, 'void', p_fingerprint, p_hold);
  source uuid;
BEGIN
  IF earlier IS NOT NULL THEN
    RETURN QUERY SELECT earlier, true;
    RETURN;
  END IF;
  SELECT h."account_id" INTO source FROM "ledger"."holds" h WHERE h."id" = p_hold;
  PERFORM 1 FROM "ledger"."ledger_accounts" WHERE "id" = source FOR UPDATE;
  UPDATE "ledger"."holds" h SET "status" = 'VOIDED', "settled_at" = clock_timestamp()
   WHERE h."id" = p_hold AND h."status" = 'PENDING' AND h."expires_at" > clock_timestamp();
  IF NOT FOUND THEN
    PERFORM "ledger"."refuse"('HOLD_NOT_PENDING', 'The hold is no longer pending (captured, voided or expired)');
  END IF;
  PERFORM "ledger"."append_events"(p_events, '{}'::jsonb);
  RETURN QUERY SELECT p_hold, false;
END;
$$;

-- ---------------------------------------------------------------------------------------------------------
-- Least privilege. Roles are cluster-wide and many databases may be migrated at once (tests): the role is
-- created only if missing, and a concurrent creation is ignored. Services connect as `fedbank_app`: no DDL
-- (it owns nothing, so it can neither alter nor disable triggers), no UPDATE/DELETE on append-only tables, only
-- the mutable columns of the rest. Migrations run as the owner (the role that created the tables).
-- ---------------------------------------------------------------------------------------------------------
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fedbank_app') THEN
    CREATE ROLE "fedbank_app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- created concurrently by another database's migration
END;
$$;

GRANT USAGE ON SCHEMA "users", "accounts", "ledger", "notifications", "audit", "reporting" TO "fedbank_app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "users", "accounts", "ledger", "notifications", "audit", "reporting" TO "fedbank_app";
-- The other domains: data manipulation on their tables (their append-only tables are guarded by triggers).
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "users", "accounts", "notifications", "audit", "reporting" TO "fedbank_app";
REVOKE UPDATE, DELETE ON "audit"."audit_events" FROM "fedbank_app";
-- The ledger: append-only tables are insert-only; mutable tables only in their mutable columns.
GRANT SELECT, INSERT ON "ledger"."postings", "ledger"."transactions", "ledger"."hold_expiry_warnings" TO "fedbank_app";
GRANT SELECT, INSERT, DELETE ON "ledger"."idempotency_keys" TO "fedbank_app";
GRANT SELECT, INSERT ON "ledger"."holds", "ledger"."ledger_accounts" TO "fedbank_app";
GRANT UPDATE ("status", "captured_minor", "settled_at") ON "ledger"."holds" TO "fedbank_app";
GRANT UPDATE ("balance_minor", "version", "status", "status_version") ON "ledger"."ledger_accounts" TO "fedbank_app";
GRANT SELECT, INSERT, UPDATE, DELETE ON "ledger"."outbox_events" TO "fedbank_app";
-- Tables of later migrations (created by the owner) get the same defaults: full data manipulation outside the
-- ledger, insert-only in the ledger (a later ledger table grants more explicitly).
ALTER DEFAULT PRIVILEGES IN SCHEMA "users", "accounts", "notifications", "audit", "reporting"
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "fedbank_app";
ALTER DEFAULT PRIVILEGES IN SCHEMA "users", "accounts", "ledger", "notifications", "audit", "reporting"
  GRANT USAGE, SELECT ON SEQUENCES TO "fedbank_app";
ALTER DEFAULT PRIVILEGES IN SCHEMA "ledger" GRANT SELECT, INSERT ON TABLES TO "fedbank_app";
