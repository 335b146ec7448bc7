// Static checks of the container setup (Dockerfile, .dockerignore, docker-compose.yml). There is no Docker
// engine where tests run, so these tests read the files and hold them to the platform's conventions: the
// service names, ports, health endpoints, environment variables and start order that the code and the
// docs rely on. `docker compose config` is run too, but only where the compose plugin exists.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { parse } from "yaml";

const root = new URL("../", import.meta.url);
const rootPath = fileURLToPath(root);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");
const exists = (path: string) => existsSync(new URL(path, root));
const run = promisify(execFile);

/** The conventional port of each subgraph and the variables that carry it. */
const SUBGRAPHS = {
  users: { port: 4001, portVar: "USERS_PORT", routerVar: "SUBGRAPH_USERS_URL" },
  accounts: { port: 4002, portVar: "ACCOUNTS_PORT", routerVar: "SUBGRAPH_ACCOUNTS_URL" },
  transactions: { port: 4003, portVar: "TRANSACTIONS_PORT", routerVar: "SUBGRAPH_TRANSACTIONS_URL" },
  notifications: { port: 4004, portVar: "NOTIFICATIONS_PORT", routerVar: "SUBGRAPH_NOTIFICATIONS_URL" },
  audit: { port: 4005, portVar: "AUDIT_PORT", routerVar: "SUBGRAPH_AUDIT_URL" },
  reporting: { port: 4006, portVar: "REPORTING_PORT", routerVar: "SUBGRAPH_REPORTING_URL" },
} as const;
type SubgraphName = keyof typeof SUBGRAPHS;
const SUBGRAPH_NAMES = Object.keys(SUBGRAPHS) as SubgraphName[];
const ROUTER_PORT = 4000;
const APP_SERVICES = ["migrate", ...SUBGRAPH_NAMES, "router"];

// ---------------------------------------------------------------------------------------------------
// docker-compose.yml, parsed and normalised (compose accepts several spellings for the same thing)
// ---------------------------------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { target?: number; published?: string | number }>;
  expose?: Array<string | number>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}
interface ComposeFile {
  services?: Record<string, ComposeService>;
}

// `merge: true` resolves the `<<: *anchor` merge keys the compose file uses for shared settings.
const compose = parse(read("docker-compose.yml"), { merge: true }) as ComposeFile;
const services = compose.services ?? {};

function service(name: string): ComposeService {
  const found = services[name];
  assert.ok(found, `docker-compose.yml has no service "${name}"`);
  return found;
}

function commandOf(name: string): string[] {
  const command = service(name).command;
  assert.ok(command, `service "${name}" has no command`);
  return typeof command === "string" ? command.trim().split(/\s+/) : command;
}

