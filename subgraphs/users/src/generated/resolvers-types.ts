import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { User as UserRow } from '../../../../kernel/generated/prisma/client.js';
import type { UsersContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in time, as an ISO 8601 string in UTC with milliseconds (e.g. 2026-01-31T09:30:00.000Z). */
  DateTime: { input: Date | string; output: Date | string; }
  /** Any JSON value. */
  JSON: { input: unknown; output: unknown; }
  _FieldSet: { input: unknown; output: unknown; }
};

/** Tokens issued on a successful login, registration or refresh. */
export type AuthPayload = {
  __typename?: 'AuthPayload';
  /** Signed access token (JWT, EdDSA) to send as `Authorization: Bearer <token>`. Valid for `expiresIn` seconds. */
  accessToken: Scalars['String']['output'];
  /** Seconds until the access token expires. */
  expiresIn: Scalars['Int']['output'];
  /**
   * Opaque refresh token: exchange it once with `refreshToken` for new tokens. Each one is single use; using one
   * twice ends the session.
   */
  refreshToken: Scalars['String']['output'];
  /** Always `Bearer`. */
  tokenType: Scalars['String']['output'];
  /** The signed-in user. */
  user: User;
};

/** Input of `createUser`. */
export type CreateUserInput = {
  /** Login email; stored trimmed and in lower case. */
  email: Scalars['String']['input'];
  /** Full name. */
  name: Scalars['String']['input'];
  /** Initial password, subject to the password policy. */
  password: Scalars['String']['input'];
  /** Role of the new user. */
  role: Role;
};

/**
 * Every `extensions.code` a client can receive in `errors[]`: branch on the code, never on the message
 * (messages are for people and may change). Each mutation's description ends with a line `Errors: A, B`:
 * the codes that field itself answers with, UNAUTHENTICATED where it needs a sign-in and FORBIDDEN where a
 * role or scope applies. Not repeated there, any operation can also meet RATE_LIMITED, SUBGRAPH_UNAVAILABLE,
 * SERVICE_UNAVAILABLE, INTERNAL_SERVER_ERROR, UNAUTHENTICATED (a token sent but invalid or revoked) and the
 * request errors (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED, BAD_USER_INPUT for variables,
 * BAD_REQUEST, PERSISTED_QUERY_NOT_FOUND, OPERATION_NOT_TRUSTED, OPERATION_LIMIT, COST_LIMIT_EXCEEDED).
 */
