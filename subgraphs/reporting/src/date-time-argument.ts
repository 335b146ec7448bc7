// The router cannot check a custom scalar's format (a supergraph scalar accepts any value), so a malformed
// DateTime reaches this subgraph. Refused during variable coercion or validation, it becomes an HTTP 400 for
// the whole subgraph request, which the router treats as a router/subgraph mismatch and masks as
// INTERNAL_SERVER_ERROR. So DateTime arguments pass through as given and the resolver parses them
// (`dateTimeArgument`), answering BAD_USER_INPUT naming the argument (issue 14). Output is the usual scalar.
import { GraphQLScalarType, Kind, type ValueNode } from "graphql";
import { badUserInput } from "#kernel/errors.js";
import { DateTimeScalar, parseInstant } from "#kernel/scalars.js";

/** A literal's value for the resolver to judge: strings as they are, anything else as a marker that fails. */
function literalValue(ast: ValueNode): unknown {
  return ast.kind === Kind.STRING ? ast.value : { invalidLiteral: ast.kind };
}

export const DateTimeArgumentScalar = new GraphQLScalarType<Date | unknown, string>({
  name: "DateTime",
  description: DateTimeScalar.description,
  serialize: (value) => DateTimeScalar.serialize(value),
  parseValue: (value) => value,
  parseLiteral: (ast) => literalValue(ast),
});

/** The instant a DateTime argument names, or BAD_USER_INPUT with the argument's name. */
export function dateTimeArgument(value: unknown, field: string): Date {
  if (value instanceof Date) return value;
  try {
    return parseInstant(value);
  } catch {
    throw badUserInput(`\`${field}\` must be an ISO 8601 instant such as 2026-01-31T09:30:00Z`, { field });
  }
}
