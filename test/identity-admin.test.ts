// Administration, profile and password changes, GDPR export and erasure, through the real router.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { buildAccountsWithHistory, buildCustomer } from "./support/builders.js";
import { useDatabase, useSharedPlatform } from "./support/platform.js";
import { DEMO_PASSWORD, graphql, type GraphQLResponse } from "./support/stack.js";
import { claimsOf, errorCode, loginFull, ME, refresh, signIn, signUp, STRONG_PASSWORD, uniqueEmail } from "./support/identity.js";

// The run's shared platform: the demo staff act (admin, teller, auditor sign in), on users of the suite's
// own; the customers exported, erased or paged through are built here, never the demo customers.
const platform = useSharedPlatform();
const db = useDatabase(platform);
let admin: string;

before(async () => {
  await platform.ready;
  admin = (await signIn(platform.routerUrl, "admin@demo.bank", DEMO_PASSWORD)).accessToken;
});

/** A customer of the suite's own with `accounts` USD accounts, each holding deposits of 1.00 and 2.00. */
async function customerWithAccounts(label: string, accounts: number) {
  const email = uniqueEmail(label);
  const user = await buildCustomer(db.prisma, email, STRONG_PASSWORD);
  const accountIds = await buildAccountsWithHistory(db.prisma, user.id, accounts, 2);
  const numbers = (await db.prisma.account.findMany({ where: { id: { in: accountIds } } })).map((account) => account.number).sort();
  return { email, user, accountIds, numbers };
}

const CREATE_USER = `mutation($input: CreateUserInput!) { createUser(input: $input) { id email name role status } }`;
const SET_STATUS = `mutation($id: ID!, $status: UserStatus!, $reason: String!) { setUserStatus(id: $id, status: $status, reason: $reason) { id status } }`;
const USERS = `query($filter: UsersFilter, $first: Int, $after: String) {
  users(filter: $filter, first: $first, after: $after) { edges { cursor node { id email role status } } pageInfo { hasNextPage endCursor } }
}`;
interface UsersPage {
  users: { edges: { cursor: string; node: { id: string; email: string; role: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}
const ERASE = `mutation($id: ID!) { eraseUser(id: $id) { id email name status mfaEnabled } }`;

describe("administration", () => {
  test("an admin creates a staff user, who can then sign in with that role", async () => {
    const email = uniqueEmail("teller2");
    const { body } = await graphql(platform.routerUrl, CREATE_USER, { input: { email, name: "Tina Teller", role: "TELLER", password: STRONG_PASSWORD } }, admin);
    assert.equal(body.data?.createUser.role, "TELLER", JSON.stringify(body.errors));
    const login = await signIn(platform.routerUrl, email, STRONG_PASSWORD);
    assert.equal(claimsOf(login.accessToken).payload.role, "TELLER");
    const weak = await graphql(platform.routerUrl, CREATE_USER, { input: { email: uniqueEmail("w"), name: "W", role: "ADMIN", password: "password1234" } }, admin);
    assert.equal(errorCode(weak), "WEAK_PASSWORD");
  });

  test("a customer cannot create users, change statuses or list users", async () => {
    const alice = (await signUp(platform.routerUrl, { email: uniqueEmail("not-admin"), password: STRONG_PASSWORD, name: "Alice" })).accessToken;
    const create = await graphql(platform.routerUrl, CREATE_USER, { input: { email: uniqueEmail("x"), name: "X", role: "ADMIN", password: STRONG_PASSWORD } }, alice);
    assert.equal(errorCode(create), "FORBIDDEN");
    const bob = await buildCustomer(db.prisma, uniqueEmail("other-customer"), STRONG_PASSWORD);
    assert.equal(errorCode(await graphql(platform.routerUrl, SET_STATUS, { id: bob.id, status: "LOCKED", reason: "x" }, alice)), "FORBIDDEN");
    assert.equal(errorCode(await graphql(platform.routerUrl, USERS, {}, alice)), "FORBIDDEN");
    assert.equal((await db.prisma.user.findUniqueOrThrow({ where: { id: bob.id } })).status, "ACTIVE");
  });

  test("object level: a customer reads only themself; staff read anyone", async () => {
    const alice = await signUp(platform.routerUrl, { email: uniqueEmail("reader"), password: STRONG_PASSWORD, name: "Alice" });
    const teller = (await signIn(platform.routerUrl, "teller@demo.bank", DEMO_PASSWORD)).accessToken;
    const bob = await buildCustomer(db.prisma, uniqueEmail("read-target"), STRONG_PASSWORD);
    const query = `query($id: ID!) { user(id: $id) { id email name } }`;
    assert.equal(errorCode(await graphql(platform.routerUrl, query, { id: bob.id }, alice.accessToken)), "FORBIDDEN");
    assert.equal((await graphql(platform.routerUrl, query, { id: alice.user.id }, alice.accessToken)).body.data?.user.email, alice.user.email);
    const staff = await graphql(platform.routerUrl, query, { id: bob.id }, teller);
    assert.equal(staff.body.data?.user.email, bob.email);
  });

  test("users(filter, first, after): staff page through a filtered list", async () => {
    const auditor = (await signIn(platform.routerUrl, "auditor@demo.bank", DEMO_PASSWORD)).accessToken;
    // Users of this test only: two customers and a teller whose emails share a tag nobody else's has.
    const tag = `pager${randomUUID().slice(0, 8)}`;
    const customers = [`${tag}-a@identity.test`, `${tag}-b@identity.test`];
    for (const email of customers) await buildCustomer(db.prisma, email, STRONG_PASSWORD);
    await buildCustomer(db.prisma, `${tag}-staff@identity.test`, STRONG_PASSWORD, "TELLER");
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const response: GraphQLResponse<UsersPage> = await graphql<UsersPage>(platform.routerUrl, USERS, { filter: { role: "CUSTOMER", emailContains: tag.toUpperCase() }, first: 1, after }, auditor);
      assert.equal(response.body.errors, undefined, JSON.stringify(response.body.errors));
      const connection = response.body.data!.users;
      seen.push(...connection.edges.map((edge) => edge.node.email));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    assert.deepEqual(seen.sort(), customers);
    assert.equal(errorCode(await graphql(platform.routerUrl, USERS, { first: 1000 }, auditor)), "BAD_USER_INPUT");
    assert.equal(errorCode(await graphql(platform.routerUrl, USERS, { after: "bogus" }, auditor)), "BAD_USER_INPUT");
  });

  test("locking a user ends their sessions at once; a locked user gets ACCOUNT_LOCKED only with the right password", async () => {
    const email = uniqueEmail("lockme");
    const session = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Lock Me" });
    const locked = await graphql(platform.routerUrl, SET_STATUS, { id: session.user.id, status: "LOCKED", reason: "suspected fraud" }, admin);
    assert.equal(locked.body.data?.setUserStatus.status, "LOCKED", JSON.stringify(locked.body.errors));
    assert.equal(errorCode(await refresh(platform.routerUrl, session.refreshToken)), "INVALID_REFRESH_TOKEN");
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, STRONG_PASSWORD)), "ACCOUNT_LOCKED");
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, "wrong-password-1")), "INVALID_CREDENTIALS");
    const event = await db.prisma.securityEvent.findFirstOrThrow({ where: { userId: session.user.id, type: "USER_LOCKED" } });
    assert.equal((event.details as { reason: string }).reason, "suspected fraud");
    await graphql(platform.routerUrl, SET_STATUS, { id: session.user.id, status: "ACTIVE", reason: "cleared" }, admin);
    await signIn(platform.routerUrl, email, STRONG_PASSWORD);
  });
});