export type ErrorCode =
  /** The account is closed. */
  | 'ACCOUNT_CLOSED'
  /** The account is frozen: no debits until it is unfrozen. */
  | 'ACCOUNT_FROZEN'
  /** The account is locked by staff; the owner cannot sign in until it is unlocked. */
  | 'ACCOUNT_LOCKED'
  /** An account with a non-zero balance or pending holds cannot be closed. */
  | 'ACCOUNT_NOT_EMPTY'
  /** The transaction was already reversed. */
  | 'ALREADY_REVERSED'
  /** The HTTP request is malformed (e.g. a GET without a CSRF preflight header, or an invalid body). */
  | 'BAD_REQUEST'
  /** An argument is invalid (format, range, money scale, unknown currency...); the message says which. */
  | 'BAD_USER_INPUT'
  /** The operation's estimated cost is above the router's maximum (COST_MAX_PER_OPERATION). */
  | 'COST_LIMIT_EXCEEDED'
  /** The accounts (or the amount) are in different currencies. */
  | 'CURRENCY_MISMATCH'
  /** A user with this e-mail exists. */
  | 'EMAIL_TAKEN'
  /** The token is valid but its role, scopes or ownership do not allow this field or object. */
  | 'FORBIDDEN'
  /** The document does not parse. */
  | 'GRAPHQL_PARSE_FAILED'
  /** The document does not validate against the API schema (schema/api.graphql). */
  | 'GRAPHQL_VALIDATION_FAILED'
  /** The hold is no longer pending (captured, released or expired). */
  | 'HOLD_NOT_PENDING'
  /** A request with the same idempotency key is still running: retry shortly for its result. */
  | 'IDEMPOTENCY_CONFLICT'
  /** The idempotency key was used before with a different input. */
  | 'IDEMPOTENCY_KEY_REUSED'
  /** The debit would take the account below zero (or its overdraft limit), holds included. */
  | 'INSUFFICIENT_FUNDS'
  /** An unexpected failure; the details are in the server's log under `extensions.requestId`. */
  | 'INTERNAL_SERVER_ERROR'
  /** The account number's format or check digits are wrong. */
  | 'INVALID_ACCOUNT_NUMBER'
  /** The amount is not a positive decimal with the currency's scale. */
  | 'INVALID_AMOUNT'
  /** Wrong e-mail or password (the same answer for both). */
  | 'INVALID_CREDENTIALS'
  /** The TOTP or recovery code is wrong or already used. */
  | 'INVALID_MFA_CODE'
  /** The refresh token is unknown, expired, revoked or already used (a reuse ends the session). */
  | 'INVALID_REFRESH_TOKEN'
  /** The object is not in a state that allows this change (e.g. unfreezing an active account). */
  | 'INVALID_STATE'
  /** The account has MFA: send `totp` (a one-time or recovery code) with the password. */
  | 'MFA_REQUIRED'
  /** The object does not exist (or is not visible to the caller, which looks the same). */
  | 'NOT_FOUND'
  /** The operation is too large or too deep (size, tokens, depth, aliases, root fields, directives). */
  | 'OPERATION_LIMIT'
  /** The operation is not in the trusted-documents manifest (TRUSTED_DOCUMENTS=strict). */
  | 'OPERATION_NOT_TRUSTED'
  /** An automatic persisted query's hash is unknown: send the query text with it once. */
  | 'PERSISTED_QUERY_NOT_FOUND'
  /** A rate limit of the router (requests, cost or authentication attempts); HTTP 429 with Retry-After. */
  | 'RATE_LIMITED'
  /** A security-sensitive change needs the current password (and TOTP with MFA) or a fresh login. */
  | 'REAUTHENTICATION_REQUIRED'
  /** Reporting projections could not be reconciled with the ledger; see the message. */
  | 'RECONCILIATION_FAILED'
  /** The source and the destination are the same account. */
  | 'SAME_ACCOUNT'
  /** A dependency (database, Redis, revocation check) is unavailable: retry after `Retry-After`. */
  | 'SERVICE_UNAVAILABLE'
  /** A subgraph could not be reached: the fields at `path` are null, the rest of the data is there. */
  | 'SUBGRAPH_UNAVAILABLE'
  /** Too many failed attempts from this address (or for this account from it): wait `retryAfterSeconds`. */
  | 'TOO_MANY_ATTEMPTS'
  /** No valid access token: missing, malformed, expired or revoked. Sign in (or refresh) and retry. */
  | 'UNAUTHENTICATED'
  /** The new password is too short, too common or contains the e-mail. */
  | 'WEAK_PASSWORD';

