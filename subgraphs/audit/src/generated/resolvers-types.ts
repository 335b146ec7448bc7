import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { AuditEvent as AuditEventRow } from '../../../../kernel/generated/prisma/client.js';
import type { AuditContext } from '../context.js';
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
  _FieldSet: { input: unknown; output: unknown; }
};

/** The result of recomputing the hash chain over a range of sequences. */
export type AuditChainVerification = {
  __typename?: 'AuditChainVerification';
  /** Records checked, up to and including the first invalid one. */
  checked: Scalars['Int']['output'];
  /** Sequence of the first record whose hash, link or position is wrong (a decimal string); null when valid. */
  firstInvalidSequence?: Maybe<Scalars['String']['output']>;
  /** True when every checked record's hash and link are intact and the sequences are contiguous. */
  valid: Scalars['Boolean']['output'];
};

/**
 * The head of the audit chain, signed by the audit service (Ed25519), to be stored outside the system: any later
 * change to a record at or before `headSequence` changes the hashes up to the head, so the stored digest no
 * longer matches (docs/audit.md, `npm run verify:audit`).
 */
export type AuditDigest = {
  __typename?: 'AuditDigest';
  /** Always Ed25519. */
  algorithm: Scalars['String']['output'];
  /** Hash of the last record (hex SHA-256; 64 zeros for an empty trail). */
  headHash: Scalars['String']['output'];
  /** Sequence of the last record (a decimal string; 0 for an empty trail). */
  headSequence: Scalars['String']['output'];
  /** When the digest was issued. */
  issuedAt: Scalars['DateTime']['output'];
  /** Identifier of the signing key (hex SHA-256 of its public key, first 16 bytes). */
  keyId: Scalars['String']['output'];
  /** The exact bytes signed: canonical JSON of the fields above except publicKey. */
  message: Scalars['String']['output'];
  /** The signing key's public key (SPKI PEM); also served at the audit service's /.well-known/audit-key. */
  publicKey: Scalars['String']['output'];
  /** Ed25519 signature of `message` (base64). */
  signature: Scalars['String']['output'];
};

/** One record of the append-only, hash-chained audit trail: who did what, to what, when, and with what outcome. */
export type AuditEvent = {
  __typename?: 'AuditEvent';
  /** What was done, e.g. user.login, account.opened. */
  action: Scalars['String']['output'];
  /** Who did it, when a user did. */
  actor?: Maybe<User>;
  /** The actor's role at the time. */
  actorRole?: Maybe<Scalars['String']['output']>;
  /** The client's IP address, as the router saw it. */
  clientIp?: Maybe<Scalars['String']['output']>;
  /** Context of the action (the mutation's arguments ...) as canonical JSON, secrets and personal data redacted. */
  details: Scalars['String']['output'];
  /** Identifier of the object acted on. */
  entityId?: Maybe<Scalars['String']['output']>;
  /** Kind of object acted on, e.g. User, Account. */
  entityType: Scalars['String']['output'];
  /** The stable error code (`extensions.code`) of a failed or denied action. */
  errorCode?: Maybe<Scalars['String']['output']>;
  /** Hash of this record's content and the previous hash (hex SHA-256). */
  hash: Scalars['String']['output'];
  /** Stable identifier of the record. */
  id: Scalars['ID']['output'];
  /** When it happened. */
  occurredAt: Scalars['DateTime']['output'];
  /** How it ended. */
  outcome: AuditOutcome;
  /** Hash of the previous record (hex SHA-256). */
  prevHash: Scalars['String']['output'];
  /** The router's request id (the `x-request-id` response header), shared by every service the request reached. */
  requestId?: Maybe<Scalars['String']['output']>;
  /** Position in the chain (a decimal string; 64-bit). */
  sequence: Scalars['String']['output'];
  /** The actor's session, when the action was made with an access token. */
  sessionId?: Maybe<Scalars['ID']['output']>;
  /** The event stream the record arrived on: users, accounts, ledger, notifications, reporting or router. */
  source?: Maybe<Scalars['String']['output']>;
  /** The client's user agent. */
  userAgent?: Maybe<Scalars['String']['output']>;
};

/** A page of audit records, newest first. */
export type AuditEventConnection = {
  __typename?: 'AuditEventConnection';
  /** The records on this page. */
  edges: Array<AuditEventEdge>;
  /** Where this page sits in the whole trail. */
  pageInfo: PageInfo;
};

/** An audit record in a list. */
export type AuditEventEdge = {
  __typename?: 'AuditEventEdge';
  /** Opaque cursor to pass as `after` to continue after this edge. */
  cursor: Scalars['String']['output'];
  /** The record. */
  node: AuditEvent;
};

/** Which audit records to list; every given criterion must match. */
export type AuditEventFilter = {
  /** Records of this action, e.g. `transfer`, `security.login_failed`, `router.authorization_denied`. */
  action?: InputMaybe<Scalars['String']['input']>;
  /** Records of this user's actions. */
  actorId?: InputMaybe<Scalars['ID']['input']>;
  /** Records about this object (combine with entityType). */
  entityId?: InputMaybe<Scalars['String']['input']>;
  /** Records about this kind of object, e.g. Account. */
  entityType?: InputMaybe<Scalars['String']['input']>;
  /** Records at or after this time. */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  /** Records with this outcome. */
  outcome?: InputMaybe<AuditOutcome>;
  /** Records of one request (its `x-request-id`). */
  requestId?: InputMaybe<Scalars['String']['input']>;
  /** Records before this time. */
  to?: InputMaybe<Scalars['DateTime']['input']>;
};

