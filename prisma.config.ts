// Prisma CLI configuration. Prisma's native engines cannot be downloaded on our machines, so the CLI runs
// its JS/WASM schema engine through the pg driver adapter (see docs/architecture.md, "Prisma").
import { defineConfig } from "prisma/config";
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

type ScriptRunner = { executeScript(script: string): Promise<void>; client: { query(sql: string): Promise<unknown> } };

/**
 * adapter-pg runs a migration script by splitting it on ";", which breaks PL/pgSQL function bodies and
 * applies a migration statement by statement. Sent whole, a script is one simple-protocol query: Postgres
 * runs it as a single implicit transaction, so a migration applies completely or not at all.
 */
function runScriptsWhole<T extends object>(adapter: T): T {
  const runner = adapter as unknown as ScriptRunner;
  runner.executeScript = async (script: string) => {
    await runner.client.query(script);
  };
  return adapter;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  adapter: async () => {
    const raw = process.env.DATABASE_URL;
    if (!raw) throw new Error("DATABASE_URL is required for Prisma CLI commands");
    const url = new URL(raw);
    // Discrete fields rather than a connection string, so a shadow database really gets its own connection.
    const settings = {
      host: url.hostname,
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
      database: url.pathname.slice(1),
    };
    const factory = new PrismaPg(settings);
    const connect = factory.connect.bind(factory);
    factory.connect = async () => runScriptsWhole(await connect());
    // The stock shadow database is dropped while its own pool still holds connections, which Postgres
    // refuses; this one closes the pool first, then drops the database.
    factory.connectToShadowDb = async () => {
      const admin = new pg.Client(settings);
      await admin.connect();
      const database = `prisma_shadow_${randomUUID().replaceAll("-", "")}`;
      await admin.query(`CREATE DATABASE "${database}"`);
      const shadow = await new PrismaPg({ ...settings, database }).connect();
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
        await admin.end();
      };
      return runScriptsWhole(shadow);
    };
    return factory;
  },
});
