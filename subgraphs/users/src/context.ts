import type { SharedStore } from "#kernel/shared-store.js";
import type { RequestBase } from "#kernel/subgraph-server.js";
import type { StepUpSettings } from "./credential-checks.js";
import type { UsersDb } from "./db.js";
import type { UserLoaders } from "./loaders.js";
import type { SigningKeyring } from "./keys.js";
import type { SecretBox } from "./secret-box.js";
import type { LoginThrottle } from "./throttle.js";
import type { TokenSettings } from "./tokens.js";

/** Everything the users service sets up once at start and shares across requests. */
export interface UsersServices {
  keyring: SigningKeyring;
  tokenSettings: TokenSettings;
  store: SharedStore;
  throttle: LoginThrottle;
  stepUp: StepUpSettings;
  mfaBox: SecretBox;
  commonPasswords: ReadonlySet<string>;
  /** Other subgraphs read by the GDPR export (undefined when not configured). */
  subgraphUrls: { accounts?: string | undefined; transactions?: string | undefined; notifications?: string | undefined };
}

export interface UsersContext extends RequestBase, UsersServices {
  db: UsersDb;
  loaders: UserLoaders;
  /** Set by a successful login in this request, so its payload may show the user their own details. */
  signedInUserId?: string;
}
