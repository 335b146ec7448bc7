import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { Notification as NotificationRow } from '../../../../kernel/generated/prisma/client.js';
import type { UserRef } from '../mappers.js';
import type { NotificationsContext } from '../context.js';
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

/** A producing domain whose event stream the notifications consumers read. */
export type EventSource =
  /** Account lifecycle events (accounts subgraph). */
  | 'ACCOUNTS'
  /** Money movements and holds (transactions subgraph). */
  | 'LEDGER'
  /** Identity events (users subgraph). */
  | 'USERS';

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
   * Marks all the caller's notifications read; returns how many were unread.
   * Errors: UNAUTHENTICATED, FORBIDDEN
   */
  markAllNotificationsRead: Scalars['Int']['output'];
  /**
   * Marks one of the caller's notifications read (idempotent). Another user's notification is NOT_FOUND.
   * Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND
   */
  markNotificationRead: Notification;
  /**
   * Removes the caller's webhook endpoint; returns whether there was one.
   * Errors: UNAUTHENTICATED, FORBIDDEN
   */
  removeNotificationWebhook: Scalars['Boolean']['output'];
  /**
   * Admin: runs dead letters (all of the source, or the given ids) through the consumer again.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT
   */
  replayNotificationDeadLetters: Array<NotificationDeadLetterReplay>;
  /**
   * Registers (or replaces) the caller's webhook endpoint for notifications of the kinds whose `webhook` preference
   * is on; returns a new signing secret, shown only this once. The URL must be http(s) and must not point to a
   * private or loopback address.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT
   */
  setNotificationWebhook: NotificationWebhookRegistration;
  /**
   * Changes the caller's notification settings and returns them.
   * Errors: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT
   */
  updateNotificationPreferences: NotificationPreferences;
};


export type MutationMarkNotificationReadArgs = {
  id: Scalars['ID']['input'];
};


export type MutationReplayNotificationDeadLettersArgs = {
  ids?: InputMaybe<Array<Scalars['ID']['input']>>;
  source: EventSource;
};


export type MutationSetNotificationWebhookArgs = {
  url: Scalars['String']['input'];
};


export type MutationUpdateNotificationPreferencesArgs = {
  input: UpdateNotificationPreferencesInput;
};

/** A message to a user, shown in the apps' notification centre. */
export type Notification = {
  __typename?: 'Notification';
  /** Full text. */
  body: Scalars['String']['output'];
  /** When it was created. */
  createdAt: Scalars['DateTime']['output'];
  /** Stable identifier of the notification. */
  id: Scalars['ID']['output'];
  /** Machine-readable kind, e.g. MONEY_RECEIVED, MONEY_SENT, LOGIN_NEW_DEVICE. */
  kind: Scalars['String']['output'];
  /** Whether the user has read it. */
  read: Scalars['Boolean']['output'];
  /** When the user read it, if they did. */
  readAt?: Maybe<Scalars['DateTime']['output']>;
  /** Short headline. */
  title: Scalars['String']['output'];
  /** The money movement this notification is about (money received or sent, large transaction, reversal); null for other kinds. */
  transaction?: Maybe<Transaction>;
};

/** An external delivery channel. */
export type NotificationChannel =
  /** E-mail over SMTP to the user's login address. */
  | 'EMAIL'
  /** Text message through the bank's SMS gateway. */
  | 'SMS'
  /** Signed JSON POSTed to the user's webhook endpoint. */
  | 'WEBHOOK';

/** Where notifications of one kind are delivered. */
export type NotificationChannelPreference = {
  __typename?: 'NotificationChannelPreference';
  /** Sent by e-mail to the login address (default false; needs the service's SMTP_URL). */
  email: Scalars['Boolean']['output'];
  /** Shown in the apps' notification centre (default true). */
  inApp: Scalars['Boolean']['output'];
  /** The kind these choices apply to. */
  kind: NotificationKind;
  /** Posted to the user's webhook (default false; register one with setNotificationWebhook). */
  webhook: Scalars['Boolean']['output'];
};

/** New channel choices for one kind; omitted flags keep their current value. */
export type NotificationChannelPreferenceInput = {
  /** Sent by e-mail. */
  email?: InputMaybe<Scalars['Boolean']['input']>;
  /** Shown in the notification centre. */
  inApp?: InputMaybe<Scalars['Boolean']['input']>;
  /** The kind to change. */
  kind: NotificationKind;
  /** Posted to the user's webhook. */
  webhook?: InputMaybe<Scalars['Boolean']['input']>;
};

