import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { AccountRef, TransactionView, PostingView, TransactionEdgeView, TransactionConnectionView, LedgerSliceView, LedgerSliceEntryView, TransactionResultView, HoldResultView, LedgerAccountStateView } from '../mappers.js';
import type { Hold as HoldRow } from '../../../../kernel/generated/prisma/client.js';
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
  /**
   * Balance minus the account's active (pending, unexpired) holds. The overdraft limit (accounts subgraph,
   * `overdraftLimit`) comes on top of it. Readable by the owner and staff.
   */
  availableBalance: Money;
  /** Posted balance: the sum of all postings to the account. Readable by the owner and staff. */
  balance: Money;
  /** The account's pending, unexpired holds, oldest first. Readable by the owner and staff. */
  holds: Array<Hold>;
  id: Scalars['ID']['output'];
  /**
   * The account's ledger history, newest first, as a Relay connection. Readable by the owner and staff.
   * Page forward with `first`/`after`, backward with `last`/`before`; at most 100 per page.
   */
  transactions: TransactionConnection;
};


/** A bank account, as the ledger sees it: its balance and its history. */
export type AccountTransactionsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<TransactionFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

/** Part or all of a hold to settle. */
export type CaptureInput = {
  /** Amount to move, at most the held amount; the whole hold when omitted. The rest is released. */
  amount?: InputMaybe<Scalars['String']['input']>;
  /** The hold to capture. */
  holdId: Scalars['ID']['input'];
  /** Unique per caller for each distinct request. */
  idempotencyKey: Scalars['String']['input'];
};

/** A teller's cash deposit into a customer account. */
export type DepositInput = {
  /** The account credited (id or number: give exactly one). */
  accountId?: InputMaybe<Scalars['ID']['input']>;
  /** The account credited, by IBAN-style number. */
  accountNumber?: InputMaybe<Scalars['String']['input']>;
  /** Decimal string in the account's currency, e.g. "100.00". */
  amount: Scalars['String']['input'];
  /** Unique per caller for each distinct request; a retry with the same key and input returns the original result. */
  idempotencyKey: Scalars['String']['input'];
  /** Free text shown in the history. */
  reference?: InputMaybe<Scalars['String']['input']>;
};

/** A reservation of funds on a source account, to be captured (fully or partly) or voided later. */
export type Hold = {
  __typename?: 'Hold';
  /** The account the funds are reserved on. */
  account: Account;
  /** The amount reserved. */
  amount: Money;
  /** The amount captured, when CAPTURED. */
  capturedAmount?: Maybe<Money>;
  /** When the hold was placed. */
  createdAt: Scalars['DateTime']['output'];
  /** When a pending hold stops reserving funds. */
  expiresAt: Scalars['DateTime']['output'];
  /** Stable identifier of the hold. */
  id: Scalars['ID']['output'];
  /** Free text given by whoever placed the hold. */
  reference?: Maybe<Scalars['String']['output']>;
  /** PENDING until captured, voided or expired. */
  status: HoldStatus;
  /** The account a capture pays. */
  toAccount: Account;
  /** The transfer that settled the hold, when CAPTURED. */
  transaction?: Maybe<Transaction>;
};

/** Result of placing or voiding a hold. */
export type HoldResult = {
  __typename?: 'HoldResult';
  /** The hold. */
  hold: Hold;
  /** True when this answers a retry of an earlier request with the same idempotency key. */
  replayed: Scalars['Boolean']['output'];
};

/** Lifecycle of a hold. */
export type HoldStatus =
  /** Settled by a transfer of the captured amount (at most the held amount). */
  | 'CAPTURED'
  /** Not captured in time: no longer reserves funds, can no longer be captured. */
  | 'EXPIRED'
  /** Reserving funds: counts against the available balance. */
  | 'PENDING'
  /** Released without moving money. */
  | 'VOIDED';

/**
 * The ledger's record of an account's lifecycle state. Internal: written by the accounts service before its
 * own lifecycle mutations return, never exposed through the router.
 */
