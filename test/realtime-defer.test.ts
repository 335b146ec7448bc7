// `@defer` through the router on /graphql, as frontends use it: Apollo Client (HttpLink with its
// Defer20220824Handler) and urql (fetchExchange) each receive a deferred dashboard, balances first and the
// history after, over multipart/mixed (deferSpec=20220824). The same query from a client that does not take
// multipart gets the whole result in one JSON response; authentication applies as to any query.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Defer20220824Handler } from "@apollo/client/incremental";
import { Client as UrqlClient, fetchExchange } from "@urql/core";
import { newCustomer } from "./support/customers.js";
import { useSharedPlatform } from "./support/platform.js";
import { graphql } from "./support/stack.js";

const DASHBOARD = `query Dashboard {
  me {
    accounts {
      id
      number
      balance { amount currency }
      ... @defer(label: "history") {
        transactions(first: 5) { edges { node { id kind amount { amount currency } } } }
      }
    }
  }
}`;

interface Account {
  id: string;
  number: string;
  balance: { amount: string; currency: string };
  transactions?: { edges: { node: { id: string; kind: string; amount: { amount: string } } }[] };
}
type Dashboard = { me: { accounts: Account[] } };

// The run's shared platform: the dashboard is a customer of this suite's own (two accounts with history).
const platform = useSharedPlatform();
let token: string;
let whole: Dashboard;

const post = (accept: string, authorization: string | undefined, body: unknown) =>
  fetch(platform.routerUrl, { method: "POST", headers: { accept, "content-type": "application/json", ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });

/** The JSON parts of a multipart/mixed body with boundary `-`. */
function parts(text: string): Record<string, unknown>[] {
  return text
    .split(/\r\n---/)
    .map((chunk) => chunk.slice(chunk.indexOf("\r\n\r\n") + 4).trim())
    .filter((chunk) => chunk.startsWith("{"))
    .map((chunk) => JSON.parse(chunk) as Record<string, unknown>);
}

/** An item's data merged into the client's view, objects field by field (as clients merge them). */
function mergeInto(target: Record<string, unknown>, source: Record<string, unknown>) {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing && value && typeof existing === "object" && typeof value === "object" && !Array.isArray(value)) mergeInto(existing as Record<string, unknown>, value as Record<string, unknown>);
    else target[key] = value;
  }
}

