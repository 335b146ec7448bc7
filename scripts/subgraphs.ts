// The six subgraphs, their conventional ports, and where their SDL lives: one list for every script.
export const SUBGRAPHS = [
  { name: "users", port: 4001 },
  { name: "accounts", port: 4002 },
  { name: "transactions", port: 4003 },
  { name: "notifications", port: 4004 },
  { name: "audit", port: 4005 },
  { name: "reporting", port: 4006 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]["name"];

export const schemaFileUrl = (name: string) => new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url);
