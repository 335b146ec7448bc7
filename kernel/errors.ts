// Errors a client must be able to handle carry a stable `extensions.code`. Everything else is masked.
import { GraphQLError, type GraphQLFormattedError } from "graphql";

export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  NOT_FOUND: "NOT_FOUND",
  INVALID_CREDENTIALS: "INVALID_CREDENTIALS",
  ACCOUNT_LOCKED: "ACCOUNT_LOCKED",
  // Identity (users subgraph, router).
  MFA_REQUIRED: "MFA_REQUIRED",
  INVALID_MFA_CODE: "INVALID_MFA_CODE",
  WEAK_PASSWORD: "WEAK_PASSWORD",
  EMAIL_TAKEN: "EMAIL_TAKEN",
  INVALID_REFRESH_TOKEN: "INVALID_REFRESH_TOKEN",
  TOO_MANY_ATTEMPTS: "TOO_MANY_ATTEMPTS",
  /** A security-sensitive change needs step-up: the current password (and TOTP with MFA) or a fresh login. */
  REAUTHENTICATION_REQUIRED: "REAUTHENTICATION_REQUIRED",
  RATE_LIMITED: "RATE_LIMITED",
  // Ledger and account lifecycle (accounts and transactions subgraphs).
  INVALID_AMOUNT: "INVALID_AMOUNT",
  INVALID_ACCOUNT_NUMBER: "INVALID_ACCOUNT_NUMBER",
  INSUFFICIENT_FUNDS: "INSUFFICIENT_FUNDS",
  ACCOUNT_FROZEN: "ACCOUNT_FROZEN",
  ACCOUNT_CLOSED: "ACCOUNT_CLOSED",
  ACCOUNT_NOT_EMPTY: "ACCOUNT_NOT_EMPTY",
  CURRENCY_MISMATCH: "CURRENCY_MISMATCH",
  SAME_ACCOUNT: "SAME_ACCOUNT",
  IDEMPOTENCY_KEY_REUSED: "IDEMPOTENCY_KEY_REUSED",
  IDEMPOTENCY_CONFLICT: "IDEMPOTENCY_CONFLICT",
  HOLD_NOT_PENDING: "HOLD_NOT_PENDING",
  ALREADY_REVERSED: "ALREADY_REVERSED",
  INVALID_STATE: "INVALID_STATE",
  RECONCILIATION_FAILED: "RECONCILIATION_FAILED",
  SERVICE_UNAVAILABLE: "SERVICE_UNAVAILABLE",
  /** Router: a subgraph could not be reached (down, failing, or its circuit open); the rest of the data is there. */
  SUBGRAPH_UNAVAILABLE: "SUBGRAPH_UNAVAILABLE",
  /** Router: the operation is not in the trusted-documents manifest (TRUSTED_DOCUMENTS=strict). */
  OPERATION_NOT_TRUSTED: "OPERATION_NOT_TRUSTED",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Codes whose messages are written for clients and may be shown as they are. */
const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((code) => code !== ErrorCode.INTERNAL_SERVER_ERROR),
  // Produced by Apollo Server itself for malformed operations.
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
]);

/** True for codes whose messages are written for clients (everything but internal errors). */
export function isClientCode(code: unknown): code is string {
  return typeof code === "string" && CLIENT_CODES.has(code);
}

export function domainError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const unauthenticated = (message = "Authentication required") =>
  domainError(ErrorCode.UNAUTHENTICATED, message);
export const forbidden = (message = "Not allowed") => domainError(ErrorCode.FORBIDDEN, message);
export const badUserInput = (message: string, extra: Record<string, unknown> = {}) =>
  domainError(ErrorCode.BAD_USER_INPUT, message, extra);
export const notFound = (message: string) => domainError(ErrorCode.NOT_FOUND, message);

/**
 * Keeps client-facing errors and replaces anything unexpected (database errors, bugs) with a generic
 * message: no stack, no SQL, no internal names leave the process. The original is logged by the caller.
 */
export function maskError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (isClientCode(formatted.extensions?.code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  return {
    message: "Internal server error",
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}
