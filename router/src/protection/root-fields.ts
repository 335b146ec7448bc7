// The root fields an operation will execute, one entry per occurrence (aliases and fragments included), with
// the arguments the auth rate limits key on. Read from the document before execution, so `a: login(...)
// b: login(...)` counts as two login attempts.
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";
import { documentCache } from "../document-cache.js";

export interface RootFieldUse {
  name: string;
  /** Arguments resolved against the variables (only scalars and input objects of scalars matter here). */
  args: Record<string, unknown>;
}

export interface OperationShape {
  type: "query" | "mutation" | "subscription";
  rootFields: RootFieldUse[];
}

/** Parsed once per distinct query text (document-cache.ts); null when it does not parse (Apollo answers that). */
function parseCached(query: string): DocumentNode | null {
  const parsed = documentCache.parse(query, 20_000);
  return parsed.kind === "document" ? parsed.document : null;
}

interface DocumentIndex {
  operations: OperationDefinitionNode[];
  fragments: Map<string, FragmentDefinitionNode>;
}

/** Operations and fragments of a cached document, indexed once (dropped with the document). */
const indexes = new WeakMap<DocumentNode, DocumentIndex>();

function indexOf(document: DocumentNode): DocumentIndex {
  let index = indexes.get(document);
  if (!index) {
    index = {
      operations: document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION),
      fragments: new Map(
        document.definitions.flatMap((definition) => (definition.kind === Kind.FRAGMENT_DEFINITION ? [[definition.name.value, definition] as const] : [])),
      ),
    };
    indexes.set(document, index);
  }
  return index;
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return variables[node.name.value];
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, valueOf(field.value, variables)]));
    case Kind.LIST:
      return node.values.map((value) => valueOf(value, variables));
    default:
      return null;
  }
}

/** The operation a request selects (by name, or the only one) and the document's fragments. */
export function parseOperationCached(
  query: string,
  operationName: string | undefined,
): { operation: OperationDefinitionNode; fragments: Map<string, FragmentDefinitionNode> } | null {
  const document = parseCached(query);
  if (!document) return null;
  const { operations, fragments } = indexOf(document);
  const operation = operationName ? operations.find((candidate) => candidate.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) return null;
  return { operation, fragments };
}

export function operationShape(query: string, operationName: string | undefined, variables: Record<string, unknown>): OperationShape | null {
  const parsed = parseOperationCached(query, operationName);
  if (!parsed) return null;
  const { operation, fragments } = parsed;
  const rootFields: RootFieldUse[] = [];
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const args = Object.fromEntries((selection.arguments ?? []).map((argument) => [argument.name.value, valueOf(argument.value, variables)]));
        rootFields.push({ name: selection.name.value, args });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet);
      } else {
        const fragment = fragments.get(selection.name.value);
        // A spread used twice is still one execution of its fields (GraphQL merges them); cycles are invalid.
        if (fragment && !visited.has(fragment.name.value)) {
          visited.add(fragment.name.value);
          collect(fragment.selectionSet);
        }
      }
    }
  };
  collect(operation.selectionSet);
  return { type: operation.operation as OperationShape["type"], rootFields };
}

/** The type of the operation a request selects, or null when it does not parse or names no operation. */
export function operationTypeOf(query: string, operationName: string | undefined): OperationShape["type"] | null {
  return (parseOperationCached(query, operationName)?.operation.operation as OperationShape["type"] | undefined) ?? null;
}
