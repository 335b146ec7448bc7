import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { AccountStatementView, StatementEntryView } from '../mappers.js';
import type { ReportingContext } from '../context.js';
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

export type Account = {
  __typename?: 'Account';
  id: Scalars['ID']['output'];
};

/** An account statement for a period: opening balance + entries = closing balance, reconciled with the ledger. */
export type AccountStatement = {
  __typename?: 'AccountStatement';
  /** The account the statement is for. */
  account: Account;
  /** Balance at the end of the period. */
  closingBalance: Money;
  /** The period's entries, oldest first, each with the running balance after it. */
  entries: Array<StatementEntry>;
  /** Start of the period (inclusive). */
  from: Scalars['DateTime']['output'];
  /** Balance at the start of the period. */
  openingBalance: Money;
  /**
   * True while the period has not closed (its end is in the future, or less than a minute ago): postings may
   * still fall in it, so the balances are not final. A statement of a closed period never changes.
   */
  provisional: Scalars['Boolean']['output'];
  /** End of the period (exclusive). */
  to: Scalars['DateTime']['output'];
  /** Sum of the credits in the period. */
  totalCredits: Money;
  /** Sum of the debits in the period (negative or zero). */
  totalDebits: Money;
};

/** Key figures of one currency over a range. */
export type CurrencyKpis = {
  __typename?: 'CurrencyKpis';
  /** Average posted transfer, rounded down to the currency's minor unit; null without transfers. */
  averageTransfer?: Maybe<Money>;
  /** ISO 4217 currency code. */
  currency: Scalars['String']['output'];
  /** Refused transfers. */
  failedTransfers: Scalars['Int']['output'];
  /** Customer accounts opened. */
  newAccounts: Scalars['Int']['output'];
  /** Posted transactions of every kind. */
  transactionCount: Scalars['Int']['output'];
  /** Posted transfers. */
  transferCount: Scalars['Int']['output'];
  /** failedTransfers / (transferCount + failedTransfers), as a decimal string with 4 decimals ("0.0125"); "0.0000" without attempts. */
  transferFailureRate: Scalars['String']['output'];
  /** Sum of the posted transactions' amounts. */
  volume: Money;
};

/** Transfers posted in one currency. */
export type CurrencyVolume = {
  __typename?: 'CurrencyVolume';
  /** ISO 4217 currency code. */
  currency: Scalars['String']['output'];
  /** Number of transfers. */
  transferCount: Scalars['Int']['output'];
  /** Sum of their amounts. */
  volume: Money;
};

/** Live figures of the current UTC day, pushed to operations dashboards. */
export type DashboardMetrics = {
  __typename?: 'DashboardMetrics';
  /** Sessions started by a login within the configured window (REPORTING_SESSION_WINDOW_MINUTES). */
  activeSessions: Scalars['Int']['output'];
  /** When these figures were read. */
  at: Scalars['DateTime']['output'];
  /** The UTC day the counters cover (YYYY-MM-DD). */
  date: Scalars['String']['output'];
  /** Transfers refused today, all currencies. */
  failedTransfers: Scalars['Int']['output'];
  /** Transfers posted today, all currencies. */
  transferCount: Scalars['Int']['output'];
  /** Today's posted transfers per currency. */
  volumes: Array<CurrencyVolume>;
};

/** A range of UTC days, both ends included, at most 366 days. */
export type DateRange = {
  /** First day, YYYY-MM-DD. */
  from: Scalars['String']['input'];
  /** Last day (included), YYYY-MM-DD. */
  to: Scalars['String']['input'];
};

/** Key performance indicators over a range of days, for analysts and administrators. */
export type Kpis = {
  __typename?: 'Kpis';
  /** Distinct users who logged in during the range. */
  activeUsers: Scalars['Int']['output'];
  /** Average of the daily active users over the range's days, with 2 decimals. */
  averageDailyActiveUsers: Scalars['String']['output'];
  /** Per-currency figures, one entry per currency with any activity, by currency code. */
  currencies: Array<CurrencyKpis>;
  /** Number of days in the range. */
  days: Scalars['Int']['output'];
  /** First day of the range (YYYY-MM-DD). */
  from: Scalars['String']['output'];
  /** Last day of the range, included (YYYY-MM-DD). */
  to: Scalars['String']['output'];
};

