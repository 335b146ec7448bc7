export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An instant in time, as an ISO 8601 string in UTC with milliseconds (e.g. 2026-01-31T09:30:00.000Z). */
  DateTime: { input: string; output: string; }
  /** Any JSON value. */
  JSON: { input: unknown; output: unknown; }
};

/** Lifecycle state of an account. */
export type AccountStatus =
  /** Usable for credits and debits. */
  | 'ACTIVE'
  /** Permanently closed. */
  | 'CLOSED'
  /** No debits until unfrozen. */
  | 'FROZEN';

/** Kinds of account. */
export type AccountType =
  /** Everyday account for payments. */
  | 'CHECKING'
  /** Account for saving. */
  | 'SAVINGS';

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

/** Part or all of a hold to settle. */
export type CaptureInput = {
  /** Amount to move, at most the held amount; the whole hold when omitted. The rest is released. */
  amount?: InputMaybe<Scalars['String']['input']>;
  /** The hold to capture. */
  holdId: Scalars['ID']['input'];
  /** Unique per caller for each distinct request. */
  idempotencyKey: Scalars['String']['input'];
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

/** A range of UTC days, both ends included, at most 366 days. */
export type DateRange = {
  /** First day, YYYY-MM-DD. */
  from: Scalars['String']['input'];
  /** Last day (included), YYYY-MM-DD. */
  to: Scalars['String']['input'];
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

/** A producing domain whose event stream the notifications consumers read. */
export type EventSource =
  /** Account lifecycle events (accounts subgraph). */
  | 'ACCOUNTS'
  /** Money movements and holds (transactions subgraph). */
  | 'LEDGER'
  /** Identity events (users subgraph). */
  | 'USERS';

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

/** An external delivery channel. */
export type NotificationChannel =
  /** E-mail over SMTP to the user's login address. */
  | 'EMAIL'
  /** Text message through the bank's SMS gateway. */
  | 'SMS'
  /** Signed JSON POSTed to the user's webhook endpoint. */
  | 'WEBHOOK';

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

/** An amount and its currency, e.g. { amount: "5000.00", currency: "USD" }. */
export type NotificationThresholdInput = {
  /** Positive decimal string with at most the currency's number of decimals. */
  amount: Scalars['String']['input'];
  /** ISO 4217 currency code. */
  currency: Scalars['String']['input'];
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

/** Changes to the caller's notification settings; omitted parts stay as they are. */
export type UpdateNotificationPreferencesInput = {
  /** Channel choices per kind. */
  channels?: InputMaybe<Array<NotificationChannelPreferenceInput>>;
  /** New large-transaction threshold. */
  largeTransactionThreshold?: InputMaybe<NotificationThresholdInput>;
};

/** Input of `updateProfile`. */
export type UpdateProfileInput = {
  /** New full name. */
  name?: InputMaybe<Scalars['String']['input']>;
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

export type MyAccountsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyAccountsQuery = { __typename?: 'Query', me: { __typename?: 'User', id: string, name: string, accounts: Array<{ __typename?: 'Account', id: string, number: string, type: AccountType, status: AccountStatus, balance: { __typename?: 'Money', amount: string, currency: string }, availableBalance: { __typename?: 'Money', amount: string, currency: string } }> } };

export type AccountHistoryQueryVariables = Exact<{
  accountId: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type AccountHistoryQuery = { __typename?: 'Query', account?: { __typename?: 'Account', id: string, number: string, balance: { __typename?: 'Money', amount: string, currency: string }, transactions: { __typename?: 'TransactionConnection', edges: Array<{ __typename?: 'TransactionEdge', cursor: string, node: { __typename?: 'Transaction', id: string, kind: TransactionKind, createdAt: string, amount: { __typename?: 'Money', amount: string, currency: string } } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } | null };

export type TransferMutationVariables = Exact<{
  input: TransferInput;
}>;


export type TransferMutation = { __typename?: 'Mutation', transfer: { __typename?: 'TransactionResult', replayed: boolean, transaction: { __typename?: 'Transaction', id: string, kind: TransactionKind, createdAt: string, amount: { __typename?: 'Money', amount: string, currency: string } } } };

export type LoginMutationVariables = Exact<{
  email: Scalars['String']['input'];
  password: Scalars['String']['input'];
  totp?: InputMaybe<Scalars['String']['input']>;
}>;


export type LoginMutation = { __typename?: 'Mutation', login: { __typename?: 'AuthPayload', accessToken: string, refreshToken: string, tokenType: string, expiresIn: number, user: { __typename?: 'User', id: string, email: string, name: string, role: Role } } };

export type RefreshTokenMutationVariables = Exact<{
  token: Scalars['String']['input'];
}>;


export type RefreshTokenMutation = { __typename?: 'Mutation', refreshToken: { __typename?: 'AuthPayload', accessToken: string, refreshToken: string, expiresIn: number } };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename?: 'User', id: string, email: string, name: string, role: Role, status: UserStatus, mfaEnabled: boolean } };

export type MyNotificationsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
}>;


export type MyNotificationsQuery = { __typename?: 'Query', me: { __typename?: 'User', unreadNotificationCount: number, notifications: { __typename?: 'NotificationConnection', edges: Array<{ __typename?: 'NotificationEdge', node: { __typename?: 'Notification', id: string, kind: string, title: string, body: string, createdAt: string } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } };

export type MarkNotificationReadMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type MarkNotificationReadMutation = { __typename?: 'Mutation', markNotificationRead: { __typename?: 'Notification', id: string } };
