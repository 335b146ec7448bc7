// Migrations without Prisma's CLI: whether any is pending (every `npm start`), and, for the embedded database
// only (`npm start` with no DATABASE_URL), applying the committed migration scripts the way `prisma migrate
// deploy` applies them, without starting Prisma's CLI and its WASM schema engine (11 s of a 20 s first start here, against 0.2 s for the SQL itself). Production, compose and the
// tests keep `prisma migrate deploy` (scripts/migrate.ts); this writes the same `_prisma_migrations` rows,
// so Prisma's CLI sees these migrations as applied (test/embedded-migrations.test.ts proves both: the same
// schema as Prisma builds, and nothing left for `prisma migrate deploy` to do).
import { createHash, randomUUID } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";

/** The advisory lock Prisma's schema engine takes around `migrate deploy` (so the two never interleave). */
const PRISMA_MIGRATE_LOCK = 72707369;

// Prisma's own definition of its bookkeeping table.
const MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  /** SHA-256 of the script, hex: what Prisma stores as `checksum`. */
  checksum: string;
}

export async function readMigrations(folder: string): Promise<Migration[]> {
  const names = (await readdir(folder, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(folder, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

/**
 * True when a migration of `folder` is not applied (or was edited since) according to Prisma's own
 * `_prisma_migrations` table: one query, instead of starting Prisma's CLI to find out. A database without
 * that table (a new one) has everything pending.
 */
export async function migrationsPending(url: string, folder: string): Promise<boolean> {
  const migrations = await readMigrations(folder);
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    return migrations.some((migration) => applied.get(migration.name) !== migration.checksum);
  } catch {
    return true;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Applies the migrations of `folder` not yet applied to the database at `url`, in name order, each as one
 * script (one implicit transaction, as Prisma sends it), recording each in `_prisma_migrations`. Refuses,
 * as Prisma does, to go on past a migration that failed earlier. Returns the names it applied.
 */
export async function applyMigrations(url: string, folder: string): Promise<string[]> {
  const migrations = await readMigrations(folder);
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK]);
    await client.query(MIGRATIONS_TABLE);
    const { rows } = await client.query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null }>(
      `SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"`,
    );
    const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
    if (failed) throw new Error(`migration ${failed.migration_name} failed earlier: resolve it (prisma migrate resolve) before migrating again`);
    const applied = new Set(rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => row.migration_name));
    const done: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      const id = randomUUID();
      await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`, [
        id,
        migration.checksum,
        migration.name,
      ]);
      try {
        await client.query(migration.sql);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [id, message]);
        throw new Error(`migration ${migration.name} failed: ${message}`);
      }
      await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
      done.push(migration.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}
