// The set-up block of the end-to-end suites, once: a platform for a suite (its own database and processes,
// for suites that need their own configuration or stop/kill processes), or the run's shared platform (for
// suites that only read the demo data or change nothing but customers of their own).
//
// Both register their `before`/`after` hooks where they are called (a file's top level or a `describe`),
// and return a handle whose fields are set once the `before` hook has run. A file's own top-level `before`
// that uses the handle awaits `ready` first: Node 20 starts top-level `before` hooks at once, side by side
// (inside a `describe` they run in order).
import { createPrivateKey, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { createDatabase, type Database } from "#kernel/db.js";
import { createTestDatabase, createTokenKey, registerRouterAdminPort, startStack, type Stack, type TestDatabase, type TokenKey } from "./stack.js";

export interface Platform {
  readonly stack: Stack;
  readonly database: TestDatabase;
  readonly routerUrl: string;
  /** Settles once the platform has started (rejects if it could not). */
  readonly ready: Promise<void>;
  /** Runs `close` after the suite, before the platform stops and its database is dropped (e.g. a pool on it). */
  closeFirst(close: () => unknown): void;
}

/** A promise settled from outside (by a `before` hook), never an unhandled rejection by itself. */
function signal() {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((yes, no) => ((resolve = yes), (reject = no)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * A platform of the suite's own on a fresh copy of the migrated template; stopped (it must exit 0 on
 * SIGTERM) and dropped after the suite. `env` may be a function of the new database, to prepare data
 * before the platform starts.
 */
export function usePlatform(env: NodeJS.ProcessEnv | ((database: TestDatabase) => NodeJS.ProcessEnv | Promise<NodeJS.ProcessEnv>) = {}): Platform {
  let stack: Stack | undefined;
  let database: TestDatabase | undefined;
  const started = signal();
  const closers: (() => unknown)[] = [];
  before(async () => {
    try {
      database = await createTestDatabase();
      const extra = typeof env === "function" ? await env(database) : env;
      stack = await startStack({ DATABASE_URL: database.url, ...extra });
      started.resolve();
    } catch (error) {
      started.reject(error);
      throw error;
    }
  });
  after(async () => {
    try {
      for (const close of closers.splice(0).reverse()) await close();
    } finally {
      const code = await stack?.stop();
      await database?.drop();
      if (stack) assert.equal(code, 0, `the platform stops cleanly on SIGTERM\n${stack.output().slice(-2_000)}`);
    }
  });
  return {
    get stack() {
      return ready(stack);
    },
    get database() {
      return ready(database);
    },
    get routerUrl() {
      return ready(stack).routerUrl;
    },
    ready: started.promise,
    closeFirst(close) {
      closers.push(close);
    },
  };
}

function ready<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("the platform is used before its before() hook ran");
  return value;
}

// ---- The shared platform ----

/** What suites on the shared platform may use: its addresses and secrets, never its process. */
export interface SharedPlatform {
  readonly routerUrl: string;
  readonly ports: Stack["ports"];
  readonly redisKeyPrefix: string;
  /** Its database (the seeded demo data): read it, or write rows of the suite's own customers only. */
  readonly databaseUrl: string;
  /** The router identity secret, to sign requests straight to a subgraph as the router would. */
  readonly identitySecret: string;
  /** The users service's signing key, to mint access tokens for any user (mintAccessToken). */
  readonly tokenKey: TokenKey;
  /** Settles once the platform is there (rejects if it could not start). */
  readonly ready: Promise<void>;
}

interface Descriptor {
  routerUrl: string;
  ports: Stack["ports"];
  adminPort: number;
  redisKeyPrefix: string;
  databaseUrl: string;
  identitySecret: string;
  tokenKeyPem: string;
  tokenKid: string;
}

/** Set by scripts/test.mjs: the descriptor file of the platform it started for the whole run. */
export const SHARED_PLATFORM_ENV = "FEDBANK_SHARED_PLATFORM";

/**
 * The shared platform's login and step-up settings. Every suite on it comes from 127.0.0.1, so the
 * per-address stop is out of reach; the per-(account, address) stop and the per-session step-up allowance
 * are the defaults, written out for the suites that count up to them with customers of their own; the
 * per-account delay is short (it applies, but a suite's own typos do not cost seconds).
 */
export const SHARED_PLATFORM_SETTINGS = {
  LOGIN_MAX_FAILURES_PER_IP: "100000",
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ADDRESS: "5",
  STEP_UP_MAX_FAILURES_PER_SESSION: "3",
  LOGIN_ACCOUNT_DELAY_BASE_MS: "10",
  LOGIN_ACCOUNT_DELAY_MAX_MS: "50",
  // The default, per user: a suite's own guesser meets it, the demo users' few payees never do.
  ACCOUNT_NUMBER_LOOKUPS_MAX: "30",
} as const satisfies NodeJS.ProcessEnv;

/** Starts a platform to share (the run's, or a lone file's) and describes it. */
export async function startSharedPlatform(): Promise<{ descriptor: Descriptor; stop(): Promise<number | null> }> {
  const database = await createTestDatabase();
  const key = await createTokenKey();
  const identitySecret = randomBytes(32).toString("hex");
  try {
    const stack = await startStack({ DATABASE_URL: database.url, JWT_PRIVATE_KEY: key.pem, ROUTER_IDENTITY_SECRET: identitySecret, ...SHARED_PLATFORM_SETTINGS });
    return {
      descriptor: {
        routerUrl: stack.routerUrl,
        ports: stack.ports,
        adminPort: stack.adminPort,
        redisKeyPrefix: stack.redisKeyPrefix,
        databaseUrl: database.url,
        identitySecret,
        tokenKeyPem: key.pem,
        tokenKid: key.kid,
      },
      async stop() {
        const code = await stack.stop();
        await database.drop();
        return code;
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

function fromDescriptor(descriptor: Descriptor): Omit<SharedPlatform, "ready"> {
  registerRouterAdminPort(descriptor.ports.router, descriptor.adminPort);
  return {
    routerUrl: descriptor.routerUrl,
    ports: descriptor.ports,
    redisKeyPrefix: descriptor.redisKeyPrefix,
    databaseUrl: descriptor.databaseUrl,
    identitySecret: descriptor.identitySecret,
    tokenKey: { pem: descriptor.tokenKeyPem, kid: descriptor.tokenKid, privateKey: createPrivateKey(descriptor.tokenKeyPem) },
  };
}

let shared: Promise<{ platform: Omit<SharedPlatform, "ready">; stop?: () => Promise<number | null> }> | undefined;
let sharedUsers = 0;

/**
 * The run's shared platform: started once by scripts/test.mjs (FEDBANK_SHARED_PLATFORM) and used by every
 * suite that asks for it, concurrently; for a file run on its own, one platform for this process, stopped
 * after the last suite that registered for it. Suites on it must not stop or reconfigure it, must not
 * change the demo users' data, and must not assert process-wide counters (other suites run alongside).
 */
export function useSharedPlatform(): SharedPlatform {
  let platform: Omit<SharedPlatform, "ready"> | undefined;
  sharedUsers += 1;
  const started = signal();
  before(async () => {
    try {
      shared ??= (async () => {
        const path = process.env[SHARED_PLATFORM_ENV];
        if (path) return { platform: fromDescriptor(JSON.parse(await readFile(path, "utf8")) as Descriptor) };
        const running = await startSharedPlatform();
        return { platform: fromDescriptor(running.descriptor), stop: running.stop };
      })();
      platform = (await shared).platform;
      started.resolve();
    } catch (error) {
      started.reject(error);
      throw error;
    }
  });
  after(async () => {
    sharedUsers -= 1;
    if (sharedUsers > 0 || !shared) return;
    const { stop } = await shared;
    shared = undefined;
    if (stop) assert.equal(await stop(), 0, "the shared platform stops cleanly on SIGTERM");
  });
  const get = <K extends Exclude<keyof SharedPlatform, "ready">>(key: K) => ready(platform)[key];
  return {
    get routerUrl() {
      return get("routerUrl");
    },
    get ports() {
      return get("ports");
    },
    get redisKeyPrefix() {
      return get("redisKeyPrefix");
    },
    get databaseUrl() {
      return get("databaseUrl");
    },
    get identitySecret() {
      return get("identitySecret");
    },
    get tokenKey() {
      return get("tokenKey");
    },
    ready: started.promise,
  };
}

/**
 * A connection pool (kernel/db: Prisma and pg) on the platform's database, for a suite's own reads and
 * writes: opened once the platform is ready, closed after the suite (before a platform of its own stops).
 * Its members are usable from the suite's hooks and tests on.
 */
export function useDatabase(platform: Platform | SharedPlatform, poolSize = 2): Database {
  let opened: Database | undefined;
  before(async () => {
    await platform.ready;
    opened = createDatabase({ url: "databaseUrl" in platform ? platform.databaseUrl : platform.database.url, poolSize });
    if ("closeFirst" in platform) platform.closeFirst(() => opened?.close());
  });
  after(async () => {
    if (!("closeFirst" in platform)) await opened?.close();
  });
  return {
    get prisma() {
      return ready(opened).prisma;
    },
    get pool() {
      return ready(opened).pool;
    },
    ping: () => ready(opened).ping(),
    close: () => ready(opened).close(),
  };
}
