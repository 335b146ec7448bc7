// `npm run attack`: replays every finding of issue 14 the way an outside attacker would, against a platform on
// this machine, and prints `held` or `broken` per finding (exit code 1 when one is broken).
//   npm run attack                       starts a production-like platform of its own (NODE_ENV=production,
//                                        a fresh Postgres database, Redis, production rate limits, the
//                                        ingress simulated by TRUSTED_PROXIES=127.0.0.1) and stops it after
//   npm run attack -- --url http://127.0.0.1:4000/graphql [--admin-url http://127.0.0.1:9400]
//                                        targets a running platform; findings that need the platform's signing
//                                        key or its database (minted tokens, staff users) are `skipped`
// Bounded: loopback addresses only (any other host is refused), a few hundred requests in all, every wait capped.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { decodeJwt } from "jose";
import { parse as parseYaml } from "yaml";
import { createDatabase, type Database } from "#kernel/db.js";
import { liveClient } from "../test/support/realtime.js";
import { buildCustomer } from "../test/support/builders.js";
import { createTestDatabase, createTokenKey, freePort, mintAccessToken, startStack, type Stack, type TestDatabase, type TokenKey } from "../test/support/stack.js";

type Status = "held" | "broken" | "skipped";
interface Finding {
  id: string;
  title: string;
  run(): Promise<{ status: Status; detail: string }>;
}

const { values: args } = parseArgs({ options: { url: { type: "string" }, "admin-url": { type: "string" } } });

function loopbackOnly(url: string): string {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) throw new Error(`refusing to attack ${host}: loopback only`);
  return url;
}

interface Target {
  routerUrl: string;
  adminUrl?: string;
  key?: TokenKey;
  db?: Database;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const PASSWORD = `Attack-${randomBytes(6).toString("hex")}-pw`;
let target: Target;

interface Answer {
  status: number;
  ms: number;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

/** One POST to the router; `from` is the client address the simulated ingress reports (X-Forwarded-For). */
async function gql(query: string, options: { variables?: Record<string, unknown>; token?: string; from?: string; extensions?: unknown; noQuery?: boolean } = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(target.routerUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/graphql-response+json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.from ? { "x-forwarded-for": options.from } : {}),
    },
    body: JSON.stringify({ ...(options.noQuery ? {} : { query }), variables: options.variables, extensions: options.extensions }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  let body: Answer["body"];
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text.slice(0, 200) }] };
  }
  return { status: response.status, ms: performance.now() - started, body };
}

const code = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code as string | undefined;
const addr = () => `198.51.100.${1 + Math.floor(Math.random() * 250)}`;

async function register(name: string, from = addr()) {
  const email = `attack-${name}-${randomUUID().slice(0, 8)}@example.com`;
  const answer = await gql(`mutation R($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }`, {
    variables: { input: { email, password: PASSWORD, name: `${name[0]!.toUpperCase()}${name.slice(1)} Victim` } },
    from,
  });
  const token = answer.body.data?.register?.accessToken as string | undefined;
  if (!token) throw new Error(`register failed: ${JSON.stringify(answer.body).slice(0, 300)}`);
  return { email, token, id: answer.body.data!.register.user.id as string };
}

async function signIn(email: string, password = PASSWORD, from = addr()) {
  const answer = await gql(`mutation L($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }`, { variables: { e: email, p: password }, from });
  return { answer, token: answer.body.data?.login?.accessToken as string | undefined };
}

function fragmentBomb({ operation = "query Bomb", type = "Query", leaf = "__typename", inline = false } = {}) {
  let text = `# ${randomUUID()}\n${operation} { ...F0 }\n`;
  for (let level = 0; level < 11; level++) {
    const spread = `...F${level + 1}`;
    const body = level === 10 ? leaf : Array.from({ length: 4 }, () => (inline ? `... on ${type} { ${spread} }` : spread)).join(" ");
    text += `fragment F${level} on ${type} { ${body} }\n`;
  }
  return text;
}

const verdict = (held: boolean, detail: string) => ({ status: (held ? "held" : "broken") as Status, detail });
const skipped = (detail: string) => ({ status: "skipped" as Status, detail });

