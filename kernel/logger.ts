// Structured JSON logs (pino), one logger per service. Every line written while a request is being handled
// carries its `requestId` (set once per request with `withRequestId`, carried by AsyncLocalStorage) and,
// when tracing is on, the `traceId`/`spanId` of the current span, so a log line leads to its trace.
// Secrets and personal data are redacted by path before anything is written.
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type Logger } from "pino";
import { currentTraceIds } from "./tracing.js";

const SECRET_FIELDS = [
  "password",
  "newPassword",
  "currentPassword",
  "passwordHash",
  "token",
  "accessToken",
  "refreshToken",
  "idempotencyKey",
  "authorization",
  "cookie",
  "secret",
  "totp",
  "totpSecret",
  "otp",
  "mfaCode",
  "recoveryCode",
  "privateKey",
  "apiKey",
];
/** Personal data (GDPR): kept out of logs; ids are logged instead. */
const PERSONAL_FIELDS = ["email", "phone", "dateOfBirth", "address", "firstName", "lastName", "iban"];

/** Paths that must never reach a log line: at the top level, one level down, and in GraphQL variables. */
export const REDACTED_PATHS = [
  ...[...SECRET_FIELDS, ...PERSONAL_FIELDS].flatMap((field) => [field, `*.${field}`, `variables.input.${field}`]),
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  'headers["x-fedbank-identity"]',
  "err.config.headers.authorization",
];

interface RequestScope {
  requestId: string;
}

const requestScope = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `requestId` stamped on every log line it (and everything it awaits) writes. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return requestScope.run({ requestId }, fn);
}

/** pino merges the line's own fields into what the mixin returns: a fresh object every time. */
function logContext(): object {
  const scope = requestScope.getStore();
  const ids = currentTraceIds();
  if (!scope && !ids) return {};
  return ids ? { requestId: scope?.requestId, traceId: ids.traceId, spanId: ids.spanId } : { requestId: scope?.requestId };
}

export function createLogger(service: string, level = "info", destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      mixin: logContext,
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
