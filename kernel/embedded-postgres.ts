// The embedded database of `npm start` without DATABASE_URL: PGlite (Postgres compiled to WASM) served over
// the Postgres wire protocol on loopback, so Prisma and pg connect to it exactly as to a real server.
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // PGlite runs one transaction at a time; many connections are accepted and queued (but see the pool
  // size in scripts/start.ts: statements outside transactions interleave between connections).
  const server = new PGLiteSocketServer({ db, port, host: "127.0.0.1", maxConnections: 100 });
  await server.start();
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