async function medianLatency(token: string, seconds: number): Promise<number> {
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) latencies.push((await gql("{ me { id } }", { token })).ms);
  latencies.sort((a, b) => a - b);
  return latencies[Math.floor(latencies.length / 2)] ?? 0;
}

const findings: Finding[] = [
  {
    id: "1a",
    title: "fragment bomb (4^11 __typename), anonymous, unique comment",
    async run() {
      const answer = await gql(fragmentBomb());
      return verdict(answer.status === 400 && code(answer) === "OPERATION_LIMIT", `${answer.status} ${code(answer)} limit=${answer.body.errors?.[0]?.extensions?.limit} in ${answer.ms.toFixed(0)} ms`);
    },
  },
  {
    id: "1b",
    title: "fragment bomb variants: inline fragments; nested object fields",
    async run() {
      const inline = await gql(fragmentBomb({ inline: true }));
      const nested = await gql(fragmentBomb({ leaf: "me { id accounts { id } }" }));
      return verdict(code(inline) === "OPERATION_LIMIT" && code(nested) === "OPERATION_LIMIT", `inline ${code(inline)} (${inline.ms.toFixed(0)} ms), nested ${code(nested)} (${nested.ms.toFixed(0)} ms)`);
    },
  },
  {
    id: "1c",
    title: "fragment bomb through a graphql-ws subscription",
    async run() {
      const { token } = await register("subscriber");
      const client = liveClient(target.routerUrl, token);
      try {
        const live = client.subscribe(fragmentBomb({ operation: "subscription Bomb", type: "Subscription", leaf: "notificationReceived { id }" }));
        const errors = (await live.failed(15_000)) as { extensions?: { code?: string; limit?: string } }[];
        return verdict(errors[0]?.extensions?.code === "OPERATION_LIMIT", `subscribe → ${errors[0]?.extensions?.code} (${errors[0]?.extensions?.limit})`);
      } finally {
        await client.dispose().catch(() => undefined);
      }
    },
  },
  {
    id: "1d",
    title: "fragment bomb through APQ (registration, then hash only)",
    async run() {
      const query = fragmentBomb();
      const extensions = { persistedQuery: { version: 1, sha256Hash: sha256(query) } };
      const registration = await gql(query, { extensions });
      const byHash = await gql("", { extensions, noQuery: true });
      return verdict(code(registration) === "OPERATION_LIMIT" && code(byHash) !== undefined && byHash.body.data === undefined, `register → ${code(registration)}, by hash → ${code(byHash)}`);
    },
  },
  {
    id: "1e",
    title: "a customer's { me { id } } while 4 bombers send back to back (issue: 0.12 s → 4.2 s)",
    async run() {
      const { token } = await register("latency");
      const alone = await medianLatency(token, 3);
      let running = true;
      let bombs = 0;
      const bombers = Array.from({ length: 4 }, async () => {
        while (running) {
          await gql(fragmentBomb(), { from: addr() });
          bombs++;
        }
      });
      const withBombs = await medianLatency(token, 3);
      running = false;
      await Promise.all(bombers);
      return verdict(withBombs < 1_000, `p50 alone ${alone.toFixed(0)} ms, with bombs ${withBombs.toFixed(0)} ms (${bombs} bombs sent)`);
    },
  },
  {
    id: "2a",
    title: "changePassword as a password oracle with a stolen access token",
    async run() {
      const victim = await register("oracle");
      const from = addr();
      const change = (current: string) =>
        gql(`mutation C($c: String!) { changePassword(currentPassword: $c, newPassword: "Taken-over-${randomUUID()}") }`, { variables: { c: current }, token: victim.token, from });
      const codes: string[] = [];
      let stoppedAt = 0;
      for (let guess = 1; guess <= 12; guess++) {
        const answer = await change(`wrong-guess-${guess}`);
        codes.push(`${answer.status}:${code(answer) ?? "ok"}`);
        if (["RATE_LIMITED", "TOO_MANY_ATTEMPTS", "UNAUTHENTICATED"].includes(code(answer) ?? "")) {
          stoppedAt = guess;
          break;
        }
      }
      const right = await change(PASSWORD);
      const tookOver = right.body.data?.changePassword === true;
      return verdict(stoppedAt > 0 && stoppedAt <= 11 && !tookOver, `stopped at guess ${stoppedAt || "never"} (${codes.slice(-2).join(", ")}); right guess afterwards → ${code(right) ?? "accepted"}`);
    },
  },
  {
    id: "2b",
    title: "MFA bound by an attacker holding only an old access token (no step-up)",
    async run() {
      if (!target.key) return skipped("needs the platform's signing key (run without --url)");
      const victim = await register("mfa");
      const claims = decodeJwt(victim.token);
      const hourAgo = Math.floor(Date.now() / 1000) - 3_600;
      // The same session, as if the token had been stolen from a login an hour ago (auth_time kept on refresh).
      const stolen = await mintAccessToken(target.key, { id: victim.id, role: "CUSTOMER" }, { claims: { sid: claims.sid, auth_time: hourAgo } });
      const answer = await gql(`mutation { enrollMfa { secret } }`, { token: stolen, from: addr() });
      const bound = answer.body.data?.enrollMfa?.secret !== undefined;
      return verdict(!bound && ["REAUTHENTICATION_REQUIRED", "FORBIDDEN"].includes(code(answer) ?? ""), `enrollMfa without a password → ${code(answer) ?? "secret returned"}`);
    },
  },
  {
    id: "3",
    title: "anyone locks the owner out with wrong passwords (from one address, then from many)",
    async run() {
      const victim = await register("lockout");
      const attacker = addr();
      const codes: string[] = [];
      for (let attempt = 0; attempt < 8; attempt++) codes.push(code((await signIn(victim.email, `wrong-${attempt}-password`, attacker)).answer) ?? "ok");
      // Then a botnet: one guess from each of 12 more addresses (the router's and the users service's per-account
      // counting must slow this down, never refuse the owner).
      for (let attempt = 0; attempt < 12; attempt++) codes.push(code((await signIn(victim.email, `spread-${attempt}-password`, `203.0.113.${attempt + 1}`)).answer) ?? "ok");
      const owner = await signIn(victim.email, PASSWORD, "192.0.2.77");
      const attackerAgain = await signIn(victim.email, PASSWORD, attacker);
      return verdict(
        owner.token !== undefined && attackerAgain.token === undefined,
        `guesses answered ${[...new Set(codes)].join("/")}; owner from a clean address → ${owner.token ? `signed in (${owner.answer.ms.toFixed(0)} ms)` : code(owner.answer)}; the guesser's address even with the right password → ${code(attackerAgain.answer) ?? "signed in"}`,
      );
    },
  },
  {
    id: "4a",
    title: "sequential account numbers",
    async run() {
      const owner = await register("numbers");
      const open = async () =>
        (await gql(`mutation { openAccount(input: { type: CHECKING, currency: "USD" }) { number } }`, { token: owner.token, from: addr() })).body.data?.openAccount?.number as string | undefined;
      const numbers = [await open(), await open(), await open()].filter((number): number is string => !!number);
      if (numbers.length < 3) return verdict(false, `could not open accounts: ${numbers.join(", ")}`);
      const bodies = numbers.map((number) => BigInt(number.replace(/\s/g, "").slice(4).replace(/\D/g, "") || "0"));
      const sequential = bodies[1]! - bodies[0]! === bodies[2]! - bodies[1]! && bodies[1]! - bodies[0]! < 1000n;
      return verdict(!sequential, numbers.join(", "));
    },
  },
  {
    id: "4b",
    title: "authorizeTransfer to a guessed number reveals the payee's full name",
    async run() {
      if (!target.db) return skipped("needs a teller to fund the attacker's account (run without --url)");
      const payee = await register("payee");
      const payeeNumber = (await gql(`mutation { openAccount(input: { type: CHECKING, currency: "USD" }) { number } }`, { token: payee.token, from: addr() })).body.data?.openAccount?.number;
      const attacker = await register("guesser");
      const source = (await gql(`mutation { openAccount(input: { type: CHECKING, currency: "USD" }) { id number } }`, { token: attacker.token, from: addr() })).body.data?.openAccount;
      const tellerEmail = `attack-teller-${randomUUID().slice(0, 8)}@example.com`;
      await buildCustomer(target.db.prisma, tellerEmail, PASSWORD, "TELLER");
      const teller = (await signIn(tellerEmail)).token;
      await gql(`mutation D($i: DepositInput!) { deposit(input: $i) { transaction { id } } }`, {
        token: teller,
        variables: { i: { accountId: source?.id, amount: "10.00", idempotencyKey: randomUUID() } },
        from: addr(),
      });
      const hold = await gql(`mutation A($i: TransferInput!) { authorizeTransfer(input: $i) { hold { id toAccount { number owner { name } } } } }`, {
        token: attacker.token,
        variables: { i: { fromAccountId: source?.id, toAccountNumber: payeeNumber, amount: "1.00", idempotencyKey: randomUUID() } },
        from: addr(),
      });
      const name = hold.body.data?.authorizeTransfer?.hold?.toAccount?.owner?.name as string | undefined;
      const leaked = JSON.stringify(hold.body).includes("Payee Victim");
      return verdict(!leaked, `payee's name as the guesser sees it: ${name ?? code(hold) ?? "none"}`);
    },
  },
  {
    id: "4c",
    title: "users(filter: { emailContains: \"_\" }) matches every user (LIKE wildcard)",
    async run() {
      if (!target.db) return skipped("needs a staff user (run without --url)");
      // One e-mail with an underscore among many without: the filter must find it and only such ones.
      const marked = await register("under_score");
      const email = `attack-staff-${randomUUID().slice(0, 8)}@example.com`;
      await buildCustomer(target.db.prisma, email, PASSWORD, "ADMIN");
      const admin = (await signIn(email)).token;
      const answer = await gql(`{ users(filter: { emailContains: "_" }, first: 50) { edges { node { email } } } }`, { token: admin, from: addr() });
      const emails = ((answer.body.data?.users?.edges ?? []) as { node: { email: string } }[]).map((edge) => edge.node.email);
      const wrong = emails.filter((each) => !each.includes("_"));
      const found = emails.includes(marked.email);
      return verdict(found && wrong.length === 0, `${emails.length} matched (the "_" e-mail ${found ? "among them" : "missing"}), ${wrong.length} without "_"${code(answer) ? ` (${code(answer)})` : ""}`);
    },
  },
  {
    id: "4d",
    title: "/metrics on the router's public port",
    async run() {
      const response = await fetch(new URL("/metrics", target.routerUrl));
      const text = await response.text();
      const adminOk = target.adminUrl ? (await fetch(new URL("/metrics", target.adminUrl)).catch(() => null))?.status === 200 : undefined;
      return verdict(!text.includes("fedbank_router_"), `public port → ${response.status}; admin port → ${adminOk === undefined ? "not given" : adminOk ? "200" : "unreachable"}`);
    },
  },
  {
    id: "4e",
    title: "invalid DateTime to accountStatement is INTERNAL_SERVER_ERROR",
    async run() {
      const owner = await register("statement");
      const account = (await gql(`mutation { openAccount(input: { type: CHECKING, currency: "USD" }) { id } }`, { token: owner.token, from: addr() })).body.data?.openAccount?.id;
      const answer = await gql(`query S($a: ID!) { accountStatement(accountId: $a, from: "not-a-date", to: "2026-13-45T99:00:00Z") { closingBalance { amount } } }`, { token: owner.token, variables: { a: account }, from: addr() });
      return verdict(code(answer) === "BAD_USER_INPUT", `${answer.status} ${code(answer)}`);
    },
  },
  {
    id: "4f",
    title: "APQ hash that does not match its query text",
    async run() {
      const answer = await gql("{ __typename }", { extensions: { persistedQuery: { version: 1, sha256Hash: sha256("{ me { id } }") } } });
      return verdict(answer.status === 400 && code(answer) === "PERSISTED_QUERY_HASH_MISMATCH", `${answer.status} ${code(answer)}`);
    },
  },
  {
    id: "4g",
    title: "extensions.serviceName tells clients the subgraph names",
    async run() {
      const answer = await gql(`mutation { login(email: "nobody-${randomUUID()}@example.com", password: "not-the-password") { accessToken } }`, { from: addr() });
      return verdict(!JSON.stringify(answer.body).includes("serviceName"), `${code(answer)}, extensions: ${JSON.stringify(answer.body.errors?.[0]?.extensions ?? {})}`);
    },
  },
  {
    id: "4h",
    title: "tokens issued in the future or living longer than the TTL",
    async run() {
      if (!target.key) return skipped("needs the platform's signing key (run without --url)");
      const victim = await register("claims");
      const now = Math.floor(Date.now() / 1000);
      const user = { id: victim.id, role: "CUSTOMER" };
      const future = await gql("{ me { id } }", { token: await mintAccessToken(target.key, user, { iat: now + 3_600, nbf: now, exp: now + 4_000 }) });
      const long = await gql("{ me { id } }", { token: await mintAccessToken(target.key, user, { iat: now, exp: now + 30 * 86_400 }) });
      return verdict(future.status === 401 && long.status === 401, `iat +1 h → ${future.status} ${code(future)}; 30-day lifetime → ${long.status} ${code(long)}`);
    },
  },
  {
    id: "4i",
    title: "production Kubernetes overlay trusts X-Forwarded-For from all of 10.0.0.0/8",
    async run() {
      const kustomization = parseYaml(readFileSync(new URL("../deploy/k8s/overlays/production/kustomization.yaml", import.meta.url), "utf8")) as { configMapGenerator: { literals?: string[] }[] };
      const value = kustomization.configMapGenerator.flatMap((generator) => generator.literals ?? []).find((entry) => entry.startsWith("TRUSTED_PROXIES="))?.slice(16) ?? "";
      const broad = value.split(",").some((entry) => Number(entry.split("/")[1] ?? 32) < 20);
      return verdict(value !== "" && !broad, `TRUSTED_PROXIES=${value}`);
    },
  },
];

