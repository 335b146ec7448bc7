import type { RequestBase } from "../../../kernel/subgraph-server.js";
import type { UsersDb } from "./db.js";
import type { UserLoaders } from "./loaders.js";
import type { SigningKey } from "./keys.js";
import type { TokenSettings } from "./tokens.js";

export interface UsersContext extends RequestBase {
  db: UsersDb;
  loaders: UserLoaders;
  signingKey: SigningKey;
  tokenSettings: TokenSettings;
  /** Set by a successful login in this request, so its payload may show the user their own details. */
  signedInUserId?: string;
}
