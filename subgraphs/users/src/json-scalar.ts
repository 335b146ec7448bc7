import { GraphQLScalarType } from "graphql";
import { badUserInput } from "#kernel/errors.js";

/** Output-only JSON documents (the GDPR export); the users API takes no JSON input. */
export const JSONScalar = new GraphQLScalarType({
  name: "JSON",
  description: "Any JSON value.",
  serialize: (value) => JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v))),
  parseValue: () => {
    throw badUserInput("JSON input is not accepted");
  },
  parseLiteral: () => {
    throw badUserInput("JSON input is not accepted");
  },
});