/** What an authenticator app needs, shown once by `enrollMfa`. */
export type MfaEnrollment = {
  __typename?: 'MfaEnrollment';
  /** `otpauth://totp/...` URI to show as a QR code. */
  otpauthUri: Scalars['String']['output'];
  /** Ten single-use recovery codes, each accepted once in place of a one-time code. Shown only now. */
  recoveryCodes: Array<Scalars['String']['output']>;
  /** The base32 TOTP secret, for typing in by hand. */
  secret: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Changes the signed-in user's password; every other session of the user ends. A wrong `currentPassword`
   * counts like a failed login (INVALID_CREDENTIALS; TOO_MANY_ATTEMPTS when the address is stopped); after a few,
   * the session is signed out (UNAUTHENTICATED). With MFA on, `totp` is needed too unless the session's login is
   * recent (MFA_REQUIRED).
   * Errors: UNAUTHENTICATED, REAUTHENTICATION_REQUIRED, INVALID_CREDENTIALS, MFA_REQUIRED, INVALID_MFA_CODE, TOO_MANY_ATTEMPTS, WEAK_PASSWORD
   */
  changePassword: Scalars['Boolean']['output'];
  /**
   * Turns MFA on with a current code from the enrolled authenticator. Step-up as for `enrollMfa`. A wrong code
   * counts like a failed login; after a few, the session is signed out.
   * Errors: UNAUTHENTICATED, INVALID_STATE, REAUTHENTICATION_REQUIRED, INVALID_CREDENTIALS, INVALID_MFA_CODE, TOO_MANY_ATTEMPTS
   */
  confirmMfa: User;
  /**
   * Admin: creates a user with any role.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, WEAK_PASSWORD, EMAIL_TAKEN
   */
  createUser: User;
  /**
   * Turns MFA off; needs a current one-time code or a recovery code, and step-up as for `enrollMfa`. Wrong codes
   * or passwords count like failed logins; after a few, the session is signed out.
   * Errors: UNAUTHENTICATED, INVALID_STATE, REAUTHENTICATION_REQUIRED, INVALID_CREDENTIALS, INVALID_MFA_CODE, TOO_MANY_ATTEMPTS
   */
  disableMfa: User;
  /**
   * Starts MFA enrollment: returns a new TOTP secret and recovery codes, shown only this once. Step-up: needs
   * `currentPassword` unless the session's password login is recent (REAUTHENTICATION_REQUIRED otherwise). The
   * owner is notified.
   * Errors: UNAUTHENTICATED, INVALID_STATE, REAUTHENTICATION_REQUIRED, INVALID_CREDENTIALS, TOO_MANY_ATTEMPTS
   */
  enrollMfa: MfaEnrollment;
  /**
   * Admin: erases a user's personal data (GDPR): email, name, password, MFA and client addresses are removed, the
   * user is locked and signed out. The id stays as a pseudonym so ledger and audit history remain consistent.
   * Needs a login in the last 15 minutes.
   * Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND
   */
  eraseUser: User;
  /**
   * Signs in with email and password (and `totp`, a one-time or recovery code, once MFA is enabled). Wrong email
   * or password fail the same way, with INVALID_CREDENTIALS; MFA_REQUIRED or INVALID_MFA_CODE when a code is
   * missing or wrong; TOO_MANY_ATTEMPTS (with `extensions.retryAfterSeconds`) after repeated failures.
   * Errors: INVALID_CREDENTIALS, ACCOUNT_LOCKED, MFA_REQUIRED, INVALID_MFA_CODE, TOO_MANY_ATTEMPTS
   */
  login: AuthPayload;
  /**
   * Ends the current session: its refresh token and access tokens stop working at once.
   * Errors: UNAUTHENTICATED, BAD_USER_INPUT
   */
  logout: Scalars['Boolean']['output'];
  /**
   * Ends every session of the signed-in user; returns how many were ended.
   * Errors: UNAUTHENTICATED
   */
  logoutEverywhere: Scalars['Int']['output'];
  /**
   * Exchanges a refresh token for new tokens (rotation). INVALID_REFRESH_TOKEN when used, expired or revoked.
   * Errors: INVALID_REFRESH_TOKEN
   */
  refreshToken: AuthPayload;
  /**
   * Creates a customer and signs them in. Fails with WEAK_PASSWORD (policy in the message), EMAIL_TAKEN or
   * BAD_USER_INPUT.
   * Errors: BAD_USER_INPUT, WEAK_PASSWORD, EMAIL_TAKEN
   */
  register: AuthPayload;
  /**
   * Admin: locks or unlocks a user. Locking ends all the user's sessions at once.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND
   */
  setUserStatus: User;
  /**
   * Updates the signed-in user's profile.
   * Errors: UNAUTHENTICATED, BAD_USER_INPUT
   */
  updateProfile: User;
};


export type MutationChangePasswordArgs = {
  currentPassword: Scalars['String']['input'];
  newPassword: Scalars['String']['input'];
  totp?: InputMaybe<Scalars['String']['input']>;
};


export type MutationConfirmMfaArgs = {
  code: Scalars['String']['input'];
  currentPassword?: InputMaybe<Scalars['String']['input']>;
};


export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


export type MutationDisableMfaArgs = {
  code: Scalars['String']['input'];
  currentPassword?: InputMaybe<Scalars['String']['input']>;
};


export type MutationEnrollMfaArgs = {
  currentPassword?: InputMaybe<Scalars['String']['input']>;
};


export type MutationEraseUserArgs = {
  id: Scalars['ID']['input'];
};


export type MutationLoginArgs = {
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
  totp?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRefreshTokenArgs = {
  token: Scalars['String']['input'];
};


export type MutationRegisterArgs = {
  input: RegisterInput;
};


export type MutationSetUserStatusArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
  status: UserStatus;
};


export type MutationUpdateProfileArgs = {
  input: UpdateProfileInput;
};