/** A page of a user's notifications, newest first. */
export type NotificationConnection = {
  __typename?: 'NotificationConnection';
  /** The notifications on this page. */
  edges: Array<NotificationEdge>;
  /** Where this page sits in the whole list. */
  pageInfo: PageInfo;
};

/** An event the notifications consumers gave up on (after retries, or at once when no retry can help). */
export type NotificationDeadLetter = {
  __typename?: 'NotificationDeadLetter';
  /** Failed attempts so far. */
  attempts: Scalars['Int']['output'];
  /** Why the last attempt failed (message only). */
  error: Scalars['String']['output'];
  /** The event's id, when the entry was readable. */
  eventId?: Maybe<Scalars['ID']['output']>;
  /** The event's type, when the entry was readable. */
  eventType?: Maybe<Scalars['String']['output']>;
  /** When it was dead-lettered. */
  failedAt: Scalars['DateTime']['output'];
  /** Id of the dead-letter entry; pass it to replayNotificationDeadLetters. */
  id: Scalars['ID']['output'];
  /** Entry id in the source stream. */
  sourceEntryId: Scalars['String']['output'];
};

/** The outcome of replaying one dead letter. */
export type NotificationDeadLetterReplay = {
  __typename?: 'NotificationDeadLetterReplay';
  /** Why it failed again. */
  error?: Maybe<Scalars['String']['output']>;
  /** The event's id, when the entry was readable. */
  eventId?: Maybe<Scalars['ID']['output']>;
  /** Id of the dead-letter entry. */
  id: Scalars['ID']['output'];
  /** processed, duplicate, ignored (left the dead-letter stream) or failed (re-filed with the new error). */
  outcome: Scalars['String']['output'];
};

/** A notification queued for an external channel, with its delivery log. */
export type NotificationDelivery = {
  __typename?: 'NotificationDelivery';
  /** Every attempt, oldest first. */
  attemptLog: Array<NotificationDeliveryAttempt>;
  /** Attempts made so far. */
  attempts: Scalars['Int']['output'];
  /** The channel. */
  channel: NotificationChannel;
  /** When it was queued. */
  createdAt: Scalars['DateTime']['output'];
  /** When it was delivered, if it was. */
  deliveredAt?: Maybe<Scalars['DateTime']['output']>;
  /** Stable identifier; also sent as the X-FedBank-Delivery header (receivers deduplicate by it). */
  id: Scalars['ID']['output'];
  /** The notification's kind, e.g. MONEY_RECEIVED. */
  kind: Scalars['String']['output'];
  /** The last attempt's error, if any. */
  lastError?: Maybe<Scalars['String']['output']>;
  /** Where the delivery stands. */
  status: NotificationDeliveryStatus;
  /** The notification's headline. */
  title: Scalars['String']['output'];
};

/** One attempt to deliver a notification. */
export type NotificationDeliveryAttempt = {
  __typename?: 'NotificationDeliveryAttempt';
  /** When it was made. */
  at: Scalars['DateTime']['output'];
  /** 1 for the first attempt. */
  attempt: Scalars['Int']['output'];
  /** How long the attempt took, in milliseconds. */
  durationMs: Scalars['Int']['output'];
  /** Why it did not succeed (no secrets, no addresses). */
  error?: Maybe<Scalars['String']['output']>;
  /** SENT, RETRY (will be tried again), FAILED (gave up) or SKIPPED. */
  outcome: Scalars['String']['output'];
  /** HTTP status of the endpoint's answer, or the SMTP reply code. */
  statusCode?: Maybe<Scalars['Int']['output']>;
};

/** Where a delivery stands. */
export type NotificationDeliveryStatus =
  /** Given up: a final error, or too many failed attempts. */
  | 'FAILED'
  /** Queued, or waiting for a retry. */
  | 'PENDING'
  /** Accepted by the SMTP server or the endpoint (2xx). */
  | 'SENT'
  /** Nothing to send to (no webhook registered, channel not configured). */
  | 'SKIPPED';

/** A notification in a list. */
export type NotificationEdge = {
  __typename?: 'NotificationEdge';
  /** Opaque cursor to pass as `after` to continue after this edge. */
  cursor: Scalars['String']['output'];
  /** The notification. */
  node: Notification;
};

