import type { RequestBase } from "../../../kernel/subgraph-server.js";
import type { NotificationsDb } from "./db.js";
import type { NotificationLoaders } from "./loaders.js";

export interface NotificationsContext extends RequestBase {
  db: NotificationsDb;
  loaders: NotificationLoaders;
}
