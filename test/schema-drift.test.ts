// The committed migrations must build exactly the tables the Prisma schema describes. `prisma migrate
// diff --from-migrations` cannot run with the driver adapter here (see docs/architecture.md), so this test
// builds two databases, one from the migrations and one from the schema's own DDL, and compares their
// catalogues: tables, columns, enums, primary/unique/foreign keys and indexes. Hand-written extras of the
// migrations (triggers, functions, CHECK constraints) are not part of the comparison.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { ROOT, createTestDatabase } from "./support/stack.js";

const CATALOGUE = /* SQL */ `
  SELECT 'column' AS kind, table_schema || '.' || table_name || '.' || column_name AS name,
         concat_ws(' ', udt_schema || '.' || udt_name, is_nullable, column_default) AS definition
    FROM information_schema.columns
   WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'public')
  UNION ALL
  SELECT 'enum', n.nspname || '.' || t.typname, string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
   GROUP BY n.nspname, t.typname
  UNION ALL
  SELECT 'constraint', n.nspname || '.' || c.conname, pg_get_constraintdef(c.oid)
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
   WHERE c.contype IN ('p', 'u', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'public')
  UNION ALL
  SELECT 'index', schemaname || '.' || indexname, indexdef
    FROM pg_indexes
   WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'public')
  ORDER BY 1, 2`;

async function catalogue(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ kind: string; name: string; definition: string | null }>(CATALOGUE);
    return rows.map((row) => `${row.kind} ${row.name}: ${row.definition ?? ""}`);
  } finally {
    await client.end();
  }
}

test("the migrations build exactly the schema that prisma/schema describes", async () => {
  const migrated = await createTestDatabase(true);
  const declared = await createTestDatabase(false);
  try {
    const diff = spawnSync(
      process.execPath,
      ["node_modules/prisma/build/index.js", "migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/schema", "--script"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, DATABASE_URL: declared.url, PRISMA_HIDE_UPDATE_MESSAGE: "1" } },
    );
    assert.equal(diff.status, 0, diff.stderr);
    const client = new pg.Client({ connectionString: declared.url });
    await client.connect();
    await client.query(diff.stdout);
    await client.end();

    const [fromMigrations, fromSchema] = await Promise.all([catalogue(migrated.url), catalogue(declared.url)]);
    const onlyInMigrations = fromMigrations.filter((line) => !fromSchema.includes(line));
    const onlyInSchema = fromSchema.filter((line) => !fromMigrations.includes(line));
    assert.deepEqual(
      { onlyInMigrations, onlyInSchema },
      { onlyInMigrations: [], onlyInSchema: [] },
      "prisma/schema and prisma/migrations disagree: write a migration for the schema change",
    );
    assert.ok(fromSchema.length > 50, "the comparison saw the tables");
  } finally {
    await Promise.all([migrated.drop(), declared.drop()]);
  }
});
