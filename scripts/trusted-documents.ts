// Writes the trusted-documents manifest (schema/trusted-documents.json) from the operations the clients
// ship: the .graphql files under schema/operations/ and the playground's example tabs. Each operation is
// validated against the supergraph's API schema and stored in Apollo's persisted-query-manifest shape, its
// id the sha256 of its body (what clients send as `extensions.persistedQuery.sha256Hash`).
// `--check` fails when the committed manifest differs from a fresh one (like compose:check).
import { readFile, readdir, writeFile } from "node:fs/promises";
import { Kind, parse, print, validate, visit, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema } from "graphql";
import { EXAMPLE_TABS } from "../router/src/playground/examples.js";
import { sha256Hex, type PersistedQueryManifest } from "../router/src/protection/trusted-documents.js";

export const OPERATIONS_DIR = new URL("../schema/operations/", import.meta.url);
export const MANIFEST_URL = new URL("../schema/trusted-documents.json", import.meta.url);
const SUPERGRAPH_URL = new URL("../schema/supergraph.graphql", import.meta.url);

/** The fragments an operation uses, transitively. */
function usedFragments(node: unknown, fragments: Map<string, FragmentDefinitionNode>, found = new Map<string, FragmentDefinitionNode>()) {
  visit(node as DocumentNode, {
    FragmentSpread(spread) {
      const name = spread.name.value;
      const fragment = fragments.get(name);
      if (!fragment || found.has(name)) return;
      found.set(name, fragment);
      usedFragments(fragment, fragments, found);
    },
  });
  return found;
}

/** One manifest entry per operation of a document (with the fragments it needs), validated. */
function operationsOf(source: string, origin: string, schema: GraphQLSchema): PersistedQueryManifest["operations"] {
  const document = parse(source);
  const fragments = new Map(
    document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  const entries: PersistedQueryManifest["operations"] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    if (!definition.name) throw new Error(`${origin}: every trusted operation needs a name`);
    const single: DocumentNode = { kind: Kind.DOCUMENT, definitions: [definition, ...usedFragments(definition, fragments).values()] };
    const errors = validate(schema, single);
    if (errors.length > 0) throw new Error(`${origin}: ${definition.name.value} is not valid: ${errors.map((error) => error.message).join("; ")}`);
    const body = print(single);
    entries.push({ id: sha256Hex(body), name: definition.name.value, type: definition.operation, body });
  }
  return entries;
}

export async function buildManifest(): Promise<PersistedQueryManifest> {
  // The API schema clients see, as the gateway derives it (no join or inaccessible parts).
  const { Supergraph } = await import("@apollo/federation-internals");
  const schema = Supergraph.build(await readFile(SUPERGRAPH_URL, "utf8"), { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
  const operations: PersistedQueryManifest["operations"] = [];
  const files = (await readdir(OPERATIONS_DIR)).filter((file) => file.endsWith(".graphql")).sort();
  for (const file of files) operations.push(...operationsOf(await readFile(new URL(file, OPERATIONS_DIR), "utf8"), `schema/operations/${file}`, schema));
  // Playground tabs for features not served yet are left out until they are.
  for (const tab of EXAMPLE_TABS.filter((example) => !example.future)) operations.push(...operationsOf(tab.query, `playground tab "${tab.title}"`, schema));
  // The same operation in two places is listed once; two different bodies under one name would confuse logs.
  const byId = new Map<string, PersistedQueryManifest["operations"][number]>();
  for (const operation of operations) byId.set(operation.id, operation);
  return { format: "apollo-persisted-query-manifest", version: 1, operations: [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id)) };
}

async function main() {
  const manifest = `${JSON.stringify(await buildManifest(), null, 2)}\n`;
  if (process.argv.includes("--check")) {
    const committed = await readFile(MANIFEST_URL, "utf8").catch(() => "");
    if (committed !== manifest) {
      console.error("schema/trusted-documents.json is stale: run `npm run trusted-documents`");
      process.exit(1);
    }
    console.log("schema/trusted-documents.json is up to date");
    return;
  }
  await writeFile(MANIFEST_URL, manifest);
  console.log(`wrote ${MANIFEST_URL.pathname}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