describe("the user's own settings", () => {
  test("updateProfile changes the name", async () => {
    const session = await signUp(platform.routerUrl, { email: uniqueEmail("profile"), password: STRONG_PASSWORD, name: "Old Name" });
    const { body } = await graphql(platform.routerUrl, `mutation { updateProfile(input: { name: " New Name " }) { id name } }`, {}, session.accessToken);
    assert.equal(body.data?.updateProfile.name, "New Name", JSON.stringify(body.errors));
    const me = await graphql(platform.routerUrl, ME, {}, session.accessToken);
    assert.equal(me.body.data?.me.name, "New Name");
    assert.equal(errorCode(await graphql(platform.routerUrl, `mutation { updateProfile(input: { name: "" }) { id } }`, {}, session.accessToken)), "BAD_USER_INPUT");
  });

  test("changePassword needs the current password, applies the policy and ends every other session", async () => {
    const email = uniqueEmail("chpw");
    const current = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name: "Change" });
    const other = await signIn(platform.routerUrl, email, STRONG_PASSWORD);
    const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
    assert.equal(errorCode(await graphql(platform.routerUrl, CHANGE, { c: "wrong-password-9", n: "another-good-passphrase" }, current.accessToken)), "INVALID_CREDENTIALS");
    assert.equal(errorCode(await graphql(platform.routerUrl, CHANGE, { c: STRONG_PASSWORD, n: "password1234" }, current.accessToken)), "WEAK_PASSWORD");
    const { body } = await graphql(platform.routerUrl, CHANGE, { c: STRONG_PASSWORD, n: "another-good-passphrase" }, current.accessToken);
    assert.equal(body.data?.changePassword, true, JSON.stringify(body.errors));
    assert.equal(errorCode(await refresh(platform.routerUrl, other.refreshToken)), "INVALID_REFRESH_TOKEN", "other sessions end");
    assert.ok((await refresh(platform.routerUrl, current.refreshToken)).body.data?.refreshToken, "this session continues");
    assert.equal(errorCode(await loginFull(platform.routerUrl, email, STRONG_PASSWORD)), "INVALID_CREDENTIALS");
    await signIn(platform.routerUrl, email, "another-good-passphrase");
  });
});