function envOf(name: string): Record<string, string> {
  const environment = service(name).environment ?? {};
  const entries = Array.isArray(environment)
    ? environment.map((item): [string, string] => {
        const at = item.indexOf("=");
        return at < 0 ? [item, ""] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(environment).map(([key, value]): [string, string] => [key, value == null ? "" : String(value)]);
  return Object.fromEntries(entries);
}

function dependsOn(name: string): Record<string, string> {
  const deps = service(name).depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((dep) => [dep, "service_started"]));
  return Object.fromEntries(Object.entries(deps).map(([dep, spec]) => [dep, spec.condition ?? "service_started"]));
}

function healthcheckCommand(name: string): string {
  const check = service(name).healthcheck;
  assert.ok(check?.test && !check.disable, `service "${name}" has no healthcheck`);
  return Array.isArray(check.test) ? check.test.join(" ") : check.test;
}

/** The only http URL in a healthcheck command (they probe with node's fetch). */
function healthcheckUrl(name: string): URL {
  const urls = healthcheckCommand(name).match(/https?:\/\/[^'"`\s)]+/g) ?? [];
  assert.equal(urls.length, 1, `healthcheck of "${name}" should fetch exactly one URL, found ${urls.length}`);
  return new URL(urls[0]!);
}

function publishedPorts(name: string): string[] {
  return (service(name).ports ?? []).map((entry) =>
    typeof entry === "object" ? `${entry.published ?? ""}:${entry.target ?? ""}` : String(entry),
  );
}

/** A value that compose must take from the environment and refuses to start without: `${NAME:?message}`. */
function assertRequiredInterpolation(value: string | undefined, variable: string, where: string) {
  assert.match(
    value ?? "",
    new RegExp(`^\\$\\{${variable}:\\?[^}]+\\}$`),
    `${where} must be \${${variable}:?<message>} so compose refuses to start without it (never a committed value)`,
  );
}

test("compose: postgres, redis, migrate, the six subgraphs and the router all exist", () => {
  for (const name of ["postgres", "redis", ...APP_SERVICES]) service(name);
  assert.match(service("postgres").image ?? "", /^postgres:15(\b|$)/);
  assert.match(service("redis").image ?? "", /^redis:7(\b|$)/);
  assert.match(healthcheckCommand("postgres"), /pg_isready/);
  assert.match(healthcheckCommand("redis"), /redis-cli ping/);
});

test("compose: every application service runs the one image built from the Dockerfile", () => {
  const images = new Set(APP_SERVICES.map((name) => service(name).image));
  assert.equal(images.size, 1, `application services use different images: ${[...images].join(", ")}`);
  for (const name of APP_SERVICES) {
    const build = service(name).build;
    assert.ok(build, `service "${name}" has no build section`);
    const context = typeof build === "string" ? build : (build.context ?? ".");
    const dockerfile = typeof build === "string" ? "Dockerfile" : (build.dockerfile ?? "Dockerfile");
    assert.equal(context.replace(/\/$/, ""), ".", `service "${name}" builds from ${context}, not the repo root`);
    assert.equal(dockerfile, "Dockerfile", `service "${name}" builds ${dockerfile}`);
  }
});

for (const name of SUBGRAPH_NAMES) {
  const { port, portVar } = SUBGRAPHS[name];

  test(`compose: ${name} runs subgraphs/${name}/src/main.ts on port ${port}, probed at /ready`, () => {
    assert.deepEqual(commandOf(name), ["node", "--import", "tsx", `subgraphs/${name}/src/main.ts`]);

    const env = envOf(name);
    assert.equal(env[portVar], String(port), `${name}: ${portVar}`);
    assert.deepEqual(
      (service(name).expose ?? []).map(String),
      [String(port)],
      `${name} should expose only ${port} (to the compose network)`,
    );

    const url = healthcheckUrl(name);
    assert.ok(["localhost", "127.0.0.1"].includes(url.hostname), `${name} healthcheck probes ${url.hostname}`);
    assert.equal(url.port, String(port), `${name} healthcheck port`);
    assert.equal(url.pathname, "/ready", `${name} healthcheck path`);
  });

  test(`compose: ${name} has its database, identity secret and start order`, () => {
    const env = envOf(name);
    assert.equal(env.NODE_ENV, "production");
    assert.match(env.DATABASE_URL ?? "", /^postgres(ql)?:\/\/.+@postgres:5432\/\w+$/, `${name}: DATABASE_URL`);
    assert.equal(env.DATABASE_URL, envOf("migrate").DATABASE_URL, `${name} and migrate must use the same database`);
    assertRequiredInterpolation(env.ROUTER_IDENTITY_SECRET, "ROUTER_IDENTITY_SECRET", `${name}: ROUTER_IDENTITY_SECRET`);

    const deps = dependsOn(name);
    assert.equal(deps.migrate, "service_completed_successfully", `${name} must wait for the migrations`);
    assert.equal(deps.postgres, "service_healthy", `${name} must wait for a healthy postgres`);
  });
}

test("compose: users has its signing key from the environment and the router's issuer/audience", () => {
  const env = envOf("users");
  assert.ok(env.JWT_PRIVATE_KEY || env.JWT_PRIVATE_KEY_FILE, "users needs JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE");
  if (env.JWT_PRIVATE_KEY) assertRequiredInterpolation(env.JWT_PRIVATE_KEY, "JWT_PRIVATE_KEY", "users: JWT_PRIVATE_KEY");
  const router = envOf("router");
  // Tokens signed with one issuer/audience and verified against another would all be rejected.
  assert.equal(router.JWT_ISSUER, env.JWT_ISSUER, "router and users JWT_ISSUER differ");
  assert.equal(router.JWT_AUDIENCE, env.JWT_AUDIENCE, "router and users JWT_AUDIENCE differ");
});

test("compose: reporting reads from the transactions service", () => {
  assert.equal(envOf("reporting").TRANSACTIONS_URL, `http://transactions:${SUBGRAPHS.transactions.port}/graphql`);
});

test("compose: the router runs router/src/main.ts on 4000 and reaches each subgraph by service name", () => {
  assert.deepEqual(commandOf("router"), ["node", "--import", "tsx", "router/src/main.ts"]);
  const env = envOf("router");
  assert.equal(env.NODE_ENV, "production");
  assert.equal(env.ROUTER_PORT, String(ROUTER_PORT));
  assert.equal(env.SUPERGRAPH_PATH, "schema/supergraph.graphql");
  assert.equal(env.REDIS_URL, "redis://redis:6379");
  assert.equal(env.JWKS_URL, `http://users:${SUBGRAPHS.users.port}/.well-known/jwks.json`);
  assertRequiredInterpolation(env.ROUTER_IDENTITY_SECRET, "ROUTER_IDENTITY_SECRET", "router: ROUTER_IDENTITY_SECRET");
  for (const name of SUBGRAPH_NAMES) {
    assert.equal(env.ROUTER_IDENTITY_SECRET, envOf(name).ROUTER_IDENTITY_SECRET, `router and ${name} must share the secret`);
  }

  for (const name of SUBGRAPH_NAMES) {
    const { port, routerVar } = SUBGRAPHS[name];
    const raw = env[routerVar];
    assert.ok(raw, `router: ${routerVar} is not set`);
    const url = new URL(raw);
    assert.equal(url.protocol, "http:", `${routerVar}`);
    assert.equal(url.hostname, name, `${routerVar} must name the compose service "${name}"`);
    assert.equal(url.port, String(port), `${routerVar} port`);
    assert.equal(url.pathname, "/graphql", `${routerVar} path`);
    assert.equal(envOf(name)[SUBGRAPHS[name].portVar], url.port, `${routerVar} and ${name}'s own port disagree`);
  }
  const unknown = Object.keys(env).filter(
    (key) => /^SUBGRAPH_.+_URL$/.test(key) && !SUBGRAPH_NAMES.some((name) => SUBGRAPHS[name].routerVar === key),
  );
  assert.deepEqual(unknown, [], "router has SUBGRAPH_*_URL variables for services that do not exist");

  const url = healthcheckUrl("router");
  assert.equal(url.port, String(ROUTER_PORT));
  assert.equal(url.pathname, "/ready");
});

test("compose: only the router publishes a port, 4000:4000", () => {
  for (const name of Object.keys(services)) {
    if (name === "router") continue;
    assert.deepEqual(publishedPorts(name), [], `service "${name}" must not publish ports to the host`);
  }
  assert.deepEqual(publishedPorts("router"), [`${ROUTER_PORT}:${ROUTER_PORT}`]);
});

test("compose: start order: postgres -> migrate -> subgraphs -> router (with redis)", () => {
  assert.deepEqual(dependsOn("migrate"), { postgres: "service_healthy" });
  const router = dependsOn("router");
  for (const name of [...SUBGRAPH_NAMES, "redis"]) {
    assert.equal(router[name], "service_healthy", `router must wait for a healthy ${name}`);
  }
  // A service_healthy condition on a service without a healthcheck would never be met.
  for (const name of Object.keys(services)) {
    for (const [dep, condition] of Object.entries(dependsOn(name))) {
      service(dep);
      if (condition === "service_healthy") healthcheckCommand(dep);
    }
  }
});

test("compose: secrets come from the environment, never from the file", () => {
  assertRequiredInterpolation(envOf("postgres").POSTGRES_PASSWORD, "POSTGRES_PASSWORD", "postgres: POSTGRES_PASSWORD");
  // Two roles (docs/ledger.md): migrations as the owner, services as the application role.
  assert.ok(
    envOf("migrate").MIGRATION_DATABASE_URL?.includes("fedbank:${POSTGRES_PASSWORD:?"),
    "MIGRATION_DATABASE_URL (the owner) must take its password from ${POSTGRES_PASSWORD:?...}",
  );
  for (const name of ["migrate", "users", "transactions", "router"].filter((candidate) => candidate in services)) {
    const url = envOf(name).DATABASE_URL;
    if (url !== undefined) assert.ok(url.includes("fedbank_app:${APP_DATABASE_PASSWORD:?"), `${name}: DATABASE_URL must be the application role with \${APP_DATABASE_PASSWORD:?...}`);
  }
  for (const name of Object.keys(services)) {
    for (const [key, value] of Object.entries(envOf(name))) {
      if (/SECRET|PASSWORD|PRIVATE_KEY$|ENCRYPTION_KEY$/.test(key)) assertRequiredInterpolation(value, key, `${name}: ${key}`);
    }
  }
});

test("compose: migrate is a one-shot `npm run migrate` and package.json defines it", () => {
  assert.deepEqual(commandOf("migrate"), ["npm", "run", "migrate"]);
  assert.match(envOf("migrate").DATABASE_URL ?? "", /^postgres(ql)?:\/\//);
  const pkg = JSON.parse(read("package.json")) as { scripts?: Record<string, string> };
  assert.ok(pkg.scripts?.migrate, 'package.json has no "migrate" script');
});

test("compose: every file a container runs exists in the repo", () => {
  const missing: string[] = [];
  for (const name of [...SUBGRAPH_NAMES, "router"]) {
    const entry = commandOf(name).find((part) => part.endsWith(".ts"));
    assert.ok(entry, `service "${name}" runs no .ts entry point`);
    if (!exists(entry)) missing.push(`${entry} (service "${name}")`);
  }
  const supergraph = envOf("router").SUPERGRAPH_PATH ?? "";
  if (!exists(supergraph)) missing.push(`${supergraph} (router SUPERGRAPH_PATH)`);
  assert.deepEqual(missing, [], `missing files: ${missing.join(", ")}`);
});

test("compose: the healthcheck probes exit 0 on a ready service and 1 otherwise", async () => {
  // Run each probe script for real, pointed at a local server instead of its own port: one server
  // answers /ready with 200, the other with 503.
  const listen = async (status: number) => {
    const server = createServer((req, res) => {
      res.statusCode = req.url === "/ready" ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return server;
  };
  const ready = await listen(200);
  const notReady = await listen(503);
  const portOf = (server: typeof ready) => (server.address() as AddressInfo).port;
  try {
    // Probes that differ only in their port are the same script here: run each distinct one once.
    const probes = new Map<string, string[]>();
    for (const name of [...SUBGRAPH_NAMES, "router"]) {
      const test = service(name).healthcheck?.test;
      assert.ok(Array.isArray(test) && test[0] === "CMD" && test[1] === "node", `${name}: probe is not ["CMD","node",...]`);
      const args = test.slice(2).map((arg) => arg.replace(/\/\/(?:localhost|127\.0\.0\.1):\d+/, "//127.0.0.1:PORT"));
      probes.set(JSON.stringify(args), args);
    }
    const exitCode = (args: string[], port: number) =>
      run(process.execPath, args.map((arg) => arg.replace(":PORT", `:${port}`)), { timeout: 10_000 }).then(
        () => 0,
        (error: { code?: unknown }) => (typeof error.code === "number" ? error.code : -1),
      );
    for (const args of probes.values()) {
      assert.equal(await exitCode(args, portOf(ready)), 0, `probe should pass when /ready answers 200: ${args.join(" ")}`);
      assert.equal(await exitCode(args, portOf(notReady)), 1, `probe should fail when /ready answers 503: ${args.join(" ")}`);
    }
  } finally {
    await Promise.all([ready, notReady].map((server) => new Promise((resolve) => server.close(resolve))));
  }
});

test("compose: `docker compose config` accepts the file and requires the secrets", (t) => {
  const available = spawnSync("docker", ["compose", "version"], { encoding: "utf8" }).status === 0;
  if (!available) {
    t.skip("docker compose is not installed here");
    return;
  }
  const secrets = {
    POSTGRES_PASSWORD: "test-password",
    ROUTER_IDENTITY_SECRET: "x".repeat(32),
    JWT_PRIVATE_KEY: "-----BEGIN PRIVATE KEY-----\ntest\n-----END PRIVATE KEY-----",
    MFA_ENCRYPTION_KEY: "m".repeat(32),
  };
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !(key in secrets)));
  const config = (env: NodeJS.ProcessEnv) =>
    spawnSync("docker", ["compose", "-f", "docker-compose.yml", "config", "--quiet"], {
      cwd: rootPath,
      env,
      encoding: "utf8",
    });
  const ok = config({ ...base, ...secrets });
  assert.equal(ok.status, 0, ok.stderr);
  const missing = config(base);
  assert.notEqual(missing.status, 0, "compose should refuse to run without the secrets");
});

// ---------------------------------------------------------------------------------------------------
// Dockerfile and .dockerignore
// ---------------------------------------------------------------------------------------------------

interface Instruction {
  keyword: string;
  args: string;
}

/** Instructions of a Dockerfile, with comments dropped and `\` continuations joined. */
function dockerfileInstructions(text: string): Instruction[] {
  const logical: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    if (/\\\s*$/.test(line)) {
      current += line.replace(/\\\s*$/, " ");
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = "";
  }
  if (current.trim()) logical.push(current.trim());
  return logical.map((line) => {
    const [keyword = "", ...rest] = line.split(/\s+/);
    return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
  });
}

const instructions = dockerfileInstructions(read("Dockerfile"));
const finalStage = instructions.slice(instructions.map((i) => i.keyword).lastIndexOf("FROM"));

test("Dockerfile: multi-stage, node:20-bookworm-slim, npm ci from the lockfile, Prisma client generated", () => {
  const args = Object.fromEntries(
    instructions
      .filter((i) => i.keyword === "ARG" && i.args.includes("="))
      .map((i) => [i.args.slice(0, i.args.indexOf("=")), i.args.slice(i.args.indexOf("=") + 1)]),
  );
  const stages = instructions.filter((i) => i.keyword === "FROM");
  assert.ok(stages.length >= 2, `expected at least two FROM stages, found ${stages.length}`);
  const stageNames = new Set(stages.map((s) => /\bAS\s+(\S+)/i.exec(s.args)?.[1]?.toLowerCase()).filter(Boolean));
  for (const stage of stages) {
    const image = stage.args.split(/\s+/)[0]!.replace(/^\$\{?(\w+)\}?$/, (_, name: string) => args[name] ?? name);
    assert.ok(
      image === "node:20-bookworm-slim" || stageNames.has(image.toLowerCase()),
      `stage "${stage.args}" is based on ${image}, not node:20-bookworm-slim or an earlier stage`,
    );
  }
  const runs = instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
  assert.ok(runs.some((r) => /\bnpm ci\b/.test(r)), "no `npm ci` (install exactly what package-lock.json locks)");
  assert.ok(runs.some((r) => /\bprisma generate\b/.test(r)), "the Prisma client is never generated");
  assert.ok(
    instructions.some((i) => i.keyword === "COPY" && /package-lock\.json/.test(i.args)),
    "package-lock.json is never copied into the build",
  );
});

test("Dockerfile: the runtime stage runs as a non-root user in production mode, the router by default", () => {
  const users = finalStage.filter((i) => i.keyword === "USER").map((i) => i.args.trim());
  assert.ok(users.length > 0, "the final stage has no USER directive (it would run as root)");
  const user = users.at(-1)!;
  assert.ok(!/^(root|0)(:.*)?$/.test(user), `the final stage runs as ${user}`);
  const env = finalStage
    .filter((i) => i.keyword === "ENV")
    .map((i) => i.args)
    .join(" ");
  assert.match(env, /\bNODE_ENV=production\b/, "NODE_ENV=production is not set in the final stage");
  const cmd = finalStage.filter((i) => i.keyword === "CMD").at(-1);
  assert.ok(cmd, "the final stage has no CMD");
  assert.deepEqual(JSON.parse(cmd.args), ["node", "--import", "tsx", "router/src/main.ts"]);
});

test("Dockerfile: the image holds every folder the package's import aliases point to (#kernel, #domain)", () => {
  const aliases = (JSON.parse(read("package.json")) as { imports: Record<string, string> }).imports;
  const copied = finalStage.filter((i) => i.keyword === "COPY").map((i) => i.args.split(/\s+/).at(-1)!.replace(/\/$/, ""));
  const folders = Object.values(aliases).map((target) => target.replace(/\/\*$/, ""));
  assert.ok(folders.length >= 2, "package.json declares the #kernel and #domain aliases");
  assert.deepEqual(folders.filter((folder) => !copied.includes(folder)), [], "alias targets the final stage does not copy");
});

test("Dockerfile: everything it copies from the build context exists and is not excluded", () => {
  const ignored = read(".dockerignore")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const sources = instructions
    .filter((i) => i.keyword === "COPY" && !/--from=/.test(i.args))
    .flatMap((copy) => copy.args.split(/\s+/).filter((part) => !part.startsWith("--")).slice(0, -1));
  assert.ok(sources.length > 0, "the Dockerfile copies nothing from the build context");
  assert.deepEqual(sources.filter((source) => !exists(source)), [], "the Dockerfile copies paths that do not exist");
  assert.deepEqual(sources.filter((source) => ignored.includes(source)), [], "the Dockerfile copies paths .dockerignore excludes");
});

test(".dockerignore keeps dependencies, local data, git history, builds, logs and env files out", () => {
  const ignored = read(".dockerignore")
    .split("\n")
    .map((line) => line.trim());
  for (const pattern of ["node_modules", ".data", ".git", "dist", "logs"]) {
    assert.ok(ignored.includes(pattern), `.dockerignore does not exclude ${pattern}`);
  }
  assert.ok(
    ignored.includes(".env*") || (ignored.includes(".env") && ignored.includes(".env.*")),
    ".dockerignore does not exclude .env files",
  );
});
