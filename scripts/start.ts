// `npm start`: the whole platform in one process. Without DATABASE_URL it runs embedded Postgres (PGlite
// on loopback, data in DATA_DIR, default .data/); it migrates, seeds the demo data, starts the six
// subgraphs and the router, and stops everything cleanly on Ctrl-C / SIGTERM. Each service can also run
// alone (see its main.ts).
// The first minute (docs/benchmarks.md, `npm run bench:startup`): what is already done is skipped cheaply
// (applied migrations are compared with the migrations folder in one query instead of running Prisma's
// CLI; the seed returns after a few lookups when the demo data is there); the playground bundle is built
// after the router is ready (or read from its cache), never on the first request. What cannot work is said
// in one line before anything starts: a port in use (naming the service and its variable), Postgres or
// Redis unreachable.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfigOrExit } from "#kernel/config.js";
import { migrationsPending } from "./embedded-migrations.js";
import { createLogger } from "#kernel/logger.js";
import {
  assertPortsFree,
  assertPostgresReachable,
  assertRedisReachable,
  exitOnStartupError,
  listenError,
  stopOnSignals,
  type Stoppable,
} from "#kernel/service-runtime.js";
import { routerConfigSchema } from "../router/src/config.js";
import { accountsConfigSchema } from "../subgraphs/accounts/src/config.js";
import { auditConfigSchema } from "../subgraphs/audit/src/config.js";
import { notificationsConfigSchema } from "../subgraphs/notifications/src/config.js";
import { reportingConfigSchema } from "../subgraphs/reporting/src/config.js";
import { transactionsConfigSchema } from "../subgraphs/transactions/src/config.js";
import { usersConfigSchema } from "../subgraphs/users/src/config.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const log = createLogger("platform", process.env.LOG_LEVEL ?? "info");
const running: Stoppable[] = [];
stopOnSignals(log, () => running);

