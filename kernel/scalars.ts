import { GraphQLScalarType, Kind } from "graphql";
import { badUserInput } from "./errors.js";

/** ISO 8601 instants in UTC with milliseconds; accepts Date objects and ISO strings from resolvers. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "An instant in time, as an ISO 8601 string in UTC with milliseconds.",
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new TypeError("DateTime cannot represent an invalid date");
    return date.toISOString();
  },
  parseValue(value) {
    return parseInstant(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badUserInput("DateTime must be an ISO 8601 string");
    return parseInstant(ast.value);
  },
});

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Parses an ISO 8601 instant or throws BAD_USER_INPUT (for resolvers that receive DateTime arguments unparsed). */
export function parseInstant(value: unknown): Date {
  if (typeof value !== "string" || !ISO_INSTANT.test(value)) {
    throw badUserInput("DateTime must be an ISO 8601 string such as 2026-01-31T09:30:00Z");
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw badUserInput(`"${value}" is not a valid date`);
  return date;
}
