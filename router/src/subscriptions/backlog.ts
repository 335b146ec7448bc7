// When a subscriber's backlog means it does not keep up: one rule for graphql-ws (events waiting per
// subscription, index.ts: SUBSCRIPTION_MAX_QUEUED_EVENTS) and for the HTTP streams (unsent bytes per
// response, router/src/streaming: SUBSCRIPTION_MAX_BUFFERED_BYTES).
// A backlog's size alone does not tell: events that reach the router together (a consumer's batch, an
// upstream socket read after a busy moment) are queued within one turn of the event loop, before the
// transport could send the first one (graphql-ws awaits each send; an HTTP stream writes them all at once),
// so a healthy subscriber passes its limit for a moment. A subscriber is dropped when its backlog
//  - stays above the limit for BACKLOG_GRACE_MS: a client that reads drains a burst well within it; or
//  - reaches BACKLOG_HARD_FACTOR times the limit at any moment: the bound of what one subscriber can hold.
// The backlog is judged when a new event is about to join it (that is how it grows; below the limit then,
// the grace starts over), so no timer is kept per subscriber: one that stops reading while nothing new comes
// holds at most the hard cap (graphql-ws's keepalive closes a socket that is not read: no pong).

/** How long a backlog may stay above its limit. */
export const BACKLOG_GRACE_MS = 2_000;
/** A backlog this many times its limit is dropped at once. */
export const BACKLOG_HARD_FACTOR = 4;

const monotonicNow = () => performance.now();

/** Per subscriber: since when (performance.now()) its backlog has been above the limit; -1 when it is not. */
export interface BacklogState {
  overSince: number;
}

/**
 * Whether a subscriber has fallen behind, judged as an event is about to join its backlog of `backlog`
 * (events or bytes, counted with the new event when events are counted) against `limit`. Updates `state`.
 * `now()` (performance.now() by default) is read only while the backlog is above the limit.
 */
export function fallenBehind(state: BacklogState, backlog: number, limit: number, now: () => number = monotonicNow): boolean {
  if (backlog <= limit) {
    state.overSince = -1;
    return false;
  }
  if (backlog > limit * BACKLOG_HARD_FACTOR) return true;
  const at = now();
  if (state.overSince < 0) {
    state.overSince = at;
    return false;
  }
  return at - state.overSince >= BACKLOG_GRACE_MS;
}