/** Relay page information. */
export type PageInfo = {
  __typename?: 'PageInfo';
  /** Cursor of the last edge on the page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  /** Whether more items follow this page. */
  hasNextPage: Scalars['Boolean']['output'];
  /** Whether items precede this page. */
  hasPreviousPage: Scalars['Boolean']['output'];
  /** Cursor of the first edge on the page. */
  startCursor?: Maybe<Scalars['String']['output']>;
};

export type Query = {
  __typename?: 'Query';
  /**
   * Everything the platform holds about the signed-in user (GDPR access request): profile, sessions, security
   * events, accounts, ledger history and notifications. A service that cannot answer is named in `unavailable`.
   */
  exportMyData: Scalars['JSON']['output'];
  /** The signed-in user. Fails with UNAUTHENTICATED without a valid access token. */
  me: User;
  /** A user by id: the user themself, or staff. */
  user?: Maybe<User>;
  /** Staff: search users. `first` is at most 100. */
  users: UserConnection;
};


export type QueryUserArgs = {
  id: Scalars['ID']['input'];
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<UsersFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/** Input of `register`. */
export type RegisterInput = {
  /** Login email; stored trimmed and in lower case. */
  email: Scalars['String']['input'];
  /** Full name. */
  name: Scalars['String']['input'];
  /** At least 12 characters, not a common password, not containing the email's local part. */
  password: Scalars['String']['input'];
};

/** What a user may do on the platform. */
export type Role =
  /** Administrator: manages users, accounts and reversals. */
  | 'ADMIN'
  /** Reads aggregated reporting data. */
  | 'ANALYST'
  /** Reads the audit trail; changes nothing. */
  | 'AUDITOR'
  /** A bank customer: sees and moves only their own money. */
  | 'CUSTOMER'
  /** Branch staff: serves customers, deposits and withdrawals. */
  | 'TELLER';

/** Input of `updateProfile`. */
export type UpdateProfileInput = {
  /** New full name. */
  name?: InputMaybe<Scalars['String']['input']>;
};

/**
 * A person who uses the platform: a customer or a member of staff. Customers may read only themselves;
 * staff (users:read) may read anyone. A signed-in user who reaches another user through the graph (e.g. a
 * transfer's `fromAccount.owner`) sees a counterparty view: `id` and `name` only, every other field is FORBIDDEN;
 * the name is masked (e.g. "B*** O***") until money has moved between the two.
 */
export type User = {
  __typename?: 'User';
  /** When the user was registered. */
  createdAt: Scalars['DateTime']['output'];
  /** Login email, normalised to lower case. */
  email: Scalars['String']['output'];
  /** Stable identifier of the user. Kept as a pseudonym when the user's personal data is erased. */
  id: Scalars['ID']['output'];
  /** Whether sign-in needs a one-time code from an authenticator app (TOTP). */
  mfaEnabled: Scalars['Boolean']['output'];
  /**
   * Full name as shown in the apps. Readable by the user, staff, and any signed-in user who reaches this user as
   * a counterparty through the graph (e.g. the payer of a transfer they received) once money has moved between
   * them; before that a counterparty sees it masked ("B*** O***").
   */
  name: Scalars['String']['output'];
  /** What the user may do on the platform. */
  role: Role;
  /** Whether the user may sign in. */
  status: UserStatus;
};

/** A page of users, by id order. */
export type UserConnection = {
  __typename?: 'UserConnection';
  /** The users on this page. */
  edges: Array<UserEdge>;
  /** Where this page sits in the whole list. */
  pageInfo: PageInfo;
};

/** A user in a list. */
export type UserEdge = {
  __typename?: 'UserEdge';
  /** Opaque cursor to pass as `after` to continue after this edge. */
  cursor: Scalars['String']['output'];
  /** The user. */
  node: User;
};

/** Whether a user may sign in. */
export type UserStatus =
  /** The user may sign in. */
  | 'ACTIVE'
  /** Sign-in is blocked until staff unlock the user. */
  | 'LOCKED';

/** Filters of the `users` list; all optional, combined with AND. */
export type UsersFilter = {
  /** Only users whose email contains this text (case-insensitive). */
  emailContains?: InputMaybe<Scalars['String']['input']>;
  /** Only users with this role. */
  role?: InputMaybe<Role>;
  /** Only users with this status. */
  status?: InputMaybe<UserStatus>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = {
  User: User;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AuthPayload: ResolverTypeWrapper<Omit<AuthPayload, 'user'> & { user: ResolversTypes['User'] }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CreateUserInput: CreateUserInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  ErrorCode: ErrorCode;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  MfaEnrollment: ResolverTypeWrapper<MfaEnrollment>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterInput: RegisterInput;
  Role: Role;
  UpdateProfileInput: UpdateProfileInput;
  User: ResolverTypeWrapper<UserRow>;
  UserConnection: ResolverTypeWrapper<Omit<UserConnection, 'edges'> & { edges: Array<ResolversTypes['UserEdge']> }>;
  UserEdge: ResolverTypeWrapper<Omit<UserEdge, 'node'> & { node: ResolversTypes['User'] }>;
  UserStatus: UserStatus;
  UsersFilter: UsersFilter;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AuthPayload: Omit<AuthPayload, 'user'> & { user: ResolversParentTypes['User'] };
  String: Scalars['String']['output'];
  Int: Scalars['Int']['output'];
  CreateUserInput: CreateUserInput;
  DateTime: Scalars['DateTime']['output'];
  JSON: Scalars['JSON']['output'];
  MfaEnrollment: MfaEnrollment;
  Mutation: Record<PropertyKey, never>;
  Boolean: Scalars['Boolean']['output'];
  ID: Scalars['ID']['output'];
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  RegisterInput: RegisterInput;
  UpdateProfileInput: UpdateProfileInput;
  User: UserRow;
  UserConnection: Omit<UserConnection, 'edges'> & { edges: Array<ResolversParentTypes['UserEdge']> };
  UserEdge: Omit<UserEdge, 'node'> & { node: ResolversParentTypes['User'] };
  UsersFilter: UsersFilter;
};

export type AuthPayloadResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['AuthPayload'] = ResolversParentTypes['AuthPayload']> = {
  accessToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  expiresIn?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  refreshToken?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  tokenType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  user?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type MfaEnrollmentResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['MfaEnrollment'] = ResolversParentTypes['MfaEnrollment']> = {
  otpauthUri?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  recoveryCodes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  changePassword?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationChangePasswordArgs, 'currentPassword' | 'newPassword'>>;
  confirmMfa?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationConfirmMfaArgs, 'code'>>;
  createUser?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationCreateUserArgs, 'input'>>;
  disableMfa?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationDisableMfaArgs, 'code'>>;
  enrollMfa?: Resolver<ResolversTypes['MfaEnrollment'], ParentType, ContextType, Partial<MutationEnrollMfaArgs>>;
  eraseUser?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationEraseUserArgs, 'id'>>;
  login?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationLoginArgs, 'email' | 'password'>>;
  logout?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  logoutEverywhere?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  refreshToken?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationRefreshTokenArgs, 'token'>>;
  register?: Resolver<ResolversTypes['AuthPayload'], ParentType, ContextType, RequireFields<MutationRegisterArgs, 'input'>>;
  setUserStatus?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationSetUserStatusArgs, 'id' | 'reason' | 'status'>>;
  updateProfile?: Resolver<ResolversTypes['User'], ParentType, ContextType, RequireFields<MutationUpdateProfileArgs, 'input'>>;
};

export type PageInfoResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  exportMyData?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  me?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  user?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType, RequireFields<QueryUserArgs, 'id'>>;
  users?: Resolver<ResolversTypes['UserConnection'], ParentType, ContextType, RequireFields<QueryUsersArgs, 'first'>>;
};

export type UserResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  email?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  mfaEnabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  role?: Resolver<ResolversTypes['Role'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['UserStatus'], ParentType, ContextType>;
};

export type UserConnectionResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['UserConnection'] = ResolversParentTypes['UserConnection']> = {
  edges?: Resolver<Array<ResolversTypes['UserEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type UserEdgeResolvers<ContextType = UsersContext, ParentType extends ResolversParentTypes['UserEdge'] = ResolversParentTypes['UserEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
};

export type Resolvers<ContextType = UsersContext> = {
  AuthPayload?: AuthPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  JSON?: GraphQLScalarType;
  MfaEnrollment?: MfaEnrollmentResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
  UserConnection?: UserConnectionResolvers<ContextType>;
  UserEdge?: UserEdgeResolvers<ContextType>;
};

