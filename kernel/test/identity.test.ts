// The router's per-request signature (kernel/identity.ts): what a subgraph accepts and what it refuses.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { IDENTITY_FUTURE_SKEW_MS, IdentityError, IdentitySigner, type Caller, type SignedRequest } from "../identity.js";

const SECRET = "router-identity-secret-for-tests-0123456789";
const alice: Caller = {
  userId: "7d0f7c2e-3f4b-4c8e-9a51-2f6a1d9e4b10",
  role: "CUSTOMER",
  sessionId: "session-1",
  scopes: ["banking:read", "banking:write"],
  authTime: 1_700_000_000,
  amr: ["pwd"],
};
const request: SignedRequest = { method: "POST", path: "/graphql", body: JSON.stringify({ query: "{ me { id } }" }) };
const client = { ip: "203.0.113.7", userAgent: "tests/1.0" };
/** The subgraph the signatures are for. */
const AUDIENCE = "accounts";

/** A router and a subgraph sharing one clock the test controls. */
function pair(maxAgeMs = 30_000) {
  const clock = { now: 1_800_000_000_000 };
  const now = () => clock.now;
  return { clock, router: new IdentitySigner(SECRET, { now }), subgraph: new IdentitySigner(SECRET, { maxAgeMs, now }) };
}

function assertRejected(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof IdentityError, `expected an IdentityError, got ${String(error)}`);
    assert.match(error.message, message);
    return true;
  });
}

describe("router signature round trip", () => {
  test("a signed request verifies to the same caller, scopes, claims, request id and client", () => {
    const { router, subgraph } = pair();
    const header = router.sign(request, { caller: alice, requestId: "req-42", client, audience: AUDIENCE });
    assert.deepEqual(subgraph.verify(header, request, AUDIENCE), { caller: alice, requestId: "req-42", client });
  });

  test("an anonymous request verifies to a null caller", () => {
    const { router, subgraph } = pair();
    const header = router.sign(request, { caller: null, requestId: "req-anon", audience: AUDIENCE });
    assert.deepEqual(subgraph.verify(header, request, AUDIENCE), { caller: null, requestId: "req-anon", client: { ip: null, userAgent: null } });
  });

  test("a body given as bytes verifies like the same body as a string", () => {
    const { router, subgraph } = pair();
    const header = router.sign(request, { caller: alice, requestId: "r", audience: AUDIENCE });
    assert.equal(subgraph.verify(header, { ...request, body: Buffer.from(request.body as string) }, AUDIENCE).caller?.userId, alice.userId);
  });

  test("two signatures of the same request differ (fresh nonce each time)", () => {
    const { router } = pair();
    assert.notEqual(router.sign(request, { caller: alice, requestId: "r", audience: AUDIENCE }), router.sign(request, { caller: alice, requestId: "r", audience: AUDIENCE }));
  });
});

