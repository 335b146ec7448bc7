// GDPR: the data access export (everything the platform holds about a user) and erasure by
// pseudonymisation. The user id stays: ledger postings and audit records keep pointing at it, so balances
// and the audit chain remain consistent, but nothing links the id to a person any more.
import { randomBytes } from "node:crypto";
import type { Prisma } from "#kernel/generated/prisma/client.js";
import type { UsersContext } from "./context.js";
import { recordSecurityEvent, SecurityEventType } from "./security-events.js";
import { revokeUserSessionsInTx } from "./sessions.js";

type Json = Prisma.JsonValue;

const ACCOUNTS_OF_USER = /* GraphQL */ `
  query ExportAccounts($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on User { accounts { id number type currency status openedAt overdraftLimit { amount currency } } }
    }
  }`;

const LEDGER_OF_ACCOUNT = /* GraphQL */ `
  query ExportLedger($representations: [_Any!]!, $after: String) {
    _entities(representations: $representations) {
      ... on Account {
        balance { amount currency }
        transactions(first: 100, after: $after) {
          edges { node { id kind amount { amount currency } reference createdAt } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`;

const NOTIFICATIONS_OF_USER = /* GraphQL */ `
  query ExportNotifications($representations: [_Any!]!, $after: String) {
    _entities(representations: $representations) {
      ... on User {
        notifications(first: 100, after: $after) {
          edges { node { id kind title body read readAt createdAt } }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`;

/** Safety stop for pagination: an export larger than this is cut and says so. */
const MAX_PAGES = 100;

interface Page<T> {
  edges: { node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function allPages<T>(fetchPage: (after: string | null) => Promise<Page<T>>): Promise<{ items: T[]; complete: boolean }> {
  const items: T[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const result: Page<T> = await fetchPage(after);
    items.push(...result.edges.map((edge) => edge.node));
    if (!result.pageInfo.hasNextPage) return { items, complete: true };
    after = result.pageInfo.endCursor;
  }
  return { items, complete: false };
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : "unavailable";
}

async function exportFromOtherServices(context: UsersContext, userId: string) {
  const { subgraphUrls, callSubgraph } = context;
  const unavailable: Record<string, string> = {};
  const user = [{ __typename: "User", id: userId }];

  let accounts: Record<string, Json>[] = [];
  if (!subgraphUrls.accounts) unavailable.accounts = "not configured";
  else {
    try {
      const data = await callSubgraph.request<{ _entities: ({ accounts: Record<string, Json>[] } | null)[] }>(
        subgraphUrls.accounts,
        ACCOUNTS_OF_USER,
        { representations: user },
        { audience: "accounts" },
      );
      accounts = data._entities[0]?.accounts ?? [];
    } catch (error) {
      unavailable.accounts = describeFailure(error);
    }
  }

  if (!subgraphUrls.transactions) unavailable.ledger = "not configured";
  else {
    try {
      for (const account of accounts) {
        let balance: Json = null;
        const { items, complete } = await allPages(async (after) => {
          const data = await callSubgraph.request<{ _entities: ({ balance: Json; transactions: Page<Json> } | null)[] }>(
            subgraphUrls.transactions!,
            LEDGER_OF_ACCOUNT,
            { representations: [{ __typename: "Account", id: account.id }], after },
            { audience: "transactions" },
          );
          balance = data._entities[0]?.balance ?? null;
          return data._entities[0]?.transactions ?? { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
        });
        account.balance = balance;
        account.transactions = items;
        if (!complete) account.transactionsTruncated = true;
      }
    } catch (error) {
      unavailable.ledger = describeFailure(error);
    }
  }

  let notifications: Json[] = [];
  if (!subgraphUrls.notifications) unavailable.notifications = "not configured";
  else {
    try {
      notifications = (
        await allPages(async (after) => {
          const data = await callSubgraph.request<{ _entities: ({ notifications: Page<Json> } | null)[] }>(
            subgraphUrls.notifications!,
            NOTIFICATIONS_OF_USER,
            { representations: user, after },
            { audience: "notifications" },
          );
          return data._entities[0]?.notifications ?? { edges: [], pageInfo: { hasNextPage: false, endCursor: null } };
        })
      ).items;
    } catch (error) {
      unavailable.notifications = describeFailure(error);
    }
  }
  return { accounts, notifications, unavailable };
}

/** Everything about the user, as one JSON document. No secrets: no hashes, no TOTP secret, no tokens. */
export async function exportUserData(context: UsersContext, userId: string) {
  const user = await context.db.user.findUniqueOrThrow({ where: { id: userId } });
  const [sessions, securityEvents, recoveryCodesLeft] = await Promise.all([
    context.db.session.findMany({
      where: { userId },
      orderBy: { createdAt: "asc" },
      select: { id: true, createdAt: true, authTime: true, amr: true, ip: true, userAgent: true, lastRefreshedAt: true, revokedAt: true, revokedReason: true },
    }),
    context.db.securityEvent.findMany({
      where: { userId },
      orderBy: { createdAt: "asc" },
      select: { id: true, type: true, createdAt: true, sessionId: true, ip: true, userAgent: true, details: true },
    }),
    context.db.mfaRecoveryCode.count({ where: { userId, usedAt: null } }),
  ]);
  const others = await exportFromOtherServices(context, userId);
  return {
    exportedAt: new Date().toISOString(),
    profile: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      status: user.status,
      createdAt: user.createdAt.toISOString(),
      updatedAt: user.updatedAt.toISOString(),
      passwordChangedAt: user.passwordChangedAt?.toISOString() ?? null,
      mfa: { enabled: user.mfaEnabled, recoveryCodesLeft },
    },
    sessions,
    securityEvents,
    accounts: others.accounts,
    notifications: others.notifications,
    unavailable: others.unavailable,
  };
}

/** The pseudonymised values an erased user keeps. */
export function erasedEmail(userId: string): string {
  return `erased-${userId}@erased.invalid`;
}
export const ERASED_NAME = "Erased user";

/**
 * Erases the user's personal data in one transaction and returns the ids of the sessions it revoked (to be
 * published to the revocation store after the commit).
 */
export async function eraseUser(context: UsersContext, userId: string, adminId: string) {
  return context.db.$transaction(async (tx) => {
    const user = await tx.user.update({
      where: { id: userId },
      data: {
        email: erasedEmail(userId),
        name: ERASED_NAME,
        // Not an argon2 hash: nothing verifies against it. Random, so no two erased users share a value.
        passwordHash: `!erased!${randomBytes(16).toString("hex")}`,
        mfaEnabled: false,
        mfaSecretEncrypted: null,
        mfaLastUsedStep: null,
        status: "LOCKED",
        erasedAt: new Date(),
      },
    });
    await tx.mfaRecoveryCode.deleteMany({ where: { userId } });
    const revoked = await revokeUserSessionsInTx(tx, userId, SecurityEventType.USER_ERASED);
    // Client addresses and user agents are personal data too; what happened and when stays.
    await tx.session.updateMany({ where: { userId }, data: { ip: null, userAgent: null } });
    await tx.securityEvent.updateMany({ where: { userId }, data: { ip: null, userAgent: null } });
    await recordSecurityEvent(tx, { type: SecurityEventType.USER_ERASED, userId, actorId: adminId, details: {} });
    return { user, revoked };
  });
}
