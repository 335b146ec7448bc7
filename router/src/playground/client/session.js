// The signed-in session of the playground: tokens from the users service's `login` (with a TOTP code when
// the account has MFA), kept in sessionStorage (this browser tab only, gone when it closes), refreshed
// with `refreshToken` (rotation) shortly before the access token expires, ended with `logout`.
// sessionStorage, not localStorage: each browser tab has its own refresh token, so two tabs never use the
// same single-use refresh token (which the server would treat as theft and end the session).
const STORAGE_KEY = "fedbank.playground.session";
const STAFF = new Set(["TELLER", "ADMIN", "AUDITOR", "ANALYST"]);

const AUTH_FIELDS = "accessToken refreshToken expiresIn user { id email role }";
const LOGIN = `mutation PlaygroundLogin($email: String!, $password: String!, $totp: String) {
  login(email: $email, password: $password, totp: $totp) { ${AUTH_FIELDS} }
}`;
const REFRESH = `mutation PlaygroundRefresh($token: String!) { refreshToken(token: $token) { ${AUTH_FIELDS} } }`;
const LOGOUT = "mutation PlaygroundLogout { logout }";

let endpoint = "/graphql";
let session = null;
let refreshTimer;
let problem = null;
const listeners = new Set();

/** A failed sign-in or refresh: the server's errors as sent (message, code, path). */
export class SessionError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join("; "));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code;
  }
}

function emit() {
  for (const listener of listeners) listener();
}

function store(next) {
  session = next;
  clearTimeout(refreshTimer);
  if (next) {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    scheduleRefresh();
  } else {
    sessionStorage.removeItem(STORAGE_KEY);
  }
  emit();
}

async function post(query, variables, token) {
  const headers = { "content-type": "application/json", accept: "application/graphql-response+json, application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(endpoint, { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  } catch {
    throw new SessionError([{ message: "The router could not be reached", extensions: { code: "NETWORK_ERROR" } }]);
  }
  let body;
  try {
    body = await response.json();
  } catch {
    throw new SessionError([{ message: `The router answered HTTP ${response.status} without a GraphQL body`, extensions: { code: `HTTP_${response.status}` } }]);
  }
  if (body.errors?.length) throw new SessionError(body.errors);
  return body.data;
}

function fromPayload(payload) {
  return {
    accessToken: payload.accessToken,
    refreshToken: payload.refreshToken,
    expiresAt: Date.now() + payload.expiresIn * 1000,
    user: payload.user,
  };
}

/** Refresh a minute before expiry, or halfway through a shorter lifetime. */
function scheduleRefresh() {
  const remaining = session.expiresAt - Date.now();
  const delay = Math.max(0, remaining - Math.min(60_000, remaining / 2));
  refreshTimer = setTimeout(() => void refresh(), delay);
}

async function refresh() {
  const current = session;
  if (!current) return;
  try {
    const data = await post(REFRESH, { token: current.refreshToken });
    if (session === current) store(fromPayload(data.refreshToken));
  } catch (error) {
    if (session !== current) return;
    if (error.code === "NETWORK_ERROR" && current.expiresAt > Date.now()) {
      refreshTimer = setTimeout(() => void refresh(), 5_000);
      return;
    }
    problem = error.errors;
    store(null);
  }
}

export function configureSession(graphqlEndpoint) {
  endpoint = graphqlEndpoint;
  try {
    const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) ?? "null");
    if (saved?.accessToken && saved.refreshToken && saved.user) {
      session = saved;
      // Expired while the page was closed: the refresh token may still be good.
      if (saved.expiresAt <= Date.now() + 1_000) void refresh();
      else scheduleRefresh();
    }
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
  }
}

export const getSession = () => session;
/** Errors of the last failed refresh (the session ended), shown by the sign-in panel. */
export const sessionProblem = () => problem;

export function subscribeSession(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isStaff(current = session) {
  return Boolean(current && STAFF.has(current.user.role));
}

/** Signs in; throws a SessionError (code MFA_REQUIRED when a TOTP code is needed). */
export async function signIn(email, password, totp) {
  const data = await post(LOGIN, { email, password, totp: totp || null });
  problem = null;
  store(fromPayload(data.login));
}

export async function signOut() {
  const current = session;
  store(null);
  problem = null;
  emit();
  if (current) await post(LOGOUT, {}, current.accessToken).catch(() => undefined);
}

/**
 * The headers of a request from a tab: the tab's own headers, plus the session's token unless the tab
 * sets Authorization itself, plus the query-plan header for staff.
 */
export function withSession(headers = {}) {
  const result = { ...headers };
  const current = session;
  if (!current) return result;
  if (!Object.keys(result).some((name) => name.toLowerCase() === "authorization")) result.Authorization = `Bearer ${current.accessToken}`;
  if (isStaff(current)) result["x-fedbank-query-plan"] = "true";
  return result;
}
