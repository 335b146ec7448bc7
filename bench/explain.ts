// `node --import tsx bench/explain.ts`: the query plans of every SQL statement one dashboard read (bench/run.ts
// scenario 1) sends, from Postgres's auto_explain (loaded for a fresh bench database only), so indexes on the
// dashboard's paths can be checked. Prints each distinct statement with its plan (EXPLAIN ANALYZE, text).
// Needs a local Postgres whose server log it can read (Debian: /var/log/postgresql/postgresql-15-main.log).
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import { createDatabase } from "#kernel/db.js";
import { buildAccountsWithHistory, buildCustomer } from "../test/support/builders.js";
import { ADMIN_DATABASE_URL, DEMO_PASSWORD, createTestDatabase, graphql, login, startStack } from "../test/support/stack.js";
import { DASHBOARD_QUERY } from "./dashboard-query.js";

const LOG = process.env.POSTGRES_LOG ?? "/var/log/postgresql/postgresql-15-main.log";

const database = await createTestDatabase();
const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
await admin.connect();
// enable_seqscan off: on tables this small the planner prefers a sequential scan even where an index exists;
// with it off, a path without a usable index still shows as a Seq Scan (at a prohibitive cost).
for (const setting of ["session_preload_libraries = 'auto_explain'", "auto_explain.log_min_duration = 0", "auto_explain.log_analyze = on", "enable_seqscan = off"]) {
  await admin.query(`ALTER DATABASE "${database.name}" SET ${setting}`);
}
await admin.end();
const stack = await startStack({ DATABASE_URL: database.url, LOG_LEVEL: "error" });
const db = createDatabase({ url: database.url, poolSize: 2, applicationName: "bench-explain" });
try {
  const customer = await buildCustomer(db.prisma, `explain-${randomUUID().slice(0, 8)}@demo.bank`, DEMO_PASSWORD);
  await buildAccountsWithHistory(db.prisma, customer.id, 4, 25);
  const token = await login(stack.routerUrl, customer.email);
  const offset = (await readFile(LOG, "utf8")).length;
  const marker = `dashboard-explain-${randomUUID()}`;
  const answer = await graphql(stack.routerUrl, `${DASHBOARD_QUERY}\n# ${marker}`, {}, token);
  if (answer.body.errors) throw new Error(JSON.stringify(answer.body.errors));
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const log = (await readFile(LOG, "utf8")).slice(offset);
  // Entries of this database only: "<time> [pid] user@db LOG:  duration: ... plan:" followed by indented lines.
  const entries = log.split(/\n(?=\d{4}-\d\d-\d\d )/).filter((entry) => entry.includes(`@${database.name} `) && entry.includes("plan:"));
  const seen = new Set<string>();
  for (const entry of entries) {
    const text = entry.replace(/^.*?plan:\n/s, "");
    const statement = (/Query Text: ([\s\S]*?)\n\t(?=\S)/.exec(text)?.[1] ?? "").replace(/\s+/g, " ").trim();
    // The dashboard's reads only: not the event consumers and audit writers running at the same time.
    if (!/^(WITH|SELECT)\b/i.test(statement) || /outbox_events|audit_events|processed_events|pg_advisory/.test(statement) || seen.has(statement)) continue;
    seen.add(statement);
    console.log(`${text.trim()}\n`);
  }
  console.log(`${seen.size} distinct statements for one dashboard (4 accounts × 25 deposits, 20 shown per account)`);
} finally {
  await db.close();
  await stack.stop();
  await database.drop();
}
