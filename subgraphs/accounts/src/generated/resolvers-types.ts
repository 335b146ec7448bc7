import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Account as AccountRow, AccountStatusChange as AccountStatusChangeRow } from '../../../../kernel/generated/prisma/client.js';
import type { UserRef } from '../mappers.js';
import type { AccountsContext } from '../context.js';
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

/** A customer-facing bank account. Its balance and history live in the ledger (transactions subgraph). */
export type Account = {
  __typename?: 'Account';
  /** ISO 4217 currency code of the account. */
  currency: Scalars['String']['output'];
  /** Stable identifier of the account. */
  id: Scalars['ID']['output'];
  /** IBAN-style account number with mod-97 check digits. */
  number: Scalars['String']['output'];
  /** When the account was opened. Readable by the owner and staff. */
  openedAt: Scalars['DateTime']['output'];
  /** How far below zero the balance may go. Readable by the owner and staff. */
  overdraftLimit: Money;
  /** The customer who owns the account. */
  owner: User;
  /** Whether the account can be used. Readable by the owner and staff. */
  status: AccountStatus;
  /** Every status change, oldest first (opening included). Readable by the owner and staff. */
  statusHistory: Array<AccountStatusChange>;
  /** What kind of account this is. */
  type: AccountType;
};

/** Lifecycle state of an account. */
export type AccountStatus =
  /** Usable for credits and debits. */
  | 'ACTIVE'
  /** Permanently closed. */
  | 'CLOSED'
  /** No debits until unfrozen. */
  | 'FROZEN';

/** One change of an account's status. */
export type AccountStatusChange = {
  __typename?: 'AccountStatusChange';
  /** When the change was recorded. */
  changedAt: Scalars['DateTime']['output'];
  /** The user who made the change (id); null for system changes. */
  changedBy?: Maybe<Scalars['ID']['output']>;
  /** The status before the change; null when the account was opened. */
  fromStatus?: Maybe<AccountStatus>;
  /** Why the status changed. */
  reason?: Maybe<Scalars['String']['output']>;
  /** The status after the change. */
  toStatus: AccountStatus;
};

/** Kinds of account. */
export type AccountType =
  /** Everyday account for payments. */
  | 'CHECKING'
  /** Account for saving. */
  | 'SAVINGS';

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
   * Closes an account for good (owner or staff). Only with a zero balance and no pending holds
   * (ACCOUNT_NOT_EMPTY otherwise); a closed account can be neither debited nor credited.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, ACCOUNT_NOT_EMPTY
   */
  closeAccount: Account;
  /**
   * Staff: stops every debit of the account that starts after this returns. Credits still arrive.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, INVALID_STATE
   */
  freezeAccount: Account;
  /**
   * Opens an account: customers for themselves, staff for any customer. Usable for deposits and transfers
   * the moment this returns.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, INVALID_AMOUNT
   */
  openAccount: Account;
  /**
   * Staff: makes a frozen account usable again.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT, NOT_FOUND, INVALID_STATE
   */
  unfreezeAccount: Account;
};


export type MutationCloseAccountArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationFreezeAccountArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};


export type MutationOpenAccountArgs = {
  input: OpenAccountInput;
};


export type MutationUnfreezeAccountArgs = {
  id: Scalars['ID']['input'];
  reason: Scalars['String']['input'];
};

/** A new account. */
export type OpenAccountInput = {
  /** ISO 4217 currency code, e.g. USD. */
  currency: Scalars['String']['input'];
  /** How far below zero the balance may go (decimal string); staff only; zero when omitted. */
  overdraftLimit?: InputMaybe<Scalars['String']['input']>;
  /** The customer who will own it: staff only; customers open accounts for themselves (omit it). */
  ownerId?: InputMaybe<Scalars['ID']['input']>;
  /** What kind of account. */
  type: AccountType;
};

export type Query = {
  __typename?: 'Query';
  /** An account by id: the owner's own, or any for staff. Null when no such account exists. */
  account?: Maybe<Account>;
  /**
   * Staff: an account by its IBAN-style number (spaces and case ignored). A malformed number or wrong check
   * digits fail with INVALID_ACCOUNT_NUMBER; null when no such account exists.
   */
  accountByNumber?: Maybe<Account>;
};


export type QueryAccountArgs = {
  id: Scalars['ID']['input'];
};


export type QueryAccountByNumberArgs = {
  number: Scalars['String']['input'];
};

/** A user, as the accounts subgraph knows it. */
export type User = {
  __typename?: 'User';
  /** The user's accounts, oldest first. Readable by the user and staff. */
  accounts: Array<Account>;
  /** Stable identifier of the user. */
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
  Account: Account;
  User: User;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Account:
    ( { __typename: 'Account' }
    & GraphQLRecursivePick<FederationTypes['Account'], {"id":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Account: ResolverTypeWrapper<AccountRow>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AccountStatus: AccountStatus;
  AccountStatusChange: ResolverTypeWrapper<AccountStatusChangeRow>;
  AccountType: AccountType;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Money: ResolverTypeWrapper<Money>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  OpenAccountInput: OpenAccountInput;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  User: ResolverTypeWrapper<UserRef>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Account: AccountRow;
  String: Scalars['String']['output'];
  ID: Scalars['ID']['output'];
  AccountStatusChange: AccountStatusChangeRow;
  DateTime: Scalars['DateTime']['output'];
  Money: Money;
  Mutation: Record<PropertyKey, never>;
  OpenAccountInput: OpenAccountInput;
  Query: Record<PropertyKey, never>;
  User: UserRef;
  Boolean: Scalars['Boolean']['output'];
};

export type AccountResolvers<ContextType = AccountsContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account'], FederationReferenceType extends FederationReferenceTypes['Account'] = FederationReferenceTypes['Account']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Account']> | FederationReferenceType, FederationReferenceType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  number?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  openedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  overdraftLimit?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  owner?: Resolver<ResolversTypes['User'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['AccountStatus'], ParentType, ContextType>;
  statusHistory?: Resolver<Array<ResolversTypes['AccountStatusChange']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['AccountType'], ParentType, ContextType>;
};

export type AccountStatusChangeResolvers<ContextType = AccountsContext, ParentType extends ResolversParentTypes['AccountStatusChange'] = ResolversParentTypes['AccountStatusChange']> = {
  changedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  changedBy?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  fromStatus?: Resolver<Maybe<ResolversTypes['AccountStatus']>, ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  toStatus?: Resolver<ResolversTypes['AccountStatus'], ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MoneyResolvers<ContextType = AccountsContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = AccountsContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  closeAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType, RequireFields<MutationCloseAccountArgs, 'id' | 'reason'>>;
  freezeAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType, RequireFields<MutationFreezeAccountArgs, 'id' | 'reason'>>;
  openAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType, RequireFields<MutationOpenAccountArgs, 'input'>>;
  unfreezeAccount?: Resolver<ResolversTypes['Account'], ParentType, ContextType, RequireFields<MutationUnfreezeAccountArgs, 'id' | 'reason'>>;
};

export type QueryResolvers<ContextType = AccountsContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  account?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<QueryAccountArgs, 'id'>>;
  accountByNumber?: Resolver<Maybe<ResolversTypes['Account']>, ParentType, ContextType, RequireFields<QueryAccountByNumberArgs, 'number'>>;
};

export type UserResolvers<ContextType = AccountsContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  accounts?: Resolver<Array<ResolversTypes['Account']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type Resolvers<ContextType = AccountsContext> = {
  Account?: AccountResolvers<ContextType>;
  AccountStatusChange?: AccountStatusChangeResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
};

