// Demo data for `npm start` and `npm run seed`: a user for every role, accounts in several currencies, and
// a ledger history built from balanced postings (balances are derived, never typed in). Idempotent: a
// second run changes nothing. Refuses to run in production.
import type { PrismaClient } from "#kernel/db.js";
import { parseAmount } from "#domain/money.js";
import type { Role } from "#kernel/identity.js";
import { ensureUser } from "../subgraphs/users/src/users.js";
import { openAccount } from "../subgraphs/accounts/src/accounts.js";
import { ensureSettlementAccount, postTransaction, registerLedgerAccount, settlementAccountId } from "../subgraphs/transactions/src/ledger.js";
import { createNotification } from "../subgraphs/notifications/src/notifications.js";
import { appendAuditEvent } from "../subgraphs/audit/src/chain.js";

export const DEMO_PASSWORD = "demo-password-123";

export const DEMO_USERS: { email: string; name: string; role: Role }[] = [
  { email: "alice@demo.bank", name: "Alice Martin", role: "CUSTOMER" },
  { email: "bob@demo.bank", name: "Bob Okafor", role: "CUSTOMER" },
  { email: "teller@demo.bank", name: "Tom Teller", role: "TELLER" },
  { email: "admin@demo.bank", name: "Ada Admin", role: "ADMIN" },
  { email: "auditor@demo.bank", name: "Aude Auditor", role: "AUDITOR" },
  { email: "analyst@demo.bank", name: "Ana Analyst", role: "ANALYST" },
];

/**
 * Fixed account numbers (valid mod-97 check digits) so the demo is the same on every machine; their bodies
 * were drawn at random like the ones `openAccount` issues, so the demo does not teach that numbers can be guessed.
 */
const DEMO_ACCOUNTS = [
  { owner: "alice@demo.bank", number: "FB65FDBK12817536338047", type: "CHECKING", currency: "USD" },
  { owner: "alice@demo.bank", number: "FB97FDBK50237507013082", type: "SAVINGS", currency: "USD" },
  { owner: "alice@demo.bank", number: "FB89FDBK38028495083724", type: "CHECKING", currency: "EUR" },
  { owner: "bob@demo.bank", number: "FB82FDBK88850174739711", type: "CHECKING", currency: "USD" },
  { owner: "bob@demo.bank", number: "FB28FDBK30837818751566", type: "CHECKING", currency: "JPY" },
] as const;

export async function seedDemoData(prisma: PrismaClient, log: (line: string) => void = () => undefined) {
  if (process.env.NODE_ENV === "production") {
    throw new Error("Refusing to seed demo data with NODE_ENV=production");
  }
  const users = new Map<string, { id: string; role: Role }>();
  for (const demo of DEMO_USERS) {
    const { user, created } = await ensureUser(prisma, { ...demo, password: DEMO_PASSWORD });
    users.set(demo.email, { id: user.id, role: user.role });
    if (created) {
      await appendAuditEvent(prisma, {
        action: "user.created",
        entityType: "User",
        entityId: user.id,
        outcome: "SUCCESS",
        details: { role: user.role, source: "seed" },
      });
    }
  }
  const admin = users.get("admin@demo.bank")!;
  const teller = users.get("teller@demo.bank")!;

  const accounts = new Map<string, { id: string; currency: string; ownerId: string }>();
  for (const demo of DEMO_ACCOUNTS) {
    const owner = users.get(demo.owner)!;
    let account = await prisma.account.findUnique({ where: { number: demo.number } });
    if (!account) {
      account = await openAccount(prisma, { ownerId: owner.id, type: demo.type, currency: demo.currency, number: demo.number, openedBy: admin.id });
      await appendAuditEvent(prisma, {
        actorId: admin.id,
        actorRole: admin.role,
        action: "account.opened",
        entityType: "Account",
        entityId: account.id,
        outcome: "SUCCESS",
        details: { currency: account.currency, type: account.type },
      });
    }
    await registerLedgerAccount(prisma, { id: account.id, ownerId: owner.id, currency: account.currency, kind: "CUSTOMER", number: account.number });
    await ensureSettlementAccount(prisma, account.currency);
    accounts.set(demo.number, { id: account.id, currency: account.currency, ownerId: owner.id });
  }

  const aliceChecking = accounts.get("FB65FDBK12817536338047")!;
  const alreadyPosted = await prisma.posting.count({ where: { accountId: aliceChecking.id } });
  if (alreadyPosted > 0) {
    log("demo data already present");
    return { users, accounts };
  }

  const deposit = (number: string, amount: string, reference: string) => {
    const account = accounts.get(number)!;
    const minor = parseAmount(amount, account.currency);
    return postTransaction(prisma, {
      kind: "DEPOSIT",
      currency: account.currency,
      reference,
      initiatedBy: teller.id,
      legs: [
        { accountId: account.id, amountMinor: minor },
        { accountId: settlementAccountId(account.currency), amountMinor: -minor },
      ],
    });
  };
  const withdraw = (number: string, amount: string, reference: string) => {
    const account = accounts.get(number)!;
    const minor = parseAmount(amount, account.currency);
    return postTransaction(prisma, {
      kind: "WITHDRAWAL",
      currency: account.currency,
      reference,
      initiatedBy: teller.id,
      legs: [
        { accountId: account.id, amountMinor: -minor },
        { accountId: settlementAccountId(account.currency), amountMinor: minor },
      ],
    });
  };
  const transfer = (from: string, to: string, amount: string, reference: string) => {
    const source = accounts.get(from)!;
    const target = accounts.get(to)!;
    const minor = parseAmount(amount, source.currency);
    return postTransaction(prisma, {
      kind: "TRANSFER",
      currency: source.currency,
      reference,
      initiatedBy: source.ownerId,
      legs: [
        { accountId: source.id, amountMinor: -minor },
        { accountId: target.id, amountMinor: minor },
      ],
    });
  };

  await deposit("FB65FDBK12817536338047", "2500.00", "Salary November");
  await deposit("FB82FDBK88850174739711", "1200.00", "Opening deposit");
  await deposit("FB89FDBK38028495083724", "800.00", "Cash deposit");
  await deposit("FB28FDBK30837818751566", "50000", "Cash deposit");
  const rent = await transfer("FB65FDBK12817536338047", "FB82FDBK88850174739711", "125.50", "Concert tickets");
  await transfer("FB65FDBK12817536338047", "FB97FDBK50237507013082", "500.00", "Monthly savings");
  await withdraw("FB82FDBK88850174739711", "40.00", "ATM withdrawal");
  await transfer("FB82FDBK88850174739711", "FB65FDBK12817536338047", "19.99", "Pizza, my share");
  await withdraw("FB28FDBK30837818751566", "3000", "ATM withdrawal");

  const alice = users.get("alice@demo.bank")!;
  const bob = users.get("bob@demo.bank")!;
  await createNotification(prisma, {
    userId: bob.id,
    kind: "MONEY_RECEIVED",
    title: "You received 125.50 USD",
    body: `Alice Martin sent you 125.50 USD: "Concert tickets" (transaction ${rent.id}).`,
  });
  await createNotification(prisma, {
    userId: alice.id,
    kind: "MONEY_RECEIVED",
    title: "You received 19.99 USD",
    body: 'Bob Okafor sent you 19.99 USD: "Pizza, my share".',
  });
  await createNotification(prisma, {
    userId: alice.id,
    kind: "WELCOME",
    title: "Welcome to FedBank",
    body: "Your checking and savings accounts are ready.",
  });
  log("demo data created");
  return { users, accounts };
}
