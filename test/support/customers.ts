// Customers of a suite's own on a running platform (the shared one above all), made through the router as a
// client would make them: signed up (a real session), accounts opened, money deposited by the demo teller
// (a token minted with the platform's key, so no teller session is written). Suites on the shared platform
// move these customers' money instead of the demo users'.
import { randomUUID } from "node:crypto";
import { LEDGER_OPS } from "./ledger-ops.js";
import { signUp, STRONG_PASSWORD, uniqueEmail } from "./identity.js";
import { demoUsers, graphql, mintAccessToken, type TokenKey } from "./stack.js";

/** What a suite needs of the platform to make customers (SharedPlatform has it). */
export interface CustomerPlatform {
  readonly routerUrl: string;
  readonly databaseUrl: string;
  readonly tokenKey: TokenKey;
}

export interface OwnAccount {
  id: string;
  number: string;
  currency: string;
}

export interface OwnCustomer {
  id: string;
  email: string;
  name: string;
  password: string;
  /** The access token of the session signUp opened. */
  token: string;
  accounts: OwnAccount[];
}

export interface AccountPlan {
  type?: "CHECKING" | "SAVINGS";
  currency?: string;
  /** Decimal amounts deposited one after another, e.g. ["100.00", "20.00"]. */
  deposits?: string[];
}

const demoUsersByDatabase = new Map<string, ReturnType<typeof demoUsers>>();

/** A token of a demo user (teller, admin, analyst, auditor…), minted with the platform's key. */
export async function demoUserToken(platform: CustomerPlatform, email: string): Promise<string> {
  let users = demoUsersByDatabase.get(platform.databaseUrl);
  if (!users) demoUsersByDatabase.set(platform.databaseUrl, (users = demoUsers(platform.databaseUrl)));
  const user = (await users)[email];
  if (!user) throw new Error(`no demo user ${email}`);
  return mintAccessToken(platform.tokenKey, user);
}

async function ok<T>(response: Promise<{ body: { data?: T | null; errors?: unknown[] } }>): Promise<T> {
  const { body } = await response;
  if (body.errors || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** Signs up a customer named `name` and opens (and funds) the planned accounts, in order. */
export async function newCustomer(platform: CustomerPlatform, name: string, plan: AccountPlan[] = []): Promise<OwnCustomer> {
  const email = uniqueEmail(name.toLowerCase().replace(/[^a-z]+/g, "-"));
  const login = await signUp(platform.routerUrl, { email, password: STRONG_PASSWORD, name });
  const teller = plan.some((account) => account.deposits?.length) ? await demoUserToken(platform, "teller@demo.bank") : undefined;
  const accounts: OwnAccount[] = [];
  for (const { type = "CHECKING", currency = "USD", deposits = [] } of plan) {
    const { openAccount } = await ok<{ openAccount: OwnAccount }>(graphql(platform.routerUrl, LEDGER_OPS.open, { input: { type, currency } }, login.accessToken));
    accounts.push({ id: openAccount.id, number: openAccount.number, currency: openAccount.currency });
    for (const amount of deposits) {
      await ok(graphql(platform.routerUrl, LEDGER_OPS.deposit, { input: { accountId: openAccount.id, amount, idempotencyKey: randomUUID() } }, teller));
    }
  }
  return { id: login.user.id, email, name, password: STRONG_PASSWORD, token: login.accessToken, accounts };
}
