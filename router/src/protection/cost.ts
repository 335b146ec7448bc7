// Static cost of an operation, computed on the API schema before anything executes (the defaults of the
// Federation demand-control model; the supergraph carries no @cost/@listSize directives yet):
//  - an object, interface or union field costs 1 plus its selections, a scalar or enum field costs 0;
//  - a list field multiplies that by its size: its `first`/`last` argument, else the slicing argument of the
//    field that returned it (a connection's `edges` take the connection's `first`), else a default size;
//  - each root field of a mutation costs 10 more.
// The cost of an operation whose list sizes use no variables is computed once per cached document (the
// operation node of document-cache.ts) and reused; one sized by `first: $n` is computed per request.
import {
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { parseOperationCached } from "./root-fields.js";

export const MUTATION_COST = 10;

/** Variable-free costs by operation node (dropped with the document), for the schema and list size used. */
const staticCosts = new WeakMap<OperationDefinitionNode, { schema: GraphQLSchema; defaultListSize: number; cost: number }>();

function slicingSize(node: FieldNode, variables: Record<string, unknown>, usesVariables: { value: boolean }): number | undefined {
  for (const argument of node.arguments ?? []) {
    if (argument.name.value !== "first" && argument.name.value !== "last") continue;
    if (argument.value.kind === Kind.VARIABLE) usesVariables.value = true;
    const value = argument.value.kind === Kind.INT ? Number(argument.value.value) : argument.value.kind === Kind.VARIABLE ? variables[argument.value.name.value] : undefined;
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  }
  return undefined;
}

export function operationCost(
  schema: GraphQLSchema,
  query: string,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  defaultListSize: number,
): number | null {
  const parsed = parseOperationCached(query, operationName);
  if (!parsed) return null;
  const { operation, fragments } = parsed;
  const known = staticCosts.get(operation);
  if (known && known.schema === schema && known.defaultListSize === defaultListSize) return known.cost;
  const usesVariables = { value: false };
  const root = operation.operation === "query" ? schema.getQueryType() : operation.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return null;

  const fieldCost = (node: FieldNode, field: GraphQLField<unknown, unknown>, sizedBy: number | undefined): number => {
    const nullable = getNullableType(field.type);
    const named = getNamedType(field.type);
    const slicing = slicingSize(node, variables, usesVariables);
    let inner = 0;
    if (isCompositeType(named) && node.selectionSet) {
      inner = 1 + selectionCost(node.selectionSet, named, isListType(nullable) ? undefined : slicing);
    }
    return isListType(nullable) ? (slicing ?? sizedBy ?? defaultListSize) * inner : inner;
  };

  // Each fragment's cost is computed once per list size it is sized by (memoised), never once per spread, so a
  // fragment bomb costs a walk of its text (a cycle, invalid GraphQL, counts 0 on its back edge).
  const fragmentCosts = new Map<string, number>();
  const inProgress = new Set<string>();
  const fragmentCost = (fragment: FragmentDefinitionNode, sizedBy: number | undefined): number => {
    const key = `${fragment.name.value}\u0000${sizedBy ?? ""}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    if (inProgress.has(fragment.name.value)) return 0;
    const type = schema.getType(fragment.typeCondition.name.value);
    if (!type || !isCompositeType(type)) return 0;
    inProgress.add(fragment.name.value);
    const cost = selectionCost(fragment.selectionSet, type, sizedBy);
    inProgress.delete(fragment.name.value);
    fragmentCosts.set(key, cost);
    return cost;
  };

  const selectionCost = (set: SelectionSetNode, parent: GraphQLCompositeType, sizedBy: number | undefined): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (selection.name.value.startsWith("__")) continue;
        const field = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (field) total += fieldCost(selection, field, sizedBy);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        const type = typeName ? schema.getType(typeName) : parent;
        if (type && isCompositeType(type)) total += selectionCost(selection.selectionSet, type, sizedBy);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) total += fragmentCost(fragment, sizedBy);
      }
    }
    return total;
  };

  let cost = selectionCost(operation.selectionSet, root, undefined);
  if (operation.operation === "mutation") {
    const roots = operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD).length;
    cost += MUTATION_COST * Math.max(1, roots);
  }
  if (!usesVariables.value) staticCosts.set(operation, { schema, defaultListSize, cost });
  return cost;
}