export type LedgerAccountState = {
  __typename?: 'LedgerAccountState';
  accountId: Scalars['ID']['output'];
  status: Scalars['String']['output'];
  /** Incremented on every status change; the accounts service applies changes in this order. */
  statusVersion: Scalars['Int']['output'];
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

/** Counts and volume of one metric in one currency over a period. Internal. */
export type LedgerTotals = {
  __typename?: 'LedgerTotals';
  /** Integer as a decimal string. */
  count: Scalars['String']['output'];
  currency: Scalars['String']['output'];
  /** DEPOSIT, WITHDRAWAL, TRANSFER, REVERSAL (posted transactions) or ACCOUNT_OPENED (customer accounts registered). */
  metric: Scalars['String']['output'];
  /** Sum of the amounts in minor units, as a decimal string (0 for ACCOUNT_OPENED). */
  volumeMinor: Scalars['String']['output'];
};

/** An amount of money: an exact decimal string with the currency's ISO 4217 number of decimals. */
export type Money = {
  __typename?: 'Money';
  /** Decimal string, e.g. "1250.00" for USD, "1250" for JPY, "1.250" for BHD. Never a float. */
  amount: Scalars['String']['output'];
  /** ISO 4217 currency code. */
  currency: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Reserves funds on the source account for a later capture: the available balance drops, the balance does not.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, INVALID_ACCOUNT_NUMBER, INVALID_AMOUNT, SAME_ACCOUNT, CURRENCY_MISMATCH, INSUFFICIENT_FUNDS, ACCOUNT_FROZEN, ACCOUNT_CLOSED, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_CONFLICT, RATE_LIMITED
   */
  authorizeTransfer: HoldResult;
  /**
   * Settles a pending hold with a transfer of all or part of it; the rest is released.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, INVALID_AMOUNT, HOLD_NOT_PENDING, ACCOUNT_FROZEN, ACCOUNT_CLOSED, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_CONFLICT
   */
  captureTransfer: TransactionResult;
  /**
   * Teller/admin: cash paid in to a customer account.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, INVALID_ACCOUNT_NUMBER, INVALID_AMOUNT, ACCOUNT_CLOSED, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_CONFLICT
   */
  deposit: TransactionResult;
  /**
   * Internal (accounts service): records a new customer account; usable as soon as this returns.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, INVALID_ACCOUNT_NUMBER, INVALID_STATE
   */
  registerLedgerAccount: LedgerAccountState;
  /**
   * Admin: posts the exact opposite of a transaction. A transaction can be reversed once.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, INVALID_STATE, ALREADY_REVERSED, INSUFFICIENT_FUNDS, ACCOUNT_FROZEN, ACCOUNT_CLOSED, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_CONFLICT
   */
  reverseTransaction: TransactionResult;
  /**
   * Internal (accounts service): sets an account's status under its ledger lock, after in-flight debits;
   * every debit that starts after this returns sees the new status.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, INVALID_STATE, ACCOUNT_NOT_EMPTY
   */
  setLedgerAccountState: LedgerAccountState;
  /**
   * Moves money from one of the caller's accounts (any account for staff) to another account.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, INVALID_ACCOUNT_NUMBER, INVALID_AMOUNT, SAME_ACCOUNT, CURRENCY_MISMATCH, INSUFFICIENT_FUNDS, ACCOUNT_FROZEN, ACCOUNT_CLOSED, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_CONFLICT, RATE_LIMITED
   */
  transfer: TransactionResult;
  /**
   * Releases a pending hold without moving money.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, HOLD_NOT_PENDING, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_CONFLICT
   */
  voidTransfer: HoldResult;
  /**
   * Teller/admin: cash paid out of a customer account.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, INVALID_ACCOUNT_NUMBER, INVALID_AMOUNT, INSUFFICIENT_FUNDS, ACCOUNT_FROZEN, ACCOUNT_CLOSED, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_CONFLICT
   */
  withdraw: TransactionResult;
};


export type MutationAuthorizeTransferArgs = {
  input: TransferInput;
};


export type MutationCaptureTransferArgs = {
  input: CaptureInput;
};


export type MutationDepositArgs = {
  input: DepositInput;
};


export type MutationRegisterLedgerAccountArgs = {
  input: RegisterLedgerAccountInput;
};


export type MutationReverseTransactionArgs = {
  id: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
  reason: Scalars['String']['input'];
};


export type MutationSetLedgerAccountStateArgs = {
  accountId: Scalars['ID']['input'];
  status: Scalars['String']['input'];
};


export type MutationTransferArgs = {
  input: TransferInput;
};


export type MutationVoidTransferArgs = {
  holdId: Scalars['ID']['input'];
  idempotencyKey: Scalars['String']['input'];
};


export type MutationWithdrawArgs = {
  input: WithdrawInput;
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
  /** The customer account this leg is posted to; null on the bank's own side of a deposit or withdrawal. */
  account?: Maybe<Account>;
  /** Signed amount: positive credits the account, negative debits it. */
  amount: Money;
  /**
   * The account's balance right after this posting. Shown to the account's owner and to staff only: null on
   * another customer's leg of a transfer and on the bank's side.
   */
  balanceAfter?: Maybe<Money>;
  /** True when this leg is the bank's settlement account for the currency (the other side of a deposit or withdrawal). */
  bankSide: Scalars['Boolean']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** A hold by id, for staff or the owner of its source account. Null when it does not exist. */
  hold?: Maybe<Hold>;
  /**
   * Internal: which of these users the caller has exchanged money with (a posted transaction between an account
   * of the caller and one of theirs). Used by the users service to show a counterparty's full name only then.
   */
  ledgerCounterparties: Array<Scalars['ID']['output']>;
  /** Internal: an account's postings in [from, to). Used by the reporting service. */
  ledgerSlice?: Maybe<LedgerSlice>;
  /** Internal: bank-wide counts and volumes in [from, to) (at most 32 days). Used by reporting's reconciliation. */
  ledgerTotals: Array<LedgerTotals>;
  /** A transaction by id, for staff or the owner of one of its accounts. Null when it does not exist. */
  transaction?: Maybe<Transaction>;
};


export type QueryHoldArgs = {
  id: Scalars['ID']['input'];
};


export type QueryLedgerCounterpartiesArgs = {
  userIds: Array<Scalars['ID']['input']>;
};


export type QueryLedgerSliceArgs = {
  accountId: Scalars['ID']['input'];
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryLedgerTotalsArgs = {
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryTransactionArgs = {
  id: Scalars['ID']['input'];
};

/** Internal: a new customer account for the ledger. */
export type RegisterLedgerAccountInput = {
  accountId: Scalars['ID']['input'];
  currency: Scalars['String']['input'];
  number: Scalars['String']['input'];
  overdraftLimitMinor: Scalars['String']['input'];
  ownerId: Scalars['ID']['input'];
};

/** A money movement in the double-entry ledger: a set of postings that sums to zero. Never changed once written. */
export type Transaction = {
  __typename?: 'Transaction';
  /** The amount moved (always positive). */
  amount: Money;
  /** When the transaction was posted. */
  createdAt: Scalars['DateTime']['output'];
  /**
   * The customer account debited (the payer's, for a transfer). Null when the bank's side is debited, as for a
   * deposit. For a reversal: the account its own postings debit (the original's credited account).
   */
  fromAccount?: Maybe<Account>;
  /** Stable identifier of the transaction. */
  id: Scalars['ID']['output'];
  /** What kind of movement this is. */
  kind: TransactionKind;
  /** The transaction's legs: credits are positive, debits negative; they sum to zero. */
  postings: Array<Posting>;
  /** Free text given by whoever initiated the movement. */
  reference?: Maybe<Scalars['String']['output']>;
  /** The reversal of this transaction, if it has been reversed. */
  reversedBy?: Maybe<Transaction>;
  /** For a reversal: the transaction it reverses. */
  reverses?: Maybe<Transaction>;
  /**
   * The customer account credited (the payee's, for a transfer). Null when the bank's side is credited, as for a
   * withdrawal. For a reversal: the account its own postings credit (the original's debited account).
   */
  toAccount?: Maybe<Account>;
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

/** Narrows an account's history. All conditions must hold. */
export type TransactionFilter = {
  /** Only transactions posted at or after this instant. */
  from?: InputMaybe<Scalars['DateTime']['input']>;
  /** Only transactions of these kinds. */
  kind?: InputMaybe<Array<TransactionKind>>;
  /** Only transactions moving at least this amount (decimal string in the account's currency). */
  minAmount?: InputMaybe<Scalars['String']['input']>;
  /** Only transactions posted before this instant. */
  to?: InputMaybe<Scalars['DateTime']['input']>;
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

/** Result of a money-moving mutation. */
export type TransactionResult = {
  __typename?: 'TransactionResult';
  /** True when this answers a retry of an earlier request with the same idempotency key (nothing moved again). */
  replayed: Scalars['Boolean']['output'];
  /** The posted transaction. */
  transaction: Transaction;
};

/** Money moved between two accounts of the same currency. */
export type TransferInput = {
  /** Decimal string in the accounts' currency, e.g. "12.50". */
  amount: Scalars['String']['input'];
  /** The account debited: the caller's own, or any for staff. */
  fromAccountId: Scalars['ID']['input'];
  /** Unique per caller for each distinct request. */
  idempotencyKey: Scalars['String']['input'];
  /** Free text shown in both histories. */
  reference?: InputMaybe<Scalars['String']['input']>;
  /** The account credited (id or number: give exactly one). */
  toAccountId?: InputMaybe<Scalars['ID']['input']>;
  /** The account credited, by IBAN-style number (mod-97 checked). */
  toAccountNumber?: InputMaybe<Scalars['String']['input']>;
};

/** A teller's cash withdrawal from a customer account. */
export type WithdrawInput = {
  /** The account debited (id or number: give exactly one). */
  accountId?: InputMaybe<Scalars['ID']['input']>;
  /** The account debited, by IBAN-style number. */
  accountNumber?: InputMaybe<Scalars['String']['input']>;
  /** Decimal string in the account's currency. */
  amount: Scalars['String']['input'];
  /** Unique per caller for each distinct request. */
  idempotencyKey: Scalars['String']['input'];
  /** Free text shown in the history. */
  reference?: InputMaybe<Scalars['String']['input']>;
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
  Account: Account;
  Hold: Hold;
  Transaction: Transaction;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Account:
    ( { __typename: 'Account' }
    & GraphQLRecursivePick<FederationTypes['Account'], {"id":true}> );
  Hold:
    ( { __typename: 'Hold' }
    & GraphQLRecursivePick<FederationTypes['Hold'], {"id":true}> );
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
  CaptureInput: CaptureInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  DepositInput: DepositInput;
  Hold: ResolverTypeWrapper<HoldRow>;
  HoldResult: ResolverTypeWrapper<HoldResultView>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  HoldStatus: HoldStatus;
  LedgerAccountState: ResolverTypeWrapper<LedgerAccountStateView>;
  LedgerSlice: ResolverTypeWrapper<LedgerSliceView>;
  LedgerSliceEntry: ResolverTypeWrapper<LedgerSliceEntryView>;
  LedgerTotals: ResolverTypeWrapper<LedgerTotals>;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Posting: ResolverTypeWrapper<PostingView>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  RegisterLedgerAccountInput: RegisterLedgerAccountInput;
  Transaction: ResolverTypeWrapper<TransactionView>;
  TransactionConnection: ResolverTypeWrapper<TransactionConnectionView>;
  TransactionEdge: ResolverTypeWrapper<TransactionEdgeView>;
  TransactionFilter: TransactionFilter;
  TransactionKind: TransactionKind;
  TransactionResult: ResolverTypeWrapper<TransactionResultView>;
  TransferInput: TransferInput;
  WithdrawInput: WithdrawInput;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Account: AccountRef;
  ID: Scalars['ID']['output'];
  String: Scalars['String']['output'];
  Int: Scalars['Int']['output'];
  CaptureInput: CaptureInput;
  DateTime: Scalars['DateTime']['output'];
  DepositInput: DepositInput;
  Hold: HoldRow;
  HoldResult: HoldResultView;
  Boolean: Scalars['Boolean']['output'];
  LedgerAccountState: LedgerAccountStateView;
  LedgerSlice: LedgerSliceView;
  LedgerSliceEntry: LedgerSliceEntryView;
  LedgerTotals: LedgerTotals;
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  PageInfo: PageInfo;
  Posting: PostingView;
  Query: Record<PropertyKey, never>;
  RegisterLedgerAccountInput: RegisterLedgerAccountInput;
  Transaction: TransactionView;
  TransactionConnection: TransactionConnectionView;
  TransactionEdge: TransactionEdgeView;
  TransactionFilter: TransactionFilter;
  TransactionResult: TransactionResultView;
  TransferInput: TransferInput;
  WithdrawInput: WithdrawInput;
};

export type AccountResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account'], FederationReferenceType extends FederationReferenceTypes['Account'] = FederationReferenceTypes['Account']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Account']> | FederationReferenceType, FederationReferenceType, ContextType>;
  availableBalance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  balance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  holds?: Resolver<Array<ResolversTypes['Hold']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  transactions?: Resolver<ResolversTypes['TransactionConnection'], ParentType, ContextType, Partial<AccountTransactionsArgs>>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type HoldResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Hold'] = ResolversParentTypes['Hold'], FederationReferenceType extends FederationReferenceTypes['Hold'] = FederationReferenceTypes['Hold']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Hold']> | FederationReferenceType, FederationReferenceType, ContextType>;
  account?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  capturedAmount?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  reference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['HoldStatus'], ParentType, ContextType>;
  toAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
};

export type HoldResultResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['HoldResult'] = ResolversParentTypes['HoldResult']> = {
  hold?: Resolver<ResolversTypes['Hold'], ParentType, ContextType>;
  replayed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type LedgerAccountStateResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['LedgerAccountState'] = ResolversParentTypes['LedgerAccountState']> = {
  accountId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  statusVersion?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

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

export type LedgerTotalsResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['LedgerTotals'] = ResolversParentTypes['LedgerTotals']> = {
  count?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  metric?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  volumeMinor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MoneyResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  authorizeTransfer?: Resolver<ResolversTypes['HoldResult'], ParentType, ContextType, RequireFields<MutationAuthorizeTransferArgs, 'input'>>;
  captureTransfer?: Resolver<ResolversTypes['TransactionResult'], ParentType, ContextType, RequireFields<MutationCaptureTransferArgs, 'input'>>;
  deposit?: Resolver<ResolversTypes['TransactionResult'], ParentType, ContextType, RequireFields<MutationDepositArgs, 'input'>>;
  registerLedgerAccount?: Resolver<ResolversTypes['LedgerAccountState'], ParentType, ContextType, RequireFields<MutationRegisterLedgerAccountArgs, 'input'>>;
  reverseTransaction?: Resolver<ResolversTypes['TransactionResult'], ParentType, ContextType, RequireFields<MutationReverseTransactionArgs, 'id' | 'idempotencyKey' | 'reason'>>;
  setLedgerAccountState?: Resolver<ResolversTypes['LedgerAccountState'], ParentType, ContextType, RequireFields<MutationSetLedgerAccountStateArgs, 'accountId' | 'status'>>;
  transfer?: Resolver<ResolversTypes['TransactionResult'], ParentType, ContextType, RequireFields<MutationTransferArgs, 'input'>>;
  voidTransfer?: Resolver<ResolversTypes['HoldResult'], ParentType, ContextType, RequireFields<MutationVoidTransferArgs, 'holdId' | 'idempotencyKey'>>;
  withdraw?: Resolver<ResolversTypes['TransactionResult'], ParentType, ContextType, RequireFields<MutationWithdrawArgs, 'input'>>;
};

export type PageInfoResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PostingResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Posting'] = ResolversParentTypes['Posting']> = {
  account?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  balanceAfter?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  bankSide?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  hold?: Resolver<Maybe<ResolversTypes['Hold']>, ParentType, ContextType, RequireFields<QueryHoldArgs, 'id'>>;
  ledgerCounterparties?: Resolver<Array<ResolversTypes['ID']>, ParentType, ContextType, RequireFields<QueryLedgerCounterpartiesArgs, 'userIds'>>;
  ledgerSlice?: Resolver<Maybe<ResolversTypes['LedgerSlice']>, ParentType, ContextType, RequireFields<QueryLedgerSliceArgs, 'accountId' | 'from' | 'to'>>;
  ledgerTotals?: Resolver<Array<ResolversTypes['LedgerTotals']>, ParentType, ContextType, RequireFields<QueryLedgerTotalsArgs, 'from' | 'to'>>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType, RequireFields<QueryTransactionArgs, 'id'>>;
};

export type TransactionResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction'], FederationReferenceType extends FederationReferenceTypes['Transaction'] = FederationReferenceTypes['Transaction']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Transaction']> | FederationReferenceType, FederationReferenceType, ContextType>;
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  fromAccount?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['TransactionKind'], ParentType, ContextType>;
  postings?: Resolver<Array<ResolversTypes['Posting']>, ParentType, ContextType>;
  reference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  reversedBy?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  reverses?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
  toAccount?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType>;
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

export type TransactionResultResolvers<ContextType = TransactionsContext, ParentType extends ResolversParentTypes['TransactionResult'] = ResolversParentTypes['TransactionResult']> = {
  replayed?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  transaction?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType>;
};

export type Resolvers<ContextType = TransactionsContext> = {
  Account?: AccountResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Hold?: HoldResolvers<ContextType>;
  HoldResult?: HoldResultResolvers<ContextType>;
  LedgerAccountState?: LedgerAccountStateResolvers<ContextType>;
  LedgerSlice?: LedgerSliceResolvers<ContextType>;
  LedgerSliceEntry?: LedgerSliceEntryResolvers<ContextType>;
  LedgerTotals?: LedgerTotalsResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Posting?: PostingResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
  TransactionConnection?: TransactionConnectionResolvers<ContextType>;
  TransactionEdge?: TransactionEdgeResolvers<ContextType>;
  TransactionResult?: TransactionResultResolvers<ContextType>;
};