async function startOwnPlatform(): Promise<{ target: Target; stop(): Promise<void> }> {
  const database: TestDatabase = await createTestDatabase();
  const key = await createTokenKey();
  const adminPort = await freePort();
  let stack: Stack | undefined;
  let db: Database | undefined;
  try {
    stack = await startStack({
      NODE_ENV: "production",
      LOG_LEVEL: "error",
      DATABASE_URL: database.url,
      JWT_PRIVATE_KEY: key.pem,
      ROUTER_IDENTITY_SECRET: randomBytes(32).toString("base64url"),
      AUDIT_SIGNING_KEY: key.pem,
      MFA_ENCRYPTION_KEY: randomBytes(32).toString("base64url"),
      // The ingress in front of the router, simulated: it reports each client's address.
      TRUSTED_PROXIES: "127.0.0.1",
      ROUTER_ADMIN_PORT: String(adminPort),
      // Production limits (the config defaults), not the test harness's generous ones.
      RATE_LIMIT_ANONYMOUS_REQUESTS: "300",
      RATE_LIMIT_REQUESTS: "600",
      RATE_LIMIT_AUTH_IP_ATTEMPTS: "30",
      RATE_LIMIT_AUTH_ACCOUNT_ATTEMPTS: "10",
      RATE_LIMIT_COST_POINTS: "50000",
      RATE_LIMIT_ANONYMOUS_COST_POINTS: "10000",
      COST_MAX_PER_OPERATION: "5000",
    });
    db = createDatabase({ url: database.url, poolSize: 2, applicationName: "attack" });
  } catch (error) {
    await stack?.stop();
    await database.drop();
    throw error;
  }
  const running = stack;
  const opened = db;
  return {
    target: { routerUrl: running.routerUrl, adminUrl: `http://127.0.0.1:${adminPort}`, key, db: opened },
    async stop() {
      await opened.close();
      await running.stop();
      await database.drop();
    },
  };
}

const own = args.url ? null : await startOwnPlatform();
target = own ? own.target : { routerUrl: loopbackOnly(args.url!), adminUrl: args["admin-url"] ? loopbackOnly(args["admin-url"]) : undefined };
let broken = 0;
try {
  console.log(`issue 14 findings against ${target.routerUrl}${own ? " (a production-like platform started for this run)" : ""}\n`);
  for (const finding of findings) {
    let outcome: { status: Status; detail: string };
    try {
      outcome = await finding.run();
    } catch (error) {
      outcome = { status: "broken", detail: `attack failed to run: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (outcome.status === "broken") broken++;
    console.log(`${outcome.status.padEnd(7)} ${finding.id.padEnd(3)} ${finding.title}\n        ${outcome.detail}`);
  }
  console.log(`\n${findings.length - broken} of ${findings.length} held or skipped, ${broken} broken`);
} finally {
  await own?.stop();
}
process.exitCode = broken > 0 ? 1 : 0;
