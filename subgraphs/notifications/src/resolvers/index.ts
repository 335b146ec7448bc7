import { DateTimeScalar } from "../../../../kernel/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { Notification } from "./notification.js";
import { notifications } from "./user-notifications.js";

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Notification,
  User: { notifications },
};