/** How an audited action ended. */
export type AuditOutcome =
  /** It was refused by authorization. */
  | 'DENIED'
  /** It failed. */
  | 'FAILURE'
  /** It succeeded. */
  | 'SUCCESS';

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
  /** The signed head of the audit chain, to keep outside the system. For AUDITOR and ADMIN only. */
  auditDigest: AuditDigest;
  /** The audit trail, newest first, optionally filtered. For AUDITOR and ADMIN only. `first` is at most 200. */
  auditEvents: AuditEventConnection;
  /**
   * Recomputes the hash chain between two sequences (inclusive; decimal strings; the whole chain by default)
   * and reports the first broken link. For AUDITOR and ADMIN only.
   */
  verifyAuditChain: AuditChainVerification;
};


export type QueryAuditEventsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditEventFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryVerifyAuditChainArgs = {
  fromSequence?: InputMaybe<Scalars['String']['input']>;
  toSequence?: InputMaybe<Scalars['String']['input']>;
};

export type User = {
  __typename?: 'User';
  id: Scalars['ID']['output'];
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
  AuditEvent: AuditEvent;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  AuditEvent:
    ( { __typename: 'AuditEvent' }
    & GraphQLRecursivePick<FederationTypes['AuditEvent'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AuditChainVerification: ResolverTypeWrapper<AuditChainVerification>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  AuditDigest: ResolverTypeWrapper<AuditDigest>;
  AuditEvent: ResolverTypeWrapper<AuditEventRow>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AuditEventConnection: ResolverTypeWrapper<Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversTypes['AuditEventEdge']> }>;
  AuditEventEdge: ResolverTypeWrapper<Omit<AuditEventEdge, 'node'> & { node: ResolversTypes['AuditEvent'] }>;
  AuditEventFilter: AuditEventFilter;
  AuditOutcome: AuditOutcome;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  User: ResolverTypeWrapper<User>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AuditChainVerification: AuditChainVerification;
  Int: Scalars['Int']['output'];
  String: Scalars['String']['output'];
  Boolean: Scalars['Boolean']['output'];
  AuditDigest: AuditDigest;
  AuditEvent: AuditEventRow;
  ID: Scalars['ID']['output'];
  AuditEventConnection: Omit<AuditEventConnection, 'edges'> & { edges: Array<ResolversParentTypes['AuditEventEdge']> };
  AuditEventEdge: Omit<AuditEventEdge, 'node'> & { node: ResolversParentTypes['AuditEvent'] };
  AuditEventFilter: AuditEventFilter;
  DateTime: Scalars['DateTime']['output'];
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  User: User;
};

export type AuditChainVerificationResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditChainVerification'] = ResolversParentTypes['AuditChainVerification']> = {
  checked?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  firstInvalidSequence?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  valid?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type AuditDigestResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditDigest'] = ResolversParentTypes['AuditDigest']> = {
  algorithm?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  headHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  headSequence?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  issuedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  keyId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  publicKey?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  signature?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AuditEventResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditEvent'] = ResolversParentTypes['AuditEvent'], FederationReferenceType extends FederationReferenceTypes['AuditEvent'] = FederationReferenceTypes['AuditEvent']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['AuditEvent']> | FederationReferenceType, FederationReferenceType, ContextType>;
  action?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  actor?: Resolver<Maybe<ResolversTypes['User']>, ParentType, ContextType>;
  actorRole?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  clientIp?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  details?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  entityId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  entityType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  errorCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  occurredAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['AuditOutcome'], ParentType, ContextType>;
  prevHash?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  requestId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  sequence?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sessionId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  source?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  userAgent?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type AuditEventConnectionResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditEventConnection'] = ResolversParentTypes['AuditEventConnection']> = {
  edges?: Resolver<Array<ResolversTypes['AuditEventEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type AuditEventEdgeResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['AuditEventEdge'] = ResolversParentTypes['AuditEventEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditEvent'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type PageInfoResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  auditDigest?: Resolver<ResolversTypes['AuditDigest'], ParentType, ContextType>;
  auditEvents?: Resolver<ResolversTypes['AuditEventConnection'], ParentType, ContextType, RequireFields<QueryAuditEventsArgs, 'first'>>;
  verifyAuditChain?: Resolver<ResolversTypes['AuditChainVerification'], ParentType, ContextType, Partial<QueryVerifyAuditChainArgs>>;
};

export type UserResolvers<ContextType = AuditContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type Resolvers<ContextType = AuditContext> = {
  AuditChainVerification?: AuditChainVerificationResolvers<ContextType>;
  AuditDigest?: AuditDigestResolvers<ContextType>;
  AuditEvent?: AuditEventResolvers<ContextType>;
  AuditEventConnection?: AuditEventConnectionResolvers<ContextType>;
  AuditEventEdge?: AuditEventEdgeResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
};

