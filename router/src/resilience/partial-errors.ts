// The errors a failed subgraph fetch leaves in the response, at the paths it should have filled. Returned to
// the gateway as the fetch's own GraphQL errors, which it maps onto the client's response (an entity fetch's
// `_entities.<i>.<field>` becomes e.g. `account.balance`), so the client gets everything the other subgraphs
// could answer plus an error exactly where data is missing. Messages name the subgraph, never its URL.
import { Kind, parse, type DocumentNode, type SelectionSetNode } from "graphql";
import { ErrorCode } from "#kernel/errors.js";

/** More would only repeat the same news for every element of a long list. */
const MAX_ERRORS = 100;

export interface UnavailableError {
  message: string;
  path?: (string | number)[];
  extensions: { code: string; reason: string };
}

/** Response names of the fields selected directly in a selection set (through inline fragments). */
function topLevelFields(selectionSet: SelectionSetNode | undefined, names = new Set<string>()): Set<string> {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== "__typename") names.add(selection.alias?.value ?? selection.name.value);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      topLevelFields(selection.selectionSet, names);
    }
  }
  return names;
}

export function unavailableErrors(
  subgraph: string,
  reason: string,
  document: DocumentNode | string | undefined,
  variables: Record<string, unknown> | undefined,
): UnavailableError[] {
  const message = reason === "circuit-open" ? `The ${subgraph} service is unavailable (circuit open); retry later` : `The ${subgraph} service is unavailable; retry later`;
  const extensions = { code: ErrorCode.SUBGRAPH_UNAVAILABLE, reason };
  // The fetch's document node is only kept by the planner on request; its text always is (parsed on failure only).
  const parsed = typeof document === "string" ? parseOrUndefined(document) : document;
  const operation = parsed?.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const paths: (string | number)[][] = [];
  for (const selection of operation?.selectionSet.selections ?? []) {
    if (selection.kind !== Kind.FIELD) continue;
    const responseName = selection.alias?.value ?? selection.name.value;
    if (selection.name.value === "_entities") {
      // One error per entity and field this fetch was to add to it.
      const representations = Array.isArray(variables?.representations) ? variables.representations.length : 0;
      const fields = [...topLevelFields(selection.selectionSet)];
      for (let index = 0; index < representations; index++) {
        for (const field of fields) paths.push([responseName, index, field]);
      }
    } else if (responseName !== "__typename") {
      paths.push([responseName]);
    }
  }
  if (paths.length === 0) return [{ message, extensions }];
  return paths.slice(0, MAX_ERRORS).map((path) => ({ message, path, extensions }));
}

function parseOrUndefined(text: string): DocumentNode | undefined {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/**
 * An error as a client may see it: without `extensions.serviceName`, which the query-plan executors add to a
 * subgraph's errors and which would tell clients how the API is split into services. The name is returned
 * apart for logs and traces.
 */
export function withoutServiceName<T extends { extensions?: Record<string, unknown> }>(error: T): { error: T; serviceName?: string } {
  const serviceName = error.extensions?.serviceName;
  if (serviceName === undefined) return { error };
  const { serviceName: _internal, ...extensions } = error.extensions!;
  return { error: { ...error, extensions }, serviceName: typeof serviceName === "string" ? serviceName : undefined };
}