/** The kinds of notifications the bank sends. */
export type NotificationKind =
  /** One of your accounts was frozen. */
  | 'ACCOUNT_FROZEN'
  /** A pending transfer was not completed in time: its reservation expired and the money is available again. */
  | 'HOLD_EXPIRED'
  /** A pending transfer's reservation expires soon. */
  | 'HOLD_EXPIRING'
  /** Funds were reserved on one of your accounts for a pending transfer. */
  | 'HOLD_PLACED'
  /** A transaction reached your large-transaction threshold. */
  | 'LARGE_TRANSACTION'
  /** Your account was signed in to from a device not seen before. */
  | 'LOGIN_NEW_DEVICE'
  /** Two-factor authentication was enabled or disabled. */
  | 'MFA_CHANGED'
  /** Money reached one of your accounts (transfer or deposit). */
  | 'MONEY_RECEIVED'
  /** Money left one of your accounts (transfer or withdrawal). */
  | 'MONEY_SENT'
  /** Your password was changed. */
  | 'PASSWORD_CHANGED'
  /** Repeated wrong passwords or codes on your account, or a session signed out after them. */
  | 'SECURITY_ALERT'
  /** A transfer you made was refused (not enough funds, frozen or closed account); no money moved. */
  | 'TRANSFER_FAILED'
  /** The bank reversed a transaction on one of your accounts. */
  | 'TRANSFER_REVERSED';

/** The caller's notification settings. */
export type NotificationPreferences = {
  __typename?: 'NotificationPreferences';
  /** One entry per notification kind, defaults included. */
  channels: Array<NotificationChannelPreference>;
  /** Transactions of at least this amount, in this currency, raise a LARGE_TRANSACTION notification. Other currencies use the default (10,000 in the currency's major unit). */
  largeTransactionThreshold: Money;
};

/** An amount and its currency, e.g. { amount: "5000.00", currency: "USD" }. */
export type NotificationThresholdInput = {
  /** Positive decimal string with at most the currency's number of decimals. */
  amount: Scalars['String']['input'];
  /** ISO 4217 currency code. */
  currency: Scalars['String']['input'];
};

/** A newly registered webhook endpoint with its signing secret, shown only this once. */
export type NotificationWebhookRegistration = {
  __typename?: 'NotificationWebhookRegistration';
  /** When the endpoint was registered. */
  createdAt: Scalars['DateTime']['output'];
  /**
   * HMAC-SHA256 key: each POST carries `X-FedBank-Timestamp` (Unix seconds) and `X-FedBank-Signature:
   * v1=<hex HMAC of "<timestamp>.<raw body>">`. Store it now: it cannot be read again (register again to rotate).
   */
  secret: Scalars['String']['output'];
  /** Where notifications are POSTed. */
  url: Scalars['String']['output'];
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
  /** Admin: dead letters of the notifications consumers for one source stream, oldest first. `first` is at most 100. */
  notificationDeadLetters: Array<NotificationDeadLetter>;
  /**
   * Delivery log of e-mail, webhook and SMS notifications, newest first: the caller's own, or (admin) those of
   * `userId`. `first` is at most 100.
   */
  notificationDeliveries: Array<NotificationDelivery>;
  /** The caller's notification settings (defaults when never changed). */
  notificationPreferences: NotificationPreferences;
};


export type QueryNotificationDeadLettersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  source: EventSource;
};


export type QueryNotificationDeliveriesArgs = {
  channel?: InputMaybe<NotificationChannel>;
  first?: InputMaybe<Scalars['Int']['input']>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /**
   * The caller's own notifications, each pushed as soon as it is stored (after the event's transaction commits).
   * Over graphql-ws on the router's /graphql; nothing is replayed on reconnect: query `me { notifications }` to catch up.
   */
  notificationReceived: Notification;
};

export type Transaction = {
  __typename?: 'Transaction';
  id: Scalars['ID']['output'];
};

/** Changes to the caller's notification settings; omitted parts stay as they are. */
export type UpdateNotificationPreferencesInput = {
  /** Channel choices per kind. */
  channels?: InputMaybe<Array<NotificationChannelPreferenceInput>>;
  /** New large-transaction threshold. */
  largeTransactionThreshold?: InputMaybe<NotificationThresholdInput>;
};

export type User = {
  __typename?: 'User';
  id: Scalars['ID']['output'];
  /** The user's notifications, newest first. Readable only by the user. `first` is at most 100. */
  notifications: NotificationConnection;
  /** How many of the user's notifications are unread. Readable only by the user. */
  unreadNotificationCount: Scalars['Int']['output'];
};