describe("a subgraph refuses what the router did not sign for this exact request", () => {
  test("missing or malformed", () => {
    const { subgraph } = pair();
    assertRejected(() => subgraph.verify(undefined, request, AUDIENCE), /missing/);
    assertRejected(() => subgraph.verify("", request, AUDIENCE), /missing/);
    for (const garbage of ["garbage", "a.b.c", "v1..", "v1.x", "Bearer x"]) assertRejected(() => subgraph.verify(garbage, request, AUDIENCE), /malformed|does not match/);
  });

  test("signed with another secret", () => {
    const { subgraph } = pair();
    const forged = new IdentitySigner("some-other-secret-of-sufficient-length!!").sign(request, { caller: alice, requestId: "r", audience: AUDIENCE });
    assertRejected(() => subgraph.verify(forged, request, AUDIENCE), /does not match/);
  });

  test("the body, path or method changed", () => {
    const { router, subgraph } = pair();
    const header = router.sign(request, { caller: alice, requestId: "r", audience: AUDIENCE });
    assertRejected(() => subgraph.verify(header, { ...request, body: JSON.stringify({ query: "{ users { id } }" }) }, AUDIENCE), /does not match/);
    assertRejected(() => subgraph.verify(header, { ...request, body: `${request.body as string} ` }, AUDIENCE), /does not match/);
    assertRejected(() => subgraph.verify(header, { ...request, path: "/graphql?x=1" }, AUDIENCE), /does not match/);
    assertRejected(() => subgraph.verify(header, { ...request, method: "GET" }, AUDIENCE), /does not match/);
  });

  test("signed for another subgraph", () => {
    const { router, subgraph } = pair();
    const header = router.sign(request, { caller: alice, requestId: "r", audience: "audit" });
    assertRejected(() => subgraph.verify(header, request, "users"), /another subgraph/);
    assert.equal(subgraph.verify(header, request, "audit").caller?.userId, alice.userId);
  });

  test("the claims edited (role escalated), the signature kept", () => {
    const { router, subgraph } = pair();
    const [version, claims, signature] = router.sign(request, { caller: alice, requestId: "r", audience: AUDIENCE }).split(".") as [string, string, string];
    const decoded = JSON.parse(Buffer.from(claims, "base64url").toString("utf8")) as { c: { r: string } };
    decoded.c.r = "ADMIN";
    const escalated = Buffer.from(JSON.stringify(decoded)).toString("base64url");
    assertRejected(() => subgraph.verify(`${version}.${escalated}.${signature}`, request, AUDIENCE), /does not match/);
  });

  test("older than the replay window", () => {
    const { clock, router, subgraph } = pair(30_000);
    const header = router.sign(request, { caller: alice, requestId: "r", audience: AUDIENCE });
    clock.now += 30_001;
    assertRejected(() => subgraph.verify(header, request, AUDIENCE), /older than the replay window/);
  });

  test("from the future beyond the allowed skew", () => {
    const { clock, router, subgraph } = pair();
    const header = router.sign(request, { caller: alice, requestId: "r", audience: AUDIENCE });
    clock.now -= IDENTITY_FUTURE_SKEW_MS + 1;
    assertRejected(() => subgraph.verify(header, request, AUDIENCE), /future/);
  });

  test("the same signed request twice inside the window (replayed nonce)", () => {
    const { router, subgraph } = pair();
    const header = router.sign(request, { caller: alice, requestId: "r", audience: AUDIENCE });
    assert.equal(subgraph.verify(header, request, AUDIENCE).caller?.userId, alice.userId);
    assertRejected(() => subgraph.verify(header, request, AUDIENCE), /replay/);
  });

  test("a signed caller whose role is not a platform role", () => {
    const { router, subgraph } = pair();
    const header = router.sign(request, { caller: { ...alice, role: "SUPERUSER" as never }, requestId: "r", audience: AUDIENCE });
    assertRejected(() => subgraph.verify(header, request, AUDIENCE), /no valid caller/);
  });
});

describe("under volume", () => {
  // The nonce memory must not mistake distinct requests for replays (or forget the old ones); speed is for
  // benchmarks, never asserted or printed here.
  test("5,000 distinct signed requests all verify as their caller, and each replay is still refused", () => {
    const { router, subgraph } = pair();
    const body = JSON.stringify({ query: "query($representations:[_Any!]!){_entities(representations:$representations){...on Account{balance{amount currency}}}}", variables: { representations: Array.from({ length: 50 }, (_, i) => ({ __typename: "Account", id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` })) } });
    const headers: string[] = [];
    for (let i = 0; i < 5_000; i++) {
      const header = router.sign({ ...request, body }, { caller: alice, requestId: `r${i}`, client, audience: AUDIENCE });
      assert.equal(subgraph.verify(header, { ...request, body }, AUDIENCE).caller?.userId, alice.userId);
      headers.push(header);
    }
    for (const header of [headers[0]!, headers[2_500]!, headers.at(-1)!]) assertRejected(() => subgraph.verify(header, { ...request, body }, AUDIENCE), /replay/);
  });
});
