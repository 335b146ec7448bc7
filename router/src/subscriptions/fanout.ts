// Shared subscriptions: every client subscription with the same (authorization scope, planned selection,
// variables) joins one group. A group holds ONE upstream subscription on the owning subgraph and resolves
// each of its events ONCE (the rest of the plan, with the scope's identity), then hands the same result to
// every member. Cost per event is per group, not per socket: a customer with ten dashboards open costs one
// upstream subscription and one set of entity fetches per event. Members never cross scopes, so a result
// computed with one user's identity only reaches sockets authenticated as that same user and role.
// Order: events are resolved concurrently (their entity fetches can be batched, entity-batcher.ts) but
// delivered in the order the subgraph sent them. Memory: a member is a small object with a bounded queue;
// a member that falls behind is dropped by its transport (slow consumer), never buffered without bound.
import type { FormattedExecutionResult } from "graphql";

/** What a transport gives a group: where results go, and how it ends. */
export interface Member {
  /**
   * One result of the group (shared object: never mutated by a member). `arrivedAt` (performance.now()) is
   * when its event arrived from the upstream: the router's own fan-out latency is measured from it.
   */
  deliver(result: FormattedExecutionResult, arrivedAt: number): void;
  /** The group ended (upstream failed or finished); `result` is a last error to show, if any. */
  end(result?: FormattedExecutionResult): void;
}

export interface GroupSource {
  /** The upstream events (return() unsubscribes). */
  events: AsyncIterableIterator<FormattedExecutionResult>;
  /** One event → the client-facing result (run once per event, for all members). */
  resolve(event: FormattedExecutionResult): Promise<FormattedExecutionResult>;
  /** The upstream failed or ended: the result to end members with (e.g. SERVICE_UNAVAILABLE), if any. */
  onEnd(failure: unknown): FormattedExecutionResult | undefined;
}

/** Events resolving at once per group before the upstream is read further (back-pressure upstream). */
const MAX_IN_FLIGHT = 64;

class Group {
  readonly members = new Set<Member>();
  private ended = false;

  constructor(
    private readonly source: GroupSource,
    private readonly onEmpty: () => void,
    private readonly onEvent: (members: number, arrivedAt: number) => void,
  ) {
    void this.pump();
  }

  private async pump() {
    let failure: unknown;
    let tail: Promise<void> = Promise.resolve();
    let inFlight = 0;
    try {
      for await (const event of this.source.events) {
        if (this.ended) break;
        const arrivedAt = performance.now();
        inFlight += 1;
        // resolve() reports its own failures as a result; this is the last line of defence.
        const resolution = this.source.resolve(event).catch(() => ({
          errors: [{ message: "The event could not be resolved", extensions: { code: "INTERNAL_SERVER_ERROR" } }],
        }));
        tail = tail.then(async () => {
          const result = await resolution;
          inFlight -= 1;
          if (this.ended) return;
          this.onEvent(this.members.size, arrivedAt);
          for (const member of [...this.members]) member.deliver(result, arrivedAt);
        });
        if (inFlight >= MAX_IN_FLIGHT) await tail;
      }
    } catch (caught) {
      failure = caught ?? new Error("upstream failed");
    }
    await tail;
    if (this.ended) return;
    this.finish(this.source.onEnd(failure));
  }

  join(member: Member) {
    this.members.add(member);
  }

  /** Leaves; the last member out stops the upstream subscription. */
  leave(member: Member) {
    if (!this.members.delete(member) || this.members.size > 0 || this.ended) return;
    this.ended = true;
    this.onEmpty();
    void this.source.events.return?.();
  }

  private finish(last: FormattedExecutionResult | undefined) {
    this.ended = true;
    this.onEmpty();
    const members = [...this.members];
    this.members.clear();
    for (const member of members) member.end(last);
  }

  /** Ends every member now (router stopping). */
  close() {
    if (this.ended) return;
    this.finish(undefined);
    void this.source.events.return?.();
  }
}

export class SubscriptionFanout {
  private readonly groups = new Map<string, Group>();

  /** `onEvent`: an event resolved for `members` subscribers, `arrivedAt` (performance.now()) from the upstream. */
  constructor(private readonly onEvent: (members: number, arrivedAt: number) => void = () => undefined) {}

  /** Joins the group `key`, starting it with `start()` when it does not exist; returns how to leave. */
  join(key: string, start: () => GroupSource, member: Member): () => void {
    let group = this.groups.get(key);
    if (!group) {
      const created: Group = new Group(start(), () => {
        if (this.groups.get(key) === created) this.groups.delete(key);
      }, this.onEvent);
      group = created;
      this.groups.set(key, group);
    }
    group.join(member);
    const joined = group;
    return () => joined.leave(member);
  }

  /** Groups (upstream subscriptions) open now. */
  get size(): number {
    return this.groups.size;
  }

  close() {
    for (const group of [...this.groups.values()]) group.close();
    this.groups.clear();
  }
}