/** An amount of money: an exact decimal string with the currency's ISO 4217 number of decimals. */
export type Money = {
  __typename?: 'Money';
  /** Decimal string, e.g. "1250.00" for USD, "1250" for JPY, "1.250" for BHD. Never a float. */
  amount: Scalars['String']['output'];
  /** ISO 4217 currency code. */
  currency: Scalars['String']['output'];
};

/** Count and volume of one kind of posted movement in one currency. */
export type MovementTotals = {
  __typename?: 'MovementTotals';
  /** Number of transactions posted. */
  count: Scalars['Int']['output'];
  /** DEPOSIT, WITHDRAWAL, TRANSFER or REVERSAL. */
  kind: Scalars['String']['output'];
  /** Sum of their amounts (always positive). */
  volume: Money;
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Analysts and administrators: recompute a UTC day (YYYY-MM-DD) from the ledger and report every figure on
   * which the projection differs. With `repair: true` (administrators only) the day's ledger figures replace
   * the projection's; repair a day only when its events have been consumed (a past day, or a quiet moment).
   * Failed transfers and active users have no ledger record and are not checked.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT
   */
  reconcileReporting: ReconciliationReport;
};


export type MutationReconcileReportingArgs = {
  date: Scalars['String']['input'];
  repair?: InputMaybe<Scalars['Boolean']['input']>;
};

/**
 * Bank-wide activity of a day or a month in one currency, from the reporting projections (fed by the ledger,
 * accounts and users events; see reconcileReporting).
 */
export type PeriodSummary = {
  __typename?: 'PeriodSummary';
  /** Distinct users who logged in during the period (all currencies: users have no currency). */
  activeUsers: Scalars['Int']['output'];
  /** ISO 4217 currency code the counts and volumes are in. */
  currency: Scalars['String']['output'];
  /** Transfers in this currency refused by the ledger (insufficient funds, frozen or closed account). */
  failedTransfers: Scalars['Int']['output'];
  /** Posted movements by kind: DEPOSIT, WITHDRAWAL, TRANSFER, REVERSAL, each present (zero when none). */
  movements: Array<MovementTotals>;
  /** Customer accounts opened in this currency. */
  newAccounts: Scalars['Int']['output'];
  /** The period: a UTC day (YYYY-MM-DD) or a month (YYYY-MM). */
  period: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  /**
   * Statement of an account for [from, to): for the account's owner and staff. The period may span at most
   * 366 days. Another customer's account is FORBIDDEN and an unknown one NOT_FOUND, as for `account(id)`.
   */
  accountStatement?: Maybe<AccountStatement>;
  /**
   * The same statement as CSV (RFC 4180, CRLF line ends): a header row, an OPENING row, one row per entry and
   * a CLOSING row. Text cells starting with = + - @ are prefixed with ' so spreadsheets do not run them.
   */
  accountStatementCsv: Scalars['String']['output'];
  /** Analysts and administrators: a UTC day's activity (date YYYY-MM-DD) in one currency. */
  dailySummary: PeriodSummary;
  /** Analysts and administrators: key figures over a range of days. */
  kpis: Kpis;
  /**
   * Statement of an account for a calendar month (YYYY-MM) in the bank's time zone (BANK_TIME_ZONE, UTC by
   * default): from local midnight on the 1st to local midnight on the 1st of the next month. The current
   * month's statement is `provisional`. Same readers and errors as `accountStatement`.
   */
  monthlyStatement?: Maybe<AccountStatement>;
  /** Analysts and administrators: a UTC month's activity (month YYYY-MM) in one currency. */
  monthlySummary: PeriodSummary;
};