describe("@defer over multipart/mixed", () => {
  before(async () => {
    const history = { deposits: ["100.00", "20.00", "3.00"] };
    token = (await newCustomer(platform, "Dana Defer", [history, { ...history, type: "SAVINGS" }])).token;
    // The same dashboard without incremental delivery: what every client must end up with.
    const { body } = await graphql<Dashboard>(platform.routerUrl, DASHBOARD, {}, token);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    whole = body.data!;
    assert.ok(whole.me.accounts.length === 2 && whole.me.accounts.every((account) => account.transactions?.edges.length === 3), "the customer's accounts have history");
  });

  test("the wire format: balances in the first part (hasNext), the history in labelled incremental items", async () => {
    const response = await post("multipart/mixed;deferSpec=20220824,application/json", `Bearer ${token}`, { query: DASHBOARD });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^multipart\/mixed; boundary="-"; deferSpec=20220824$/);
    const text = await response.text();
    assert.match(text, /-----\r\n$/, "ends with the closing delimiter");
    const [first, ...rest] = parts(text);
    assert.equal(first!.hasNext, true);
    const initial = first!.data as Dashboard;
    for (const account of initial.me.accounts) {
      assert.ok(account.balance.amount, "balances come first");
      assert.equal(account.transactions, undefined, "the history is deferred");
    }
    assert.equal(rest.at(-1)!.hasNext, false);
    const items = rest.flatMap((part) => (part.incremental ?? []) as { data: Partial<Account>; path: (string | number)[]; label?: string }[]);
    assert.equal(items.length, initial.me.accounts.length, "one item per account");
    for (const item of items) {
      assert.equal(item.label, "history");
      assert.equal(item.path.slice(0, 2).join("."), "me.accounts");
      const index = item.path[2] as number;
      assert.deepEqual(item.data.transactions, whole.me.accounts[index]!.transactions);
    }
  });

  test("a client that does not take multipart gets the whole result as one JSON response", async () => {
    const response = await post("application/graphql-response+json", `Bearer ${token}`, { query: DASHBOARD });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /application\/graphql-response\+json/);
    assert.deepEqual(((await response.json()) as { data: Dashboard }).data, whole);
  });

  test("@defer(if: false) is not deferred; without a token the dashboard is refused as any query", async () => {
    const notDeferred = DASHBOARD.replace('@defer(label: "history")', "@defer(if: false)");
    const response = await post("multipart/mixed;deferSpec=20220824,application/json", `Bearer ${token}`, { query: notDeferred });
    assert.match(response.headers.get("content-type") ?? "", /application\/json/);
    assert.deepEqual(((await response.json()) as { data: Dashboard }).data, whole);
    const anonymous = await post("multipart/mixed;deferSpec=20220824,application/json", undefined, { query: DASHBOARD });
    const body = (await anonymous.json()) as { data?: { me: unknown }; errors?: { extensions?: { code?: string } }[] };
    assert.equal(body.data?.me ?? null, null);
    assert.ok(body.errors?.some((error) => error.extensions?.code === "UNAUTHENTICATED"), JSON.stringify(body));
  });

  test("authorization directives apply inside deferred fragments: the refused field is null with its FORBIDDEN error, as without @defer", async () => {
    // accountByNumber needs the teller scope: a customer's request keeps the rest and gets null + FORBIDDEN.
    const query = `query Mixed { me { id } ... @defer(label: "staff") { accountByNumber(number: "${whole.me.accounts[0]!.number}") { id } me { email } } }`;
    const plain = await post("application/json", `Bearer ${token}`, { query });
    const expected = (await plain.json()) as { data: Record<string, unknown>; errors: { path: string[]; extensions: { code: string } }[] };
    assert.deepEqual(expected.errors.map((error) => [error.path.join("."), error.extensions.code]), [["accountByNumber", "FORBIDDEN"]]);
    const response = await post("multipart/mixed;deferSpec=20220824,application/json", `Bearer ${token}`, { query });
    const [first, ...rest] = parts(await response.text());
    const merged = structuredClone(first!.data) as Record<string, unknown>;
    const errors = [...((first!.errors ?? []) as { path: string[]; extensions: { code: string } }[])];
    for (const part of rest) {
      for (const item of (part.incremental ?? []) as { data: Record<string, unknown> | null; path: string[]; errors?: typeof errors }[]) {
        errors.push(...(item.errors ?? []));
        if (item.data && item.path.length === 0) mergeInto(merged, item.data);
      }
    }
    assert.ok(rest.length > 0, "something was deferred");
    assert.deepEqual(merged, expected.data);
    assert.deepEqual(errors.map((error) => [error.path.join("."), error.extensions.code]), [["accountByNumber", "FORBIDDEN"]]);
  });

  test("Apollo Client (HttpLink, Defer20220824Handler) shows balances first, then the history", async () => {
    const apollo = new ApolloClient({
      link: new HttpLink({ uri: platform.routerUrl, headers: { authorization: `Bearer ${token}` } }),
      cache: new InMemoryCache(),
      incrementalHandler: new Defer20220824Handler(),
    });
    const seen: Dashboard[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const subscription = apollo.watchQuery<Dashboard>({ query: gql(DASHBOARD), fetchPolicy: "network-only" }).subscribe({
        next: (result) => {
          if (result.error) return reject(result.error);
          if (!result.data) return;
          seen.push(result.data as Dashboard);
          if ((result.data as Dashboard).me.accounts.every((account) => account.transactions)) {
            subscription.unsubscribe();
            resolve();
          }
        },
        error: reject,
      });
    });
    await done;
    assert.ok(seen.some((data) => data.me.accounts.every((account) => account.balance && !account.transactions)), "a render with balances and no history");
    const last = seen.at(-1)!;
    assert.deepEqual(
      last.me.accounts.map((account) => ({ id: account.id, balance: account.balance.amount, history: account.transactions!.edges.map((edge) => edge.node.id) })),
      whole.me.accounts.map((account) => ({ id: account.id, balance: account.balance.amount, history: account.transactions!.edges.map((edge) => edge.node.id) })),
    );
    apollo.stop();
  });

  test("urql (fetchExchange, POST) shows balances first, then the history", async () => {
    const urql = new UrqlClient({
      url: platform.routerUrl,
      exchanges: [fetchExchange],
      preferGetMethod: false,
      fetchOptions: { headers: { authorization: `Bearer ${token}` } },
    });
    const seen = await urqlResults(urql);
    assert.equal(seen[0]!.hasNext, true);
    assert.ok(seen[0]!.data!.me.accounts.every((account) => account.balance && !account.transactions), "first: balances, no history");
    assert.deepEqual(seen.at(-1)!.data, whole);
  });

  test("urql with its default GET (and the CSRF preflight header) gets the same incremental result", async () => {
    const urql = new UrqlClient({
      url: platform.routerUrl,
      exchanges: [fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${token}`, "apollo-require-preflight": "true" } },
      fetch: (input, init) => {
        methods.push(init?.method ?? "GET");
        return fetch(input, init);
      },
    });
    const methods: string[] = [];
    const seen = await urqlResults(urql);
    assert.deepEqual(methods, ["GET"]);
    assert.ok(seen.length >= 2 && seen[0]!.hasNext, "delivered in parts");
    assert.deepEqual(seen.at(-1)!.data, whole);
  });
});

/**
 * Every result urql gives for the deferred dashboard, until the last (`hasNext: false`); rejects on an error.
 * After the last result the subscription is left to end with the response: unsubscribing then would abort
 * the fetch while urql may still be reading the closing delimiter (an AbortError after the test ended).
 */
function urqlResults(urql: UrqlClient): Promise<{ data?: Dashboard; hasNext?: boolean }[]> {
  const seen: { data?: Dashboard; hasNext?: boolean }[] = [];
  return new Promise((resolve, reject) => {
    const { unsubscribe } = urql.query<Dashboard>(DASHBOARD, {}, { requestPolicy: "network-only" }).subscribe((result) => {
      if (result.error) {
        unsubscribe();
        return reject(result.error);
      }
      seen.push({ data: result.data, hasNext: result.hasNext });
      if (!result.hasNext) resolve(seen);
    });
  });
}
