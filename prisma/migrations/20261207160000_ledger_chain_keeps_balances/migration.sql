-- The running balance kept by the database itself (issue 16, second step): inserting a posting is what moves
-- its account's balance and version. The posting's BEFORE INSERT trigger locks the account row, checks that
-- the posting is the next version and that balance_after = balance + amount, and writes both onto the account
-- (as the owner: the application role can no longer UPDATE balances or versions at all). A balance therefore
-- equals its last posting's balance_after by construction, and the four commit-time re-checks per transfer
-- (postings_running_balance, ledger_accounts_balance_explained) are gone from the locked section; a direct
-- UPDATE of a balance (even by the owner) is refused. Movements also skip expiring holds on accounts that
-- have no pending debits (the common case).

CREATE OR REPLACE FUNCTION "ledger"."check_posting_chain"() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  account record;
BEGIN
  SELECT a."balance_minor", a."version" INTO account FROM "ledger"."ledger_accounts" a WHERE a."id" = NEW."account_id" FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no ledger account %', NEW."account_id" USING ERRCODE = 'foreign_key_violation';
  END IF;
  IF NEW."version" <> account."version" + 1 THEN
    RAISE EXCEPTION 'posting version % of ledger account % is not the next one (%)', NEW."version", NEW."account_id", account."version" + 1
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW."balance_after_minor" <> account."balance_minor" + NEW."amount_minor" THEN
    RAISE EXCEPTION 'posting of ledger account % breaks the running balance (% + % <> %)',
      NEW."account_id", account."balance_minor", NEW."amount_minor", NEW."balance_after_minor" USING ERRCODE = 'check_violation';
  END IF;
  UPDATE "ledger"."ledger_accounts" SET "balance_minor" = NEW."balance_after_minor", "version" = NEW."version" WHERE "id" = NEW."account_id";
  RETURN NEW;
END;
$$;

-- Balances and versions change only through their postings (the trigger above is the one writer).
CREATE FUNCTION "ledger"."guard_balance_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'balance of ledger account % is not explained by a posting: balances change only by inserting postings', OLD."id"
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END;
$$;

DROP TRIGGER "postings_running_balance" ON "ledger"."postings";
DROP TRIGGER "ledger_accounts_balance_explained" ON "ledger"."ledger_accounts";
CREATE TRIGGER "ledger_accounts_balance_by_postings" BEFORE UPDATE OF "balance_minor", "version" ON "ledger"."ledger_accounts"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."guard_balance_update"();
-- A new account starts empty: balance, version and pending debits come only from its postings and holds.
CREATE FUNCTION "ledger"."guard_account_insert"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."balance_minor" <> 0 OR NEW."version" <> 0 OR NEW."pending_debits_minor" <> 0 THEN
    RAISE EXCEPTION 'ledger account % must start empty (balance, version and pending debits 0)', NEW."id"
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END;
$$;

CREATE TRIGGER "ledger_accounts_start_empty" BEFORE INSERT ON "ledger"."ledger_accounts"
  FOR EACH ROW EXECUTE FUNCTION "ledger"."guard_account_insert"();

REVOKE UPDATE ("balance_minor", "version") ON "ledger"."ledger_accounts" FROM "fedbank_app";

-- post_legs: the posting insert moves the balance; expiry only where holds are pending.
CREATE OR REPLACE FUNCTION "ledger"."post_legs"(p_id uuid, p_kind "ledger"."TransactionKind", p_currency text, p_accounts uuid[], p_amounts bigint[],
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
    INSERT INTO "ledger"."postings" ("transaction_id", "account_id", "currency", "amount_minor", "balance_after_minor", "version", "created_at")
    VALUES (p_id, p_accounts[leg], p_currency, p_amounts[leg], balance_after, account."version" + 1, posted_at);
  END LOOP;
  RETURN posted_at;
END;
$$;

-- Nothing to expire on accounts without pending debits (most movements): one indexed read instead of a write.
CREATE OR REPLACE FUNCTION "ledger"."expire_account_holds"(p_accounts uuid[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  expired integer;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM "ledger"."ledger_accounts" a WHERE a."id" = ANY(p_accounts) AND a."pending_debits_minor" > 0) THEN
    RETURN 0;
  END IF;
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
