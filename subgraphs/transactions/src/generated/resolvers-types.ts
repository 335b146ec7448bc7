import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { AccountRef, TransactionView, PostingView, TransactionEdgeView, TransactionConnectionView, LedgerSliceView, LedgerSliceEntryView } from '../mappers.js';
import type { TransactionsContext } from '../context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
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

/** A bank account, as the ledger sees it: its balance and its history. */
export type Account = {
  __typename?: 'Account';
  /** Posted balance: the sum of all postings to the account. Readable by the owner and staff. */
  balance: Money;
  id: Scalars['ID']['output'];
  /**
   * The account's ledger history, newest first, as a Relay connection. Readable by the owner and staff.
   * `first` is at most 100.
   */
  transactions: TransactionConnection;
};


/** A bank account, as the ledger sees it: its balance and its history. */
export type AccountTransactionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

/**
 * The postings of one account within a period, with the balances around it. Internal: read by the reporting
 * service to build statements, not exposed through the router.
 */
export type LedgerSlice = {
  __typename?: 'LedgerSlice';
  accountId: Scalars['ID']['output'];
  /** Balance in minor units just before `to`. */
  closingBalanceMinor: Scalars['String']['output'];
  currency: Scalars['String']['output'];
  entries: Array<LedgerSliceEntry>;
  /** Balance in minor units just before `from`. */
  openingBalanceMinor: Scalars['String']['output'];
};

/** One posting in a ledger slice. Internal. */
export type LedgerSliceEntry = {
  __typename?: 'LedgerSliceEntry';
  amountMinor: Scalars['String']['output'];
  balanceAfterMinor: Scalars['String']['output'];
  kind: TransactionKind;
  postedAt: Scalars['DateTime']['output'];
  reference?: Maybe<Scalars['String']['output']>;
  transactionId: Scalars['ID']['output'];
};