async function main() {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const dataDir = env.DATA_DIR ?? join(ROOT, ".data");

  if (env.NODE_ENV !== "production") {
    const { ensureDevSecrets } = await import("#kernel/dev-secrets.js");
    const secrets = await ensureDevSecrets(dataDir);
    env.ROUTER_IDENTITY_SECRET ??= secrets.identitySecret;
    if (!env.JWT_PRIVATE_KEY && !env.JWT_PRIVATE_KEY_FILE) env.JWT_PRIVATE_KEY_FILE = secrets.jwtPrivateKeyFile;
    if (!env.AUDIT_SIGNING_KEY && !env.AUDIT_SIGNING_KEY_FILE) env.AUDIT_SIGNING_KEY_FILE = secrets.auditSigningKeyFile;
  }

  // Everything in this process talks to the other services on localhost, at the configured ports.
  const ports = {
    users: Number(env.USERS_PORT ?? 4001),
    accounts: Number(env.ACCOUNTS_PORT ?? 4002),
    transactions: Number(env.TRANSACTIONS_PORT ?? 4003),
    notifications: Number(env.NOTIFICATIONS_PORT ?? 4004),
    audit: Number(env.AUDIT_PORT ?? 4005),
    reporting: Number(env.REPORTING_PORT ?? 4006),
  };
  for (const [name, port] of Object.entries(ports)) {
    env[`SUBGRAPH_${name.toUpperCase()}_URL`] ??= `http://localhost:${port}/graphql`;
  }
  env.TRANSACTIONS_URL ??= `http://localhost:${ports.transactions}/graphql`;
  env.JWKS_URL ??= `http://localhost:${ports.users}/.well-known/jwks.json`;
  env.SUPERGRAPH_PATH ??= join(ROOT, "schema/supergraph.graphql");
  const embedded = !env.DATABASE_URL;
  // Validated before anything starts; the embedded database's URL is only known later.
  if (embedded) env.DATABASE_URL = "postgresql://postgres:postgres@127.0.0.1:1/postgres";

  // Validate every service's configuration before starting anything.
  const configs = {
    users: loadConfigOrExit(usersConfigSchema, env),
    accounts: loadConfigOrExit(accountsConfigSchema, env),
    transactions: loadConfigOrExit(transactionsConfigSchema, env),
    notifications: loadConfigOrExit(notificationsConfigSchema, env),
    audit: loadConfigOrExit(auditConfigSchema, env),
    reporting: loadConfigOrExit(reportingConfigSchema, env),
    router: loadConfigOrExit(routerConfigSchema, env),
  };

  // What would fail later, said now in one line each.
  const embeddedPort = Number(env.EMBEDDED_POSTGRES_PORT ?? 54329);
  await assertPortsFree([
    { service: "the router", variable: "ROUTER_PORT", port: configs.router.ROUTER_PORT },
    ...Object.entries(ports).map(([name, port]) => ({ service: `the ${name} subgraph`, variable: `${name.toUpperCase()}_PORT`, port })),
    ...(embedded ? [{ service: "the embedded Postgres", variable: "EMBEDDED_POSTGRES_PORT", port: embeddedPort, host: "127.0.0.1" }] : []),
  ]);
  if (env.REDIS_URL) await assertRedisReachable(env.REDIS_URL);
  if (!embedded) await assertPostgresReachable(configs.users.DATABASE_URL);

  // The services' code loads while the database opens and migrations are checked (file reads overlap).
  const loading = Promise.all([
    import("#kernel/db.js"),
    import("../prisma/seed.js"),
    import("#kernel/events/runtime.js"),
    import("../subgraphs/users/src/service.js"),
    import("../subgraphs/accounts/src/service.js"),
    import("../subgraphs/transactions/src/service.js"),
    import("../subgraphs/notifications/src/service.js"),
    import("../subgraphs/audit/src/service.js"),
    import("../subgraphs/reporting/src/service.js"),
    import("../router/src/server.js"),
  ]);
  loading.catch(() => undefined); // awaited below; a failure is reported there

  if (embedded) {
    const { startEmbeddedPostgres } = await import("#kernel/embedded-postgres.js");
    const postgres = await startEmbeddedPostgres(join(dataDir, "pglite"), embeddedPort);
    running.push(postgres);
    for (const config of [configs.users, configs.accounts, configs.transactions, configs.notifications, configs.audit, configs.reporting]) {
      config.DATABASE_URL = postgres.url;
    }
    log.info({ port: embeddedPort }, "embedded Postgres (PGlite) listening on loopback");
  }
  const databaseUrl = configs.users.DATABASE_URL;

  // Migrations run as the owner (MIGRATION_DATABASE_URL) when services connect as the application role
  // (DATABASE_URL); with one URL (embedded mode, a laptop) everything runs as that one role (docs/ledger.md).
  if (await migrationsPending(env.MIGRATION_DATABASE_URL || databaseUrl, join(ROOT, "prisma/migrations"))) {
    if (embedded) {
      // The embedded database is this process's own: its scripts applied directly, recorded as Prisma
      // records them (scripts/embedded-migrations.ts); every real Postgres gets `prisma migrate deploy`.
      const { applyMigrations } = await import("./embedded-migrations.js");
      const applied = await applyMigrations(databaseUrl, join(ROOT, "prisma/migrations"));
      log.info({ applied: applied.length }, "migrations applied to the embedded database");
    } else {
      const { migrateWithRoles } = await import("./migrate.js");
      await migrateWithRoles({ DATABASE_URL: databaseUrl, MIGRATION_DATABASE_URL: env.MIGRATION_DATABASE_URL });
    }
  } else {
    log.info("migrations: every migration in prisma/migrations is applied");
  }
  const [{ createDatabase }, { seedDemoData, DEMO_PASSWORD, DEMO_USERS }, { allowInProcessTransport }, users, accounts, transactions, notifications, audit, reporting, { startRouter }] =
    await loading;
  // PGlite has one session: pglite-socket keeps a transaction on its connection, but interleaves the
  // extended-protocol messages of statements sent outside a transaction by different connections (a Parse of
  // one replaces the unnamed statement of another). One connection serialises everything, correctly.
  const database = createDatabase({ url: databaseUrl, poolSize: embedded ? 1 : configs.users.DATABASE_POOL_SIZE, applicationName: "fedbank" });
  running.push({ stop: () => database.close() });
  if (env.NODE_ENV !== "production" && env.SEED_DEMO_DATA !== "false") {
    await seedDemoData(database.prisma, (line) => log.info(line));
  }

  // Every service below shares this process's in-process event transport when REDIS_URL is unset.
  allowInProcessTransport();
  const start = async <T extends Stoppable>(name: string, variable: string, starting: Promise<T>): Promise<T> => {
    try {
      const service = await starting;
      running.push(service);
      return service;
    } catch (error) {
      throw listenError(error, name, variable);
    }
  };
  await start("the users subgraph", "USERS_PORT", users.startUsersService(configs.users, database));
  await start("the accounts subgraph", "ACCOUNTS_PORT", accounts.startAccountsService(configs.accounts, database));
  await start("the transactions subgraph", "TRANSACTIONS_PORT", transactions.startTransactionsService(configs.transactions, database));
  await start("the notifications subgraph", "NOTIFICATIONS_PORT", notifications.startNotificationsService(configs.notifications, database));
  await start("the audit subgraph", "AUDIT_PORT", audit.startAuditService(configs.audit, database));
  await start("the reporting subgraph", "REPORTING_PORT", reporting.startReportingService(configs.reporting, database));
  const router = await start("the router", "ROUTER_PORT", startRouter(configs.router));

  const logins = DEMO_USERS.map((user) => `    ${user.email.padEnd(20)} ${user.role}`).join("\n");
  process.stdout.write(`
FedBank is running.
  GraphQL endpoint (router): ${router.url}
  Playground: open ${router.url} in a browser
  Database: ${embedded ? `embedded PGlite, data in ${join(dataDir, "pglite")}` : "DATABASE_URL"}
  Demo logins (password: ${DEMO_PASSWORD}):
${logins}
  Try: curl -s ${router.url} -H 'content-type: application/json' \\
         -d '{"query":"mutation { login(email: \\"alice@demo.bank\\", password: \\"${DEMO_PASSWORD}\\") { accessToken } }"}'
Press Ctrl-C to stop.
`);
}

main().catch(async (error: unknown) => {
  // Whatever already started is stopped first (ports, the embedded database's files).
  for (const part of [...running].reverse()) await part.stop().catch(() => undefined);
  exitOnStartupError(error);
});
