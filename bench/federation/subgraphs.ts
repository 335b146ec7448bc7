// The four in-memory subgraphs of The Guild's public federation gateway benchmark (accounts, products,
// reviews, inventory), with fixed deterministic data, so scenario (4) of `npm run bench` measures the
// gateway's own cost and nothing else. One process serves all four, each on its own port at /graphql
// (plus /health and /ready, which our router's readiness check calls). Parsed and validated documents are
// cached per query text, so the subgraphs stay cheap next to the gateway under test.
import { createServer, type Server } from "node:http";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";

export const SUBGRAPH_NAMES = ["accounts", "inventory", "products", "reviews"] as const;
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

interface UserRow {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
interface ProductRow {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
interface ReviewRow {
  id: string;
  body: string;
  authorId: string;
  productUpc: string;
}

// Deterministic data: 6 users, 9 products, 2 reviews per user spread over the products.
const users: UserRow[] = Array.from({ length: 6 }, (_, i) => ({ id: String(i + 1), name: `User ${i + 1}`, username: `user${i + 1}`, birthday: 1_000 + i }));
const products: ProductRow[] = Array.from({ length: 9 }, (_, i) => ({ upc: String(i + 1), name: `Product ${i + 1}`, price: 100 * (i + 1) + 899 * (i % 2), weight: 10 + i * 7 }));
const reviews: ReviewRow[] = users.flatMap((user, u) =>
  [0, 1].map((k) => ({ id: String(u * 2 + k + 1), body: `Review ${u * 2 + k + 1} by ${user.username}`, authorId: user.id, productUpc: products[(u * 2 + k) % products.length]!.upc })),
);
const inventory = new Map(products.map((product, i) => [product.upc, { inStock: i % 3 !== 0 }]));

const FED = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides"])`;

export const typeDefs: Record<SubgraphName, string> = {
  accounts: `${FED}
    type Query { me: User, user(id: ID!): User, users: [User] }
    type User @key(fields: "id") { id: ID! name: String username: String @shareable birthday: Int }`,
  inventory: `${FED}
    type Product @key(fields: "upc") { upc: String! weight: Int @external price: Int @external inStock: Boolean shippingEstimate: Int @requires(fields: "price weight") }`,
  products: `${FED}
    type Query { topProducts(first: Int = 5): [Product] }
    type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`,
  reviews: `${FED}
    type Review @key(fields: "id") { id: ID! body: String author: User @provides(fields: "username") product: Product }
    type User @key(fields: "id") { id: ID! username: String @external reviews: [Review] }
    type Product @key(fields: "upc") { upc: String! reviews: [Review] }`,
};

const userById = new Map(users.map((user) => [user.id, user]));
const productByUpc = new Map(products.map((product) => [product.upc, product]));

type Resolvers = Parameters<typeof buildSubgraphSchema>[0] extends infer T ? (T extends readonly (infer M)[] ? M extends { resolvers?: infer R } ? R : never : never) : never;

const resolvers: Record<SubgraphName, Resolvers> = {
  accounts: {
    Query: { me: () => users[0], user: (_: unknown, { id }: { id: string }) => userById.get(id) ?? null, users: () => users },
    User: { __resolveReference: (reference: { id: string }) => userById.get(reference.id) ?? null },
  } as Resolvers,
  inventory: {
    Product: {
      __resolveReference: (reference: { upc: string; price?: number; weight?: number }) => ({ ...reference, ...inventory.get(reference.upc) }),
      shippingEstimate: (product: { price?: number; weight?: number }) => ((product.price ?? 0) > 1_000 ? 0 : Math.round((product.weight ?? 0) / 2)),
    },
  } as Resolvers,
  products: {
    Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
    Product: { __resolveReference: (reference: { upc: string }) => productByUpc.get(reference.upc) ?? null },
  } as Resolvers,
  reviews: {
    Review: {
      __resolveReference: (reference: { id: string }) => reviews.find((review) => review.id === reference.id) ?? null,
      author: (review: ReviewRow) => ({ __typename: "User", id: review.authorId, username: userById.get(review.authorId)?.username }),
      product: (review: ReviewRow) => ({ __typename: "Product", upc: review.productUpc }),
    },
    User: { reviews: (user: { id: string }) => reviews.filter((review) => review.authorId === user.id) },
    Product: { reviews: (product: { upc: string }) => reviews.filter((review) => review.productUpc === product.upc) },
  } as Resolvers,
};

export function subgraphSchema(name: SubgraphName): GraphQLSchema {
  return buildSubgraphSchema([{ typeDefs: parse(typeDefs[name]), resolvers: resolvers[name] }]);
}

/** Serves one subgraph schema over GraphQL-over-HTTP (POST JSON) with a per-text document cache. */
function serveSubgraph(schema: GraphQLSchema): Server {
  const documents = new Map<string, DocumentNode | readonly Error[]>();
  let operations = 0;
  return createServer((req, res) => {
    // GraphQL requests served so far (the bench compares gateways' subgraph fetches per client request).
    if (req.url === "/stats") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ operations }));
      return;
    }
    if (req.url === "/health" || req.url === "/ready") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      operations += 1;
      const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      try {
        const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { query: string; variables?: Record<string, unknown>; operationName?: string };
        let document = documents.get(query);
        if (!document) {
          const parsed = parse(query);
          const errors = validate(schema, parsed);
          document = errors.length ? errors : parsed;
          if (documents.size > 1_000) documents.clear();
          documents.set(query, document);
        }
        if (Array.isArray(document)) return send(400, { errors: document.map((error) => ({ message: error.message })) });
        send(200, await execute({ schema, document: document as DocumentNode, variableValues: variables, operationName }));
      } catch (error) {
        send(400, { errors: [{ message: error instanceof Error ? error.message : String(error) }] });
      }
    });
  });
}

/** Starts the four subgraphs on free loopback ports; returns their URLs and a stop function. */
export async function startFederationSubgraphs(ports: Partial<Record<SubgraphName, number>> = {}) {
  const servers: Server[] = [];
  const urls = {} as Record<SubgraphName, string>;
  for (const name of SUBGRAPH_NAMES) {
    const server = serveSubgraph(subgraphSchema(name));
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => server.listen(ports[name] ?? 0, "127.0.0.1", () => resolve()));
    const address = server.address();
    urls[name] = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/graphql`;
    servers.push(server);
  }
  return {
    urls,
    async stop() {
      await Promise.all(servers.map((server) => new Promise((resolve) => { server.close(resolve); server.closeAllConnections(); })));
    },
  };
}

// Run as a process: `node --import tsx bench/federation/subgraphs.ts` prints the URLs as one JSON line.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { urls } = await startFederationSubgraphs();
  process.stdout.write(`${JSON.stringify(urls)}\n`);
}