/** An amount of money: an exact decimal string with the currency's ISO 4217 number of decimals. */
export type Money = {
  __typename?: 'Money';
  /** Decimal string, e.g. "1250.00" for USD, "1250" for JPY, "1.250" for BHD. Never a float. */
  amount: Scalars['String']['output'];
  /** ISO 4217 currency code. */
  currency: Scalars['String']['output'];
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

/** One leg of a transaction on one account. */
export type Posting = {
  __typename?: 'Posting';
  /** The account this leg is posted to. */
  account: Account;
  /** Signed amount: positive credits the account, negative debits it. */
  amount: Money;
  /** The account's balance right after this posting. */
  balanceAfter: Money;
};

export type Query = {
  __typename?: 'Query';
  /** Internal: an account's postings in [from, to). Used by the reporting service. */
  ledgerSlice?: Maybe<LedgerSlice>;
  /** A transaction by id, for staff or the owner of one of its accounts. Null when it does not exist. */
  transaction?: Maybe<Transaction>;
};


export type QueryLedgerSliceArgs = {
  accountId: Scalars['ID']['input'];
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryTransactionArgs = {
  id: Scalars['ID']['input'];
};

/** A money movement in the double-entry ledger: a set of postings that sums to zero. Never changed once written. */
export type Transaction = {
  __typename?: 'Transaction';
  /** The amount moved (always positive). */
  amount: Money;
  /** When the transaction was posted. */
  createdAt: Scalars['DateTime']['output'];
  /** Stable identifier of the transaction. */
  id: Scalars['ID']['output'];
  /** What kind of movement this is. */
  kind: TransactionKind;
  /** The transaction's legs: credits are positive, debits negative; they sum to zero. */
  postings: Array<Posting>;
  /** Free text given by whoever initiated the movement. */
  reference?: Maybe<Scalars['String']['output']>;
};

/** A page of an account's ledger history. */
export type TransactionConnection = {
  __typename?: 'TransactionConnection';
  /** The transactions on this page, newest first. */
  edges: Array<TransactionEdge>;
  /** Where this page sits in the whole history. */
  pageInfo: PageInfo;
};

/** A transaction in an account's history, with that account's own leg. */
export type TransactionEdge = {
  __typename?: 'TransactionEdge';
  /** Opaque cursor to pass as `after` to continue after this edge. */
  cursor: Scalars['String']['output'];
  /** The transaction. */
  node: Transaction;
  /** This account's leg of the transaction (signed amount and balance after it). */
  posting: Posting;
};

/** Kinds of money movement. */
export type TransactionKind =
  /** Money paid in at the bank. */
  | 'DEPOSIT'
  /** The exact opposite of an earlier transaction. */
  | 'REVERSAL'
  /** Money moved between two accounts. */
  | 'TRANSFER'
  /** Money paid out at the bank. */
  | 'WITHDRAWAL';



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
  Account: Account;
  Transaction: Transaction;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Account:
    ( { __typename: 'Account' }
    & GraphQLRecursivePick<FederationTypes['Account'], {"id":true}> );
  Transaction:
    ( { __typename: 'Transaction' }
    & GraphQLRecursivePick<FederationTypes['Transaction'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Account: ResolverTypeWrapper<AccountRef>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  LedgerSlice: ResolverTypeWrapper<LedgerSliceView>;
  LedgerSliceEntry: ResolverTypeWrapper<LedgerSliceEntryView>;
  Money: ResolverTypeWrapper<Money>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Posting: ResolverTypeWrapper<PostingView>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Transaction: ResolverTypeWrapper<TransactionView>;
  TransactionConnection: ResolverTypeWrapper<TransactionConnectionView>;
  TransactionEdge: ResolverTypeWrapper<TransactionEdgeView>;
  TransactionKind: TransactionKind;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Account: AccountRef;
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  Int: Scalars['Int']['output'];
  DateTime: Scalars['DateTime']['output'];
  LedgerSlice: LedgerSliceView;
  LedgerSliceEntry: LedgerSliceEntryView;
  Money: Money;
  PageInfo: PageInfo;
  Boolean: Scalars['Boolean']['output'];
  Posting: PostingView;
  Query: Record<PropertyKey, never>;
  Transaction: TransactionView;
  TransactionConnection: TransactionConnectionView;
  TransactionEdge: TransactionEdgeView;
};

export type AccountResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account'], FederationReferenceType extends FederationReferenceTypes['Account'] = FederationReferenceTypes['Account']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Account']> | FederationReferenceType, FederationReferenceType, ContextType>;
  balance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  transactions?: Resolver<ResolversTypes['TransactionConnection'], ParentType, ContextType, RequireFields<AccountTransactionsArgs, 'first'>>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type LedgerSliceResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['LedgerSlice'] = ResolversParentTypes['LedgerSlice']> = {
  accountId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  closingBalanceMinor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  entries?: Resolver<Array<ResolversTypes['LedgerSliceEntry']>, ParentType, ContextType>;
  openingBalanceMinor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type LedgerSliceEntryResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['LedgerSliceEntry'] = ResolversParentTypes['LedgerSliceEntry']> = {
  amountMinor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  balanceAfterMinor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['TransactionKind'], ParentType, ContextType>;
  postedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  reference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  transactionId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type MoneyResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PostingResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Posting'] = ResolversParentTypes['Posting']> = {
  account?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  balanceAfter?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  ledgerSlice?: Resolver<Maybe<ResolversTypes['LedgerSlice']>, ParentType, ContextType, RequireFields<QueryLedgerSliceArgs, 'accountId' | 'from' | 'to'>>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType, RequireFields<QueryTransactionArgs, 'id'>>;
};

export type TransactionResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction'], FederationReferenceType extends FederationReferenceTypes['Transaction'] = FederationReferenceTypes['Transaction']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Transaction']> | FederationReferenceType, FederationReferenceType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['TransactionKind'], ParentType, ContextType>;
  postings?: Resolver<Array<ResolversTypes['Posting']>, ParentType, ContextType>;
  reference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type TransactionConnectionResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['TransactionConnection'] = ResolversParentTypes['TransactionConnection']> = {
  edges?: Resolver<Array<ResolversTypes['TransactionEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type TransactionEdgeResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['TransactionEdge'] = ResolversParentTypes['TransactionEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType>;
  posting?: Resolver<ResolversTypes['Posting'], ParentType, ContextType>;
};

export type Resolvers<ContextType = TransactionsContext> = {
  Account?: AccountResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  LedgerSlice?: LedgerSliceResolvers<ContextType>;
  LedgerSliceEntry?: LedgerSliceEntryResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Posting?: PostingResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
  TransactionConnection?: TransactionConnectionResolvers<ContextType>;
  TransactionEdge?: TransactionEdgeResolvers<ContextType>;
};

