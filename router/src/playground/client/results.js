// The last result the playground received (HTTP response or subscription event), for the table, chart
// and query-plan views.
let last = null;
const listeners = new Set();

export function recordResult(body) {
  if (!body || typeof body !== "object") return;
  // GraphiQL's own schema load is not a result anyone asked to look at.
  if (body.data && typeof body.data === "object" && "__schema" in body.data) return;
  last = { body, at: Date.now() };
  for (const listener of listeners) listener();
}

export const lastResult = () => last;

export function subscribeResults(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