export type QueryAccountStatementArgs = {
  accountId: Scalars['ID']['input'];
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryAccountStatementCsvArgs = {
  accountId: Scalars['ID']['input'];
  from: Scalars['DateTime']['input'];
  to: Scalars['DateTime']['input'];
};


export type QueryDailySummaryArgs = {
  currency: Scalars['String']['input'];
  date: Scalars['String']['input'];
};


export type QueryKpisArgs = {
  range: DateRange;
};


export type QueryMonthlyStatementArgs = {
  accountId: Scalars['ID']['input'];
  month: Scalars['String']['input'];
};


export type QueryMonthlySummaryArgs = {
  currency: Scalars['String']['input'];
  month: Scalars['String']['input'];
};

/** One figure on which the projection and the ledger disagree. */
export type ReconciliationDifference = {
  __typename?: 'ReconciliationDifference';
  /** ISO 4217 currency code. */
  currency: Scalars['String']['output'];
  /** The value recomputed from the ledger (integer as a decimal string; volumes in minor units). */
  ledger: Scalars['String']['output'];
  /** COUNT or VOLUME (minor units). */
  measure: Scalars['String']['output'];
  /** DEPOSIT, WITHDRAWAL, TRANSFER, REVERSAL or ACCOUNT_OPENED. */
  metric: Scalars['String']['output'];
  /** The value in the reporting projection. */
  projection: Scalars['String']['output'];
};

/** The result of checking one day's projection against the ledger. */
export type ReconciliationReport = {
  __typename?: 'ReconciliationReport';
  /** When the check ran. */
  checkedAt: Scalars['DateTime']['output'];
  /** True when the projection equals the ledger on every figure. */
  consistent: Scalars['Boolean']['output'];
  /** The UTC day checked (YYYY-MM-DD). */
  date: Scalars['String']['output'];
  /** Every figure that differs (empty when consistent), as found before any repair. */
  differences: Array<ReconciliationDifference>;
  /** True when the projection was overwritten with the ledger's figures (repair requested and differences found). */
  repaired: Scalars['Boolean']['output'];
};

/** One line of a statement. */
export type StatementEntry = {
  __typename?: 'StatementEntry';
  /** Signed amount: positive is money in, negative money out. */
  amount: Money;
  /** Running balance after the entry. */
  balanceAfter: Money;
  /** What kind of movement it is: DEPOSIT, WITHDRAWAL, TRANSFER or REVERSAL. */
  kind: Scalars['String']['output'];
  /** When it was posted. */
  postedAt: Scalars['DateTime']['output'];
  /** Free text of the transaction. */
  reference?: Maybe<Scalars['String']['output']>;
  /** The ledger transaction behind the line. */
  transaction: Transaction;
};

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * Analysts and administrators: today's live figures, pushed at once and then every `intervalSeconds`
   * (between 1 and 300; default 5).
   */
  dashboardMetrics: DashboardMetrics;
};


export type SubscriptionDashboardMetricsArgs = {
  intervalSeconds?: InputMaybe<Scalars['Int']['input']>;
};

export type Transaction = {
  __typename?: 'Transaction';
  id: Scalars['ID']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


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





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Account: ResolverTypeWrapper<Account>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  AccountStatement: ResolverTypeWrapper<AccountStatementView>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  CurrencyKpis: ResolverTypeWrapper<CurrencyKpis>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CurrencyVolume: ResolverTypeWrapper<CurrencyVolume>;
  DashboardMetrics: ResolverTypeWrapper<DashboardMetrics>;
  DateRange: DateRange;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Kpis: ResolverTypeWrapper<Kpis>;
  Money: ResolverTypeWrapper<Money>;
  MovementTotals: ResolverTypeWrapper<MovementTotals>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PeriodSummary: ResolverTypeWrapper<PeriodSummary>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReconciliationDifference: ResolverTypeWrapper<ReconciliationDifference>;
  ReconciliationReport: ResolverTypeWrapper<ReconciliationReport>;
  StatementEntry: ResolverTypeWrapper<StatementEntryView>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Transaction: ResolverTypeWrapper<Transaction>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Account: Account;
  ID: Scalars['ID']['output'];
  AccountStatement: AccountStatementView;
  Boolean: Scalars['Boolean']['output'];
  CurrencyKpis: CurrencyKpis;
  String: Scalars['String']['output'];
  Int: Scalars['Int']['output'];
  CurrencyVolume: CurrencyVolume;
  DashboardMetrics: DashboardMetrics;
  DateRange: DateRange;
  DateTime: Scalars['DateTime']['output'];
  Kpis: Kpis;
  Money: Money;
  MovementTotals: MovementTotals;
  Mutation: Record<PropertyKey, never>;
  PeriodSummary: PeriodSummary;
  Query: Record<PropertyKey, never>;
  ReconciliationDifference: ReconciliationDifference;
  ReconciliationReport: ReconciliationReport;
  StatementEntry: StatementEntryView;
  Subscription: Record<PropertyKey, never>;
  Transaction: Transaction;
};

