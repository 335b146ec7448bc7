// In-process rules of the shared subscription groups (router/src/subscriptions/fanout.ts) and of the
// `_entities` batching of events arriving together (entity-batcher.ts): what a subscriber would notice if they
// broke (events out of order, one user's entities answered with another's identity, a leaked upstream).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { FormattedExecutionResult } from "graphql";
import type { RouterContext } from "../router/src/context.js";
import type { SubgraphCall, SubgraphRequest } from "../router/src/engine/index.js";
import { batchingCall } from "../router/src/subscriptions/entity-batcher.js";
import { SubscriptionFanout, type GroupSource } from "../router/src/subscriptions/fanout.js";
import { until } from "./support/wait.js";

const caller = (userId: string) => ({ userId, role: "CUSTOMER" as const, sessionId: `s-${userId}`, scopes: ["banking:read"] as const });
const info = (userId: string) => ({ context: { caller: caller(userId), requestId: "r", client: { ip: null, userAgent: null } } as unknown as RouterContext, operationKind: "subscription" as const, path: [] });
const ENTITIES = "query($representations:[_Any!]!){_entities(representations:$representations){...on Transaction{amount}}}";

describe("entity batching", () => {
  test("concurrent _entities fetches of one user merge into one request; each gets its slice and its errors", async () => {
    const sent: { subgraph: string; request: SubgraphRequest; userId: string }[] = [];
    const call: SubgraphCall<RouterContext> = async (subgraph, request, callInfo) => {
      sent.push({ subgraph, request, userId: callInfo.context.caller!.userId });
      const representations = request.variables.representations as { id: string }[];
      const errors = representations.flatMap((each, index) => (each.id === "bad" ? [{ message: "not yours", path: ["_entities", index, "amount"] }] : []));
      const data = { _entities: representations.map((each) => (each.id === "bad" ? null : { amount: `amount of ${each.id}` })) };
      return errors.length > 0 ? { data, errors } : { data };
    };
    const batched = batchingCall(call);
    const [first, second, otherUser] = await Promise.all([
      batched("transactions", { query: ENTITIES, operationName: undefined, variables: { representations: [{ id: "t1" }] } }, info("alice")),
      batched("transactions", { query: ENTITIES, operationName: undefined, variables: { representations: [{ id: "bad" }, { id: "t2" }] } }, info("alice")),
      batched("transactions", { query: ENTITIES, operationName: undefined, variables: { representations: [{ id: "t3" }] } }, info("bob")),
    ]);
    assert.deepEqual(sent.map((each) => [each.userId, (each.request.variables.representations as unknown[]).length]).sort(), [["alice", 3], ["bob", 1]]);
    assert.deepEqual(first, { data: { _entities: [{ amount: "amount of t1" }] } });
    assert.deepEqual(second, { data: { _entities: [null, { amount: "amount of t2" }] }, errors: [{ message: "not yours", path: ["_entities", 0, "amount"] }] });
    assert.deepEqual(otherUser, { data: { _entities: [{ amount: "amount of t3" }] } }, "another user's fetch is never merged into alice's");
  });
});

describe("shared groups", () => {
  test("one upstream per key; every member gets each event once, in upstream order, even when the first resolves last; the last member out stops the upstream", async () => {
    let started = 0;
    let returned = 0;
    const events: FormattedExecutionResult[] = [{ data: { n: 1 } }, { data: { n: 2 } }, { data: { n: 3 } }];
    const source = (): GroupSource => {
      started += 1;
      let index = 0;
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      return {
        events: {
          async next() {
            if (index < events.length) return { value: events[index++]!, done: false };
            await held; // stays open until unsubscribed
            return { value: undefined, done: true };
          },
          async return() {
            returned += 1;
            release();
            return { value: undefined, done: true };
          },
          [Symbol.asyncIterator]() {
            return this;
          },
        },
        // The first event resolves slowest: order must still hold.
        resolve: (event) => new Promise((resolve) => setTimeout(() => resolve({ data: { resolved: (event.data as { n: number }).n } }), (event.data as { n: number }).n === 1 ? 30 : 1)),
        onEnd: () => undefined,
      };
    };
    const resolutions: number[] = [];
    const fanout = new SubscriptionFanout((members) => resolutions.push(members));
    const received: Record<string, number[]> = { a: [], b: [] };
    const member = (name: string) => ({ deliver: (result: FormattedExecutionResult) => received[name]!.push((result.data as { resolved: number }).resolved), end: () => undefined });
    const leaveA = fanout.join("alice|Feed", source, member("a"));
    const leaveB = fanout.join("alice|Feed", source, member("b"));
    await until("member b received three events", () => received.b!.length >= 3, { intervalMs: 5, timeoutMs: 5_000 });
    assert.equal(started, 1, "one upstream subscription for the group");
    assert.deepEqual(received, { a: [1, 2, 3], b: [1, 2, 3] });
    assert.deepEqual(resolutions, [2, 2, 2], "each event resolved once for both members");
    leaveA();
    assert.equal(returned, 0, "still one member");
    leaveB();
    assert.equal(returned, 1, "the last member out unsubscribes upstream");
    assert.equal(fanout.size, 0);
  });
});
