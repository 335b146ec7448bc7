// Session revocation shared by the users service (which revokes) and every router replica (which checks
// each request's access token). Access tokens carry their session id (`sid`); the router reads one key per
// request, with no database access. logoutEverywhere, locking and erasure revoke each of the user's sessions.
import type { SharedStore } from "./shared-store.js";

const sessionKey = (sessionId: string) => `revoked:session:${sessionId}`;

/**
 * Revokes sessions until every access token they issued has expired: `ttlSeconds` must be at least the
 * access-token lifetime (plus clock skew).
 */
export async function revokeSessions(store: SharedStore, sessionIds: readonly string[], ttlSeconds: number): Promise<void> {
  await Promise.all(sessionIds.map((id) => store.set(sessionKey(id), "1", ttlSeconds)));
}

export async function isSessionRevoked(store: SharedStore, sessionId: string): Promise<boolean> {
  const [value] = await store.getMany([sessionKey(sessionId)]);
  return value !== null && value !== undefined;
}