describe("GDPR", () => {
  test("exportMyData returns the profile, sessions, security events, accounts with ledger history and notifications, no secrets", async () => {
    const owner = await customerWithAccounts("export", 3);
    const other = await customerWithAccounts("export-other", 1);
    const alice = await signIn(platform.routerUrl, owner.email, STRONG_PASSWORD);
    const { body } = await graphql(platform.routerUrl, `{ exportMyData }`, {}, alice.accessToken);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    const data = body.data!.exportMyData;
    assert.equal(data.profile.email, owner.email);
    assert.equal(data.profile.name, owner.user.name);
    assert.deepEqual(data.unavailable, {});
    assert.ok(data.sessions.some((s: { id: string }) => s.id === claimsOf(alice.accessToken).payload.sid));
    assert.ok(data.securityEvents.some((e: { type: string }) => e.type === "LOGIN_SUCCEEDED"));
    const numbers = data.accounts.map((a: { number: string }) => a.number).sort();
    assert.deepEqual(numbers, owner.numbers);
    for (const account of data.accounts) {
      // Deposits of 1.00 and 2.00 each (the builder's), with their ledger history.
      assert.deepEqual(account.balance, { amount: "3.00", currency: "USD" }, account.number);
      assert.equal(account.transactions.length, 2, account.number);
    }
    assert.ok(Array.isArray(data.notifications));
    const text = JSON.stringify(data);
    for (const secret of ["passwordHash", "argon2", "mfaSecret", "tokenHash", "codeHash", alice.refreshToken]) {
      assert.ok(!text.includes(secret), `export contains ${secret}`);
    }
    // Nothing about anyone else.
    assert.ok(!text.includes(other.email) && !text.includes(other.numbers[0]!));
  });

  test("eraseUser pseudonymises personal data, ends sessions and leaves the ledger untouched", async () => {
    const target = await customerWithAccounts("erase", 2);
    const bob = await signIn(platform.routerUrl, target.email, STRONG_PASSWORD);
    const teller = (await signIn(platform.routerUrl, "teller@demo.bank", DEMO_PASSWORD)).accessToken;
    const accounts = await db.prisma.account.findMany({ where: { ownerId: bob.user.id } });
    assert.equal(accounts.length, 2);
    const BALANCE = `query($id: ID!) { account(id: $id) { id balance { amount currency } owner { id } } }`;
    const balances = async () =>
      Promise.all(accounts.map(async (a) => (await graphql(platform.routerUrl, BALANCE, { id: a.id }, teller)).body.data?.account.balance));
    const before = await balances();
    // The erased customer's postings (other suites post to the shared ledger meanwhile).
    const postings = () => db.prisma.posting.count({ where: { accountId: { in: target.accountIds } } });
    const postingsBefore = await postings();
    assert.equal(postingsBefore, 4);

    // A customer cannot erase anyone.
    assert.equal(errorCode(await graphql(platform.routerUrl, ERASE, { id: bob.user.id }, bob.accessToken)), "FORBIDDEN");

    const { body } = await graphql(platform.routerUrl, ERASE, { id: bob.user.id }, admin);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    assert.deepEqual(body.data!.eraseUser, {
      id: bob.user.id,
      email: `erased-${bob.user.id}@erased.invalid`,
      name: "Erased user",
      status: "LOCKED",
      mfaEnabled: false,
    });
    const row = await db.prisma.user.findUniqueOrThrow({ where: { id: bob.user.id } });
    assert.ok(row.erasedAt);
    assert.doesNotMatch(row.passwordHash, /^\$argon2/);
    assert.equal(await db.prisma.session.count({ where: { userId: bob.user.id, OR: [{ revokedAt: null }, { ip: { not: null } }] } }), 0);
    assert.equal(errorCode(await refresh(platform.routerUrl, bob.refreshToken)), "INVALID_REFRESH_TOKEN");
    assert.equal(errorCode(await loginFull(platform.routerUrl, target.email, STRONG_PASSWORD)), "INVALID_CREDENTIALS");
    assert.equal(await db.prisma.user.count({ where: { email: target.email } }), 0);
    assert.equal(await db.prisma.securityEvent.count({ where: { userId: bob.user.id, type: "USER_ERASED" } }), 1);

    // The ledger is unchanged and still points at the (pseudonymous) id.
    assert.deepEqual(await balances(), before);
    assert.equal(await postings(), postingsBefore);
    const owner = await graphql(platform.routerUrl, `query($id: ID!) { account(id: $id) { owner { id name } } }`, { id: accounts[0]!.id }, teller);
    assert.deepEqual(owner.body.data?.account.owner, { id: bob.user.id, name: "Erased user" });
  });

  test("eraseUser needs a recent login of the admin's session", async () => {
    const target = await signUp(platform.routerUrl, { email: uniqueEmail("erase-late"), password: STRONG_PASSWORD, name: "Late" });
    const session = await signIn(platform.routerUrl, "admin@demo.bank", DEMO_PASSWORD);
    const sid = claimsOf(session.accessToken).payload.sid as string;
    await db.prisma.session.update({ where: { id: sid }, data: { authTime: new Date(Date.now() - 16 * 60_000) } });
    assert.equal(errorCode(await graphql(platform.routerUrl, ERASE, { id: target.user.id }, session.accessToken)), "FORBIDDEN");
    assert.equal((await db.prisma.user.findUniqueOrThrow({ where: { id: target.user.id } })).erasedAt, null);
  });
});