export type UserNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
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
  Notification: Notification;
  User: User;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Notification:
    ( { __typename: 'Notification' }
    & GraphQLRecursivePick<FederationTypes['Notification'], {"id":true}> );
  User:
    ( { __typename: 'User' }
    & GraphQLRecursivePick<FederationTypes['User'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  EventSource: EventSource;
  Money: ResolverTypeWrapper<Money>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  Notification: ResolverTypeWrapper<NotificationRow>;
  NotificationChannel: NotificationChannel;
  NotificationChannelPreference: ResolverTypeWrapper<NotificationChannelPreference>;
  NotificationChannelPreferenceInput: NotificationChannelPreferenceInput;
  NotificationConnection: ResolverTypeWrapper<Omit<NotificationConnection, 'edges'> & { edges: Array<ResolversTypes['NotificationEdge']> }>;
  NotificationDeadLetter: ResolverTypeWrapper<NotificationDeadLetter>;
  NotificationDeadLetterReplay: ResolverTypeWrapper<NotificationDeadLetterReplay>;
  NotificationDelivery: ResolverTypeWrapper<NotificationDelivery>;
  NotificationDeliveryAttempt: ResolverTypeWrapper<NotificationDeliveryAttempt>;
  NotificationDeliveryStatus: NotificationDeliveryStatus;
  NotificationEdge: ResolverTypeWrapper<Omit<NotificationEdge, 'node'> & { node: ResolversTypes['Notification'] }>;
  NotificationKind: NotificationKind;
  NotificationPreferences: ResolverTypeWrapper<NotificationPreferences>;
  NotificationThresholdInput: NotificationThresholdInput;
  NotificationWebhookRegistration: ResolverTypeWrapper<NotificationWebhookRegistration>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Transaction: ResolverTypeWrapper<Transaction>;
  UpdateNotificationPreferencesInput: UpdateNotificationPreferencesInput;
  User: ResolverTypeWrapper<UserRef>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  DateTime: Scalars['DateTime']['output'];
  Money: Money;
  String: Scalars['String']['output'];
  Mutation: Record<PropertyKey, never>;
  Int: Scalars['Int']['output'];
  ID: Scalars['ID']['output'];
  Boolean: Scalars['Boolean']['output'];
  Notification: NotificationRow;
  NotificationChannelPreference: NotificationChannelPreference;
  NotificationChannelPreferenceInput: NotificationChannelPreferenceInput;
  NotificationConnection: Omit<NotificationConnection, 'edges'> & { edges: Array<ResolversParentTypes['NotificationEdge']> };
  NotificationDeadLetter: NotificationDeadLetter;
  NotificationDeadLetterReplay: NotificationDeadLetterReplay;
  NotificationDelivery: NotificationDelivery;
  NotificationDeliveryAttempt: NotificationDeliveryAttempt;
  NotificationEdge: Omit<NotificationEdge, 'node'> & { node: ResolversParentTypes['Notification'] };
  NotificationPreferences: NotificationPreferences;
  NotificationThresholdInput: NotificationThresholdInput;
  NotificationWebhookRegistration: NotificationWebhookRegistration;
  PageInfo: PageInfo;
  Query: Record<PropertyKey, never>;
  Subscription: Record<PropertyKey, never>;
  Transaction: Transaction;
  UpdateNotificationPreferencesInput: UpdateNotificationPreferencesInput;
  User: UserRef;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export type MoneyResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  currency?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  markAllNotificationsRead?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  markNotificationRead?: Resolver<ResolversTypes['Notification'], ParentType, ContextType, RequireFields<MutationMarkNotificationReadArgs, 'id'>>;
  removeNotificationWebhook?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  replayNotificationDeadLetters?: Resolver<Array<ResolversTypes['NotificationDeadLetterReplay']>, ParentType, ContextType, RequireFields<MutationReplayNotificationDeadLettersArgs, 'source'>>;
  setNotificationWebhook?: Resolver<ResolversTypes['NotificationWebhookRegistration'], ParentType, ContextType, RequireFields<MutationSetNotificationWebhookArgs, 'url'>>;
  updateNotificationPreferences?: Resolver<ResolversTypes['NotificationPreferences'], ParentType, ContextType, RequireFields<MutationUpdateNotificationPreferencesArgs, 'input'>>;
};

export type NotificationResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['Notification'] = ResolversParentTypes['Notification'], FederationReferenceType extends FederationReferenceTypes['Notification'] = FederationReferenceTypes['Notification']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Notification']> | FederationReferenceType, FederationReferenceType, ContextType>;
  body?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  read?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  readAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  transaction?: Resolver<Maybe<ResolversTypes['Transaction']>, ParentType, ContextType>;
};

export type NotificationChannelPreferenceResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['NotificationChannelPreference'] = ResolversParentTypes['NotificationChannelPreference']> = {
  email?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  inApp?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['NotificationKind'], ParentType, ContextType>;
  webhook?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type NotificationConnectionResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['NotificationConnection'] = ResolversParentTypes['NotificationConnection']> = {
  edges?: Resolver<Array<ResolversTypes['NotificationEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type NotificationDeadLetterResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['NotificationDeadLetter'] = ResolversParentTypes['NotificationDeadLetter']> = {
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  error?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  eventId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  eventType?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  failedAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  sourceEntryId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type NotificationDeadLetterReplayResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['NotificationDeadLetterReplay'] = ResolversParentTypes['NotificationDeadLetterReplay']> = {
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  eventId?: Resolver<Maybe<ResolversTypes['ID']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type NotificationDeliveryResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['NotificationDelivery'] = ResolversParentTypes['NotificationDelivery']> = {
  attemptLog?: Resolver<Array<ResolversTypes['NotificationDeliveryAttempt']>, ParentType, ContextType>;
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  channel?: Resolver<ResolversTypes['NotificationChannel'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  deliveredAt?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  lastError?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['NotificationDeliveryStatus'], ParentType, ContextType>;
  title?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type NotificationDeliveryAttemptResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['NotificationDeliveryAttempt'] = ResolversParentTypes['NotificationDeliveryAttempt']> = {
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  attempt?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  durationMs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  outcome?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  statusCode?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type NotificationEdgeResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['NotificationEdge'] = ResolversParentTypes['NotificationEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Notification'], ParentType, ContextType>;
};

export type NotificationPreferencesResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['NotificationPreferences'] = ResolversParentTypes['NotificationPreferences']> = {
  channels?: Resolver<Array<ResolversTypes['NotificationChannelPreference']>, ParentType, ContextType>;
  largeTransactionThreshold?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type NotificationWebhookRegistrationResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['NotificationWebhookRegistration'] = ResolversParentTypes['NotificationWebhookRegistration']> = {
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  hasPreviousPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  startCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type QueryResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  notificationDeadLetters?: Resolver<Array<ResolversTypes['NotificationDeadLetter']>, ParentType, ContextType, RequireFields<QueryNotificationDeadLettersArgs, 'first' | 'source'>>;
  notificationDeliveries?: Resolver<Array<ResolversTypes['NotificationDelivery']>, ParentType, ContextType, RequireFields<QueryNotificationDeliveriesArgs, 'first'>>;
  notificationPreferences?: Resolver<ResolversTypes['NotificationPreferences'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  notificationReceived?: SubscriptionResolver<ResolversTypes['Notification'], "notificationReceived", ParentType, ContextType>;
};

export type TransactionResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['Transaction'] = ResolversParentTypes['Transaction']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
};

export type UserResolvers<ContextType = NotificationsContext, ParentType extends ResolversParentTypes['User'] = ResolversParentTypes['User'], FederationReferenceType extends FederationReferenceTypes['User'] = FederationReferenceTypes['User']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['User']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  notifications?: Resolver<ResolversTypes['NotificationConnection'], ParentType, ContextType, RequireFields<UserNotificationsArgs, 'first' | 'unreadOnly'>>;
  unreadNotificationCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type Resolvers<ContextType = NotificationsContext> = {
  DateTime?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Notification?: NotificationResolvers<ContextType>;
  NotificationChannelPreference?: NotificationChannelPreferenceResolvers<ContextType>;
  NotificationConnection?: NotificationConnectionResolvers<ContextType>;
  NotificationDeadLetter?: NotificationDeadLetterResolvers<ContextType>;
  NotificationDeadLetterReplay?: NotificationDeadLetterReplayResolvers<ContextType>;
  NotificationDelivery?: NotificationDeliveryResolvers<ContextType>;
  NotificationDeliveryAttempt?: NotificationDeliveryAttemptResolvers<ContextType>;
  NotificationEdge?: NotificationEdgeResolvers<ContextType>;
  NotificationPreferences?: NotificationPreferencesResolvers<ContextType>;
  NotificationWebhookRegistration?: NotificationWebhookRegistrationResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Transaction?: TransactionResolvers<ContextType>;
  User?: UserResolvers<ContextType>;
};

