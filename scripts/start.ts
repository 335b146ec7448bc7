// `npm start`: the whole platform in one process. Without DATABASE_URL it runs embedded Postgres (PGlite
// on loopback, data in .data/); it migrates, seeds the demo data, starts the six subgraphs and the router,
// and stops everything cleanly on Ctrl-C / SIGTERM. Each service can also run alone (see its main.ts).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfigOrExit } from "../kernel/config.js";
import { createDatabase } from "../kernel/db.js";
import { ensureDevSecrets } from "../kernel/dev-secrets.js";
import { allowInProcessTransport } from "../kernel/events/runtime.js";
import { startEmbeddedPostgres } from "../kernel/embedded-postgres.js";
import { createLogger } from "../kernel/logger.js";
import { stopOnSignals, type Stoppable } from "../kernel/service-runtime.js";
import { DEMO_PASSWORD, DEMO_USERS, seedDemoData } from "../prisma/seed.js";
import { routerConfigSchema } from "../router/src/config.js";
import { startRouter } from "../router/src/server.js";
import { accountsConfigSchema } from "../subgraphs/accounts/src/config.js";
import { startAccountsService } from "../subgraphs/accounts/src/service.js";
import { auditConfigSchema } from "../subgraphs/audit/src/config.js";
import { startAuditService } from "../subgraphs/audit/src/service.js";
import { notificationsConfigSchema } from "../subgraphs/notifications/src/config.js";
import { startNotificationsService } from "../subgraphs/notifications/src/service.js";
import { reportingConfigSchema } from "../subgraphs/reporting/src/config.js";
import { startReportingService } from "../subgraphs/reporting/src/service.js";
import { transactionsConfigSchema } from "../subgraphs/transactions/src/config.js";
import { startTransactionsService } from "../subgraphs/transactions/src/service.js";
import { usersConfigSchema } from "../subgraphs/users/src/config.js";
import { startUsersService } from "../subgraphs/users/src/service.js";
import { migrateWithRoles } from "./migrate.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const log = createLogger("platform", process.env.LOG_LEVEL ?? "info");
const running: Stoppable[] = [];
stopOnSignals(log, () => running);

const env: NodeJS.ProcessEnv = { ...process.env };
const dataDir = env.DATA_DIR ?? join(ROOT, ".data");

if (env.NODE_ENV !== "production") {
  const secrets = await ensureDevSecrets(dataDir);
  env.ROUTER_IDENTITY_SECRET ??= secrets.identitySecret;
  if (!env.JWT_PRIVATE_KEY && !env.JWT_PRIVATE_KEY_FILE) env.JWT_PRIVATE_KEY_FILE = secrets.jwtPrivateKeyFile;
  if (!env.AUDIT_SIGNING_KEY && !env.AUDIT_SIGNING_KEY_FILE) env.AUDIT_SIGNING_KEY_FILE = secrets.auditSigningKeyFile;
}

let embedded = false;
if (!env.DATABASE_URL) {
  const port = Number(env.EMBEDDED_POSTGRES_PORT ?? 54329);
  const postgres = await startEmbeddedPostgres(join(dataDir, "pglite"), port);
  running.push(postgres);
  env.DATABASE_URL = postgres.url;
  embedded = true;
  log.info({ port }, "embedded Postgres (PGlite) listening on loopback");
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

// Migrations run as the owner (MIGRATION_DATABASE_URL) when services connect as the application role
// (DATABASE_URL); with one URL (embedded mode, a laptop) everything runs as that one role (docs/ledger.md).
await migrateWithRoles({ DATABASE_URL: env.DATABASE_URL, MIGRATION_DATABASE_URL: env.MIGRATION_DATABASE_URL });
// PGlite has one session: pglite-socket keeps a transaction on its connection, but interleaves the
// extended-protocol messages of statements sent outside a transaction by different connections (a Parse of
// one replaces the unnamed statement of another). One connection serialises everything, correctly.
const database = createDatabase({ url: env.DATABASE_URL, poolSize: embedded ? 1 : configs.users.DATABASE_POOL_SIZE, applicationName: "fedbank" });
running.push({ stop: () => database.close() });
if (env.NODE_ENV !== "production" && env.SEED_DEMO_DATA !== "false") {
  await seedDemoData(database.prisma, (line) => log.info(line));
}

// Every service below shares this process's in-process event transport when REDIS_URL is unset.
allowInProcessTransport();
running.push(await startUsersService(configs.users, database));
running.push(await startAccountsService(configs.accounts, database));
running.push(await startTransactionsService(configs.transactions, database));
running.push(await startNotificationsService(configs.notifications, database));
running.push(await startAuditService(configs.audit, database));
running.push(await startReportingService(configs.reporting, database));
const router = await startRouter(configs.router);
running.push(router);

const logins = DEMO_USERS.map((user) => `    ${user.email.padEnd(20)} ${user.role}`).join("\n");
process.stdout.write(`
FedBank is running.
  GraphQL endpoint (router): ${router.url}
  Database: ${embedded ? `embedded PGlite, data in ${join(dataDir, "pglite")}` : "DATABASE_URL"}
  Demo logins (password: ${DEMO_PASSWORD}):
${logins}
  Try: curl -s ${router.url} -H 'content-type: application/json' \\
         -d '{"query":"mutation { login(email: \\"alice@demo.bank\\", password: \\"${DEMO_PASSWORD}\\") { accessToken } }"}'
Press Ctrl-C to stop.
`);
