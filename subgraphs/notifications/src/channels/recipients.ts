// Recipients' addresses come from the users subgraph, which owns personal data: events and queued
// deliveries carry only user ids. The lookup is signed like any internal call, acting for the recipient
// (a user may read their own e-mail address), so the users service applies its usual rules; addresses are
// used to send and never logged or stored here.
import { randomUUID } from "node:crypto";
import { IdentitySigner } from "#kernel/identity.js";
import { createSubgraphCaller } from "#kernel/internal-client.js";

export interface RecipientDirectory {
  /** The user's e-mail address, or null when the user is unknown. */
  emailOf(userId: string): Promise<string | null>;
}

const EMAIL_OF = /* GraphQL */ `
  query RecipientEmail($representations: [_Any!]!) {
    _entities(representations: $representations) { ... on User { email } }
  }`;

export function usersDirectory(options: { usersUrl: string; identitySecret: string; timeoutMs: number }): RecipientDirectory {
  const signer = new IdentitySigner(options.identitySecret);
  return {
    async emailOf(userId) {
      const caller = createSubgraphCaller({
        signer,
        caller: { userId, role: "CUSTOMER", sessionId: null, scopes: [] },
        requestId: `notification-delivery-${randomUUID()}`,
        timeoutMs: options.timeoutMs,
      });
      const data = await caller.request<{ _entities: ({ email?: string } | null)[] }>(
        options.usersUrl,
        EMAIL_OF,
        { representations: [{ __typename: "User", id: userId }] },
        { audience: "users" },
      );
      return data._entities[0]?.email ?? null;
    },
  };
}
