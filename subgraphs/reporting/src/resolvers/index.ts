import { DateTimeScalar } from "../../../../kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { accountStatement } from "./account-statement.js";
import { AccountStatement, StatementEntry } from "./statement-fields.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { accountStatement },
  AccountStatement,
  StatementEntry,
};
