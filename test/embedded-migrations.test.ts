// The embedded database's migration path (scripts/embedded-migrations.ts) against the production one
// (`prisma migrate deploy`), on two fresh databases of the real Postgres: the same schema, the same rows in
// `_prisma_migrations` as far as Prisma reads them, and nothing left for Prisma to apply afterwards.
import assert from "node:assert/strict";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import pg from "pg";
import { applyMigrations, migrationsPending, readMigrations } from "../scripts/embedded-migrations.js";
import { migrateDatabase } from "../scripts/migrate.js";
import { ROOT, createTestDatabase, type TestDatabase } from "./support/stack.js";

const MIGRATIONS = join(ROOT, "prisma/migrations");

/** Tables, columns, constraints, indexes, triggers, functions and grants: what a migration builds. */
async function catalog(url: string): Promise<Record<string, string[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = async (sql: string) => (await client.query(sql)).rows.map((row) => JSON.stringify(row)).sort();
    const userSchemas = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')";
    return {
      columns: await rows(
        `SELECT table_schema, table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
      ),
      constraints: await rows(
        `SELECT n.nspname, c.conname, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE ${userSchemas}`,
      ),
      indexes: await rows(`SELECT schemaname, indexname, indexdef FROM pg_indexes WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`),
      triggers: await rows(`SELECT tgname, tgrelid::regclass::text AS rel, pg_get_triggerdef(t.oid) AS def FROM pg_trigger t WHERE NOT tgisinternal`),
      functions: await rows(
        `SELECT n.nspname, p.proname, md5(pg_get_functiondef(p.oid)) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${userSchemas} AND p.prokind = 'f'`,
      ),
      grants: await rows(
        `SELECT table_schema, table_name, grantee, privilege_type FROM information_schema.role_table_grants WHERE table_schema NOT IN ('pg_catalog', 'information_schema')`,
      ),
      migrations: await rows(`SELECT migration_name, checksum, logs, rolled_back_at, applied_steps_count, finished_at IS NOT NULL AS finished FROM _prisma_migrations`),
    };
  } finally {
    await client.end();
  }
}

// The two tests use databases of their own: they run at the same time.
describe("embedded migrations", { concurrency: true }, () => {
  let viaPrisma: TestDatabase;
  let direct: TestDatabase;

  before(async () => {
    [viaPrisma, direct] = await Promise.all([createTestDatabase(false), createTestDatabase(false)]);
  });
  after(async () => {
    await Promise.all([viaPrisma?.drop(), direct?.drop()]);
  });

  test("build the same database as prisma migrate deploy, and leave Prisma nothing to apply", async () => {
    assert.equal(await migrationsPending(direct.url, MIGRATIONS), true, "a new database has every migration pending");
    // The two paths at once, each on its own database (Prisma's CLI is a process of its own).
    const [, applied] = await Promise.all([migrateDatabase(viaPrisma.url, true), applyMigrations(direct.url, MIGRATIONS)]);
    assert.equal(await migrationsPending(viaPrisma.url, MIGRATIONS), false, "nothing pending after prisma migrate deploy");
    assert.equal(await migrationsPending(direct.url, MIGRATIONS), false, "nothing pending after the direct path");
    assert.deepEqual(applied, (await readMigrations(MIGRATIONS)).map((migration) => migration.name));
    const [expected, actual] = await Promise.all([catalog(viaPrisma.url), catalog(direct.url)]);
    for (const key of Object.keys(expected)) assert.deepEqual(actual[key], expected[key], key);
    assert.ok(expected.triggers!.length > 0 && expected.functions!.length > 0, "the comparison covers triggers and functions");

    // Prisma's CLI, run afterwards on the directly migrated database, finds every migration applied.
    await migrateDatabase(direct.url, true);
    assert.deepEqual(await catalog(direct.url), actual);
    assert.deepEqual(await applyMigrations(direct.url, MIGRATIONS), [], "a second run applies nothing");
  });

  test("a failing migration is recorded as failed and stops the next run, as Prisma does", async () => {
    const folder = await mkdtemp(join(tmpdir(), "fedbank-migrations-"));
    const broken = await createTestDatabase(false);
    try {
      await cp(join(MIGRATIONS, (await readMigrations(MIGRATIONS))[0]!.name), join(folder, "20000101000000_first"), { recursive: true });
      await cp(join(MIGRATIONS, "migration_lock.toml"), join(folder, "migration_lock.toml"));
      await mkdir(join(folder, "20000101000001_broken"));
      await writeFile(join(folder, "20000101000001_broken", "migration.sql"), "CREATE TABLE broken_one (id int);\nSELECT no_such_function();\n");
      await assert.rejects(applyMigrations(broken.url, folder), /20000101000001_broken failed: function no_such_function\(\) does not exist/);
      const client = new pg.Client({ connectionString: broken.url });
      await client.connect();
      const { rows } = await client.query(`SELECT migration_name, finished_at, logs FROM _prisma_migrations ORDER BY migration_name`);
      const table = await client.query(`SELECT to_regclass('public.broken_one') AS found`);
      await client.end();
      assert.equal(rows.length, 2);
      assert.equal(rows[1].finished_at, null);
      assert.match(rows[1].logs, /no_such_function/);
      assert.equal(table.rows[0].found, null, "the failed script left nothing behind (one implicit transaction)");
      await assert.rejects(applyMigrations(broken.url, folder), /failed earlier/);
    } finally {
      await rm(folder, { recursive: true, force: true });
      await broken.drop();
    }
  });
});
