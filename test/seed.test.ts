// The demo seed: every role, several currencies, a ledger history of balanced postings; idempotent;
// never in production.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createDatabase } from "#kernel/db.js";
import { ROOT, createTestDatabase } from "./support/stack.js";

const COUNTS = `
  SELECT (SELECT count(*) FROM users.users) AS users,
         (SELECT count(DISTINCT role) FROM users.users) AS roles,
         (SELECT count(*) FROM accounts.accounts) AS accounts,
         (SELECT count(DISTINCT currency) FROM accounts.accounts) AS currencies,
         (SELECT count(*) FROM ledger.transactions) AS transactions,
         (SELECT count(*) FROM ledger.postings) AS postings,
         (SELECT COALESCE(sum(amount_minor), 0) FROM ledger.postings) AS posting_sum,
         (SELECT count(*) FROM notifications.notifications) AS notifications,
         (SELECT count(*) FROM audit.audit_events) AS audit_events`;

function runSeed(databaseUrl: string, nodeEnv: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/seed.ts"], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, NODE_ENV: nodeEnv },
    encoding: "utf8",
  });
}

test("npm run seed creates every role and a balanced history, and a second run changes nothing", { timeout: 120_000 }, async () => {
  const database = await createTestDatabase();
  const db = createDatabase({ url: database.url, poolSize: 2 });
  try {
    const first = runSeed(database.url, "development");
    assert.equal(first.status, 0, first.stderr);
    const after = (await db.pool.query(COUNTS)).rows[0];
    assert.equal(Number(after.users), 6);
    assert.equal(Number(after.roles), 5);
    assert.ok(Number(after.currencies) >= 2);
    assert.ok(Number(after.transactions) > 0);
    assert.equal(Number(after.postings), Number(after.transactions) * 2);
    assert.equal(after.posting_sum, "0", "no money created or destroyed");

    const second = runSeed(database.url, "development");
    assert.equal(second.status, 0, second.stderr);
    assert.deepEqual((await db.pool.query(COUNTS)).rows[0], after);
  } finally {
    await db.close();
    await database.drop();
  }
});

test("the seed refuses to run with NODE_ENV=production and writes nothing", { timeout: 120_000 }, async () => {
  const database = await createTestDatabase();
  const db = createDatabase({ url: database.url, poolSize: 1 });
  try {
    const result = runSeed(database.url, "production");
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /Refusing to seed demo data with NODE_ENV=production/);
    assert.equal(Number((await db.pool.query("SELECT count(*) FROM users.users")).rows[0].count), 0);
  } finally {
    await db.close();
    await database.drop();
  }
});