export type AccountResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['Account'] = ResolversParentTypes['Account']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type AccountStatementResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['AccountStatement'] = ResolversParentTypes['AccountStatement']> = {
  account?: Resolver<ResolversTypes['Account'], ParentType, ContextType>;
  closingBalance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  entries?: Resolver<Array<ResolversTypes['StatementEntry']>, ParentType, ContextType>;
  from?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  openingBalance?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  provisional?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  to?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  totalCredits?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  totalDebits?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type CurrencyKpisResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['CurrencyKpis'] = ResolversParentTypes['CurrencyKpis']> = {
  averageTransfer?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  failedTransfers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  newAccounts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  transactionCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  transferCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  transferFailureRate?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  volume?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type CurrencyVolumeResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['CurrencyVolume'] = ResolversParentTypes['CurrencyVolume']> = {
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  transferCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  volume?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type DashboardMetricsResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['DashboardMetrics'] = ResolversParentTypes['DashboardMetrics']> = {
  activeSessions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  date?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  failedTransfers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  transferCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  volumes?: Resolver<Array<ResolversTypes['CurrencyVolume']>, ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type KpisResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['Kpis'] = ResolversParentTypes['Kpis']> = {
  activeUsers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  averageDailyActiveUsers?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currencies?: Resolver<Array<ResolversTypes['CurrencyKpis']>, ParentType, ContextType>;
  days?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  from?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  to?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MoneyResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MovementTotalsResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['MovementTotals'] = ResolversParentTypes['MovementTotals']> = {
  count?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  volume?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  reconcileReporting?: Resolver<ResolversTypes['ReconciliationReport'], ParentType, ContextType, RequireFields<MutationReconcileReportingArgs, 'date' | 'repair'>>;
};

export type PeriodSummaryResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['PeriodSummary'] = ResolversParentTypes['PeriodSummary']> = {
  activeUsers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  failedTransfers?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  movements?: Resolver<Array<ResolversTypes['MovementTotals']>, ParentType, ContextType>;
  newAccounts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  period?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  accountStatement?: Resolver<Maybe<ResolversTypes['AccountStatement']>, ParentType, ContextType, RequireFields<QueryAccountStatementArgs, 'accountId' | 'from' | 'to'>>;
  accountStatementCsv?: Resolver<ResolversTypes['String'], ParentType, ContextType, RequireFields<QueryAccountStatementCsvArgs, 'accountId' | 'from' | 'to'>>;
  dailySummary?: Resolver<ResolversTypes['PeriodSummary'], ParentType, ContextType, RequireFields<QueryDailySummaryArgs, 'currency' | 'date'>>;
  kpis?: Resolver<ResolversTypes['Kpis'], ParentType, ContextType, RequireFields<QueryKpisArgs, 'range'>>;
  monthlyStatement?: Resolver<Maybe<ResolversTypes['AccountStatement']>, ParentType, ContextType, RequireFields<QueryMonthlyStatementArgs, 'accountId' | 'month'>>;
  monthlySummary?: Resolver<ResolversTypes['PeriodSummary'], ParentType, ContextType, RequireFields<QueryMonthlySummaryArgs, 'currency' | 'month'>>;
};

export type ReconciliationDifferenceResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['ReconciliationDifference'] = ResolversParentTypes['ReconciliationDifference']> = {
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  ledger?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  measure?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  metric?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  projection?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type ReconciliationReportResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['ReconciliationReport'] = ResolversParentTypes['ReconciliationReport']> = {
  checkedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  consistent?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  date?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  differences?: Resolver<Array<ResolversTypes['ReconciliationDifference']>, ParentType, ContextType>;
  repaired?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type StatementEntryResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['StatementEntry'] = ResolversParentTypes['StatementEntry']> = {
  amount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  balanceAfter?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  postedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  reference?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  transaction?: Resolver<ResolversTypes['Transaction'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  dashboardMetrics?: SubscriptionResolver<ResolversTypes['DashboardMetrics'], "dashboardMetrics", ParentType, ContextType, RequireFields<SubscriptionDashboardMetricsArgs, 'intervalSeconds'>>;
};

export type TransactionResolvers<ContextType = ReportingContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type Resolvers<ContextType = ReportingContext> = {
  Account?: AccountResolvers<ContextType>;
  AccountStatement?: AccountStatementResolvers<ContextType>;
  CurrencyKpis?: CurrencyKpisResolvers<ContextType>;
  CurrencyVolume?: CurrencyVolumeResolvers<ContextType>;
  DashboardMetrics?: DashboardMetricsResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Kpis?: KpisResolvers<ContextType>;
  Money?: MoneyResolvers<ContextType>;
  MovementTotals?: MovementTotalsResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  PeriodSummary?: PeriodSummaryResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReconciliationDifference?: ReconciliationDifferenceResolvers<ContextType>;
  ReconciliationReport?: ReconciliationReportResolvers<ContextType>;
  StatementEntry?: StatementEntryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
};

