// A router process of a suite's own in front of the shared platform's subgraphs: for suites that need router
// settings of their own (subscription limits and timeouts, trusted proxies) or read the router's process-wide
// metrics (live subscriptions, resolutions), without a platform of their own. It signs with the shared
// identity secret and keeps its state under the shared Redis prefix (session revocation, the events'
// pub/sub), as a replica of the shared router would; one router process costs a fraction of a platform's boot.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import type { SharedPlatform } from "./platform.js";
import { startExtraRouter, type ExtraRouter } from "./stack.js";

export interface OwnRouter {
  readonly url: string;
  readonly port: number;
  /** Settles once the router is ready (rejects if it could not start). */
  readonly ready: Promise<void>;
  /** What the router process printed so far. */
  output(): string;
}

/** Starts the router in `before` (after the shared platform), stops it in `after` (it must exit 0 on SIGTERM). */
export function useOwnRouter(platform: SharedPlatform, env: NodeJS.ProcessEnv = {}): OwnRouter {
  let router: ExtraRouter | undefined;
  let started!: { resolve: () => void; reject: (error: unknown) => void };
  const ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }));
  ready.catch(() => undefined);
  before(async () => {
    try {
      await platform.ready;
      router = await startExtraRouter(platform, {
        ROUTER_IDENTITY_SECRET: platform.identitySecret,
        REDIS_KEY_PREFIX: platform.redisKeyPrefix,
        ...env,
      });
      started.resolve();
    } catch (error) {
      started.reject(error);
      throw error;
    }
  });
  after(async () => {
    if (router) assert.equal(await router.stop(), 0, `the suite's router stops cleanly on SIGTERM\n${router.output().slice(-2_000)}`);
  });
  const get = () => {
    if (!router) throw new Error("the router is used before its before() hook ran");
    return router;
  };
  return {
    get url() {
      return get().url;
    },
    get port() {
      return get().port;
    },
    output: () => get().output(),
    ready,
  };
}
