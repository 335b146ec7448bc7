import { DateTimeScalar } from "../../../../kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { AuditEvent } from "./audit-event.js";
import { auditEvents } from "./audit-events.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { auditEvents },
  AuditEvent,
};
