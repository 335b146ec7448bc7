// Enforces the federation authorization directives composed into the supergraph (`@authenticated`,
// `@requiresScopes`, `@policy`) before the gateway plans an operation, with Apollo Router's semantics:
// unauthorized fields are removed from the operation, each reported as an error at its path
// (UNAUTHENTICATED without a token, FORBIDDEN otherwise), the rest is planned and answered, and a removed
// field reads as null in the response (bubbling to the nearest nullable parent when it is non-null). An
// operation with nothing authorized left is refused before any subgraph is called.
//
// @apollo/gateway 2.14 refuses a supergraph that links these `for: SECURITY` features, so the gateway is
// given a copy with them stripped (`splitSecurityDirectives`) while this module reads them.
import { createHash } from "node:crypto";
import type { ApolloServerPlugin, GraphQLRequestContextDidResolveOperation } from "@apollo/server";
import {
  Kind,
  TypeInfo,
  getNamedType,
  getNullableType,
  isAbstractType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  parse,
  print,
  visit,
  visitWithTypeInfo,
  type ConstDirectiveNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { LRUCache } from "lru-cache";
import type { Caller } from "#kernel/identity.js";
import type { RouterContext } from "./context.js";

const SECURITY_SPECS = {
  authenticated: "https://specs.apollo.dev/authenticated/",
  requiresScopes: "https://specs.apollo.dev/requiresScopes/",
  policy: "https://specs.apollo.dev/policy/",
} as const;

/** What one schema element demands. Outer lists are OR, inner lists AND; every directive must pass. */
export interface Requirement {
  authenticated: boolean;
  scopes: string[][][];
  policies: string[][][];
}

export interface AuthorizationMetadata {
  /** By type name (object, interface, scalar, enum). */
  types: Map<string, Requirement>;
  /** By coordinate `Type.field`. */
  fields: Map<string, Requirement>;
}

const emptyRequirement = (): Requirement => ({ authenticated: false, scopes: [], policies: [] });
const isEmpty = (r: Requirement) => !r.authenticated && r.scopes.length === 0 && r.policies.length === 0;

function stringLists(value: ValueNode | undefined): string[][] {
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) => (inner.kind === Kind.LIST ? inner.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : []));
}

/**
 * Reads the authorization directives out of a supergraph and returns them with a copy of the supergraph
 * the gateway accepts (their @link, definitions, scalars and applications removed).
 */
export function splitSecurityDirectives(supergraphSdl: string): { gatewaySdl: string; metadata: AuthorizationMetadata } {
  const document = parse(supergraphSdl);
  // Directive names as linked (`as:` renames them; the default is the spec's name).
  const names = new Map<string, keyof typeof SECURITY_SPECS>();
  const specPrefixes = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.SCHEMA_DEFINITION && definition.kind !== Kind.SCHEMA_EXTENSION) continue;
    for (const directive of definition.directives ?? []) {
      if (directive.name.value !== "link") continue;
      const url = directive.arguments?.find((a) => a.name.value === "url")?.value;
      const as = directive.arguments?.find((a) => a.name.value === "as")?.value;
      if (url?.kind !== Kind.STRING) continue;
      for (const [spec, prefix] of Object.entries(SECURITY_SPECS) as [keyof typeof SECURITY_SPECS, string][]) {
        if (!url.value.startsWith(prefix)) continue;
        const name = as?.kind === Kind.STRING ? as.value : spec;
        names.set(name, spec);
        specPrefixes.add(`${name}__`);
      }
    }
  }

  const metadata: AuthorizationMetadata = { types: new Map(), fields: new Map() };
  const readRequirement = (directives: readonly ConstDirectiveNode[] | undefined): Requirement | null => {
    const requirement = emptyRequirement();
    for (const directive of directives ?? []) {
      const spec = names.get(directive.name.value);
      if (spec === "authenticated") requirement.authenticated = true;
      if (spec === "requiresScopes") requirement.scopes.push(stringLists(directive.arguments?.find((a) => a.name.value === "scopes")?.value));
      if (spec === "policy") requirement.policies.push(stringLists(directive.arguments?.find((a) => a.name.value === "policies")?.value));
    }
    return isEmpty(requirement) ? null : requirement;
  };
  for (const definition of document.definitions) {
    if (
      definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
      definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
      definition.kind === Kind.SCALAR_TYPE_DEFINITION ||
      definition.kind === Kind.ENUM_TYPE_DEFINITION
    ) {
      const typeRequirement = readRequirement(definition.directives);
      if (typeRequirement) metadata.types.set(definition.name.value, typeRequirement);
      if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
        for (const field of definition.fields ?? []) {
          const fieldRequirement = readRequirement(field.directives);
          if (fieldRequirement) metadata.fields.set(`${definition.name.value}.${field.name.value}`, fieldRequirement);
        }
      }
    }
  }

  const isSecurity = (name: string) => names.has(name) || [...specPrefixes].some((prefix) => name.startsWith(prefix));
  const stripped = visit(document, {
    Directive(node) {
      if (names.has(node.name.value)) return null;
      if (node.name.value === "link") {
        const url = node.arguments?.find((a) => a.name.value === "url")?.value;
        if (url?.kind === Kind.STRING && Object.values(SECURITY_SPECS).some((prefix) => url.value.startsWith(prefix))) return null;
      }
      return undefined;
    },
    DirectiveDefinition(node) {
      return isSecurity(node.name.value) ? null : undefined;
    },
    ScalarTypeDefinition(node) {
      return isSecurity(node.name.value) ? null : undefined;
    },
  });
  return { gatewaySdl: print(stripped), metadata };
}

/** Named policies, evaluated in the router from the verified caller. Unknown policies deny. */
export type PolicyEvaluator = (caller: Caller, nowSeconds: number) => boolean;

/** The login that started the session was at most this long ago. */
export const RECENT_LOGIN_SECONDS = 15 * 60;

export const POLICIES: Readonly<Record<string, PolicyEvaluator>> = {
  recent_login: (caller, now) => caller.authTime !== undefined && caller.authTime >= now - RECENT_LOGIN_SECONDS,
};

interface RemovedField {
  path: string[];
  code: "UNAUTHENTICATED" | "FORBIDDEN";
  coordinate: string;
}

export interface OperationAnalysis {
  /** Coordinates (`Type.field`) removed for this caller class. */
  removed: ReadonlySet<string>;
  errors: readonly RemovedField[];
  /** The operation to plan instead of the client's, when something was removed. */
  document?: DocumentNode;
  queryHash?: string;
  /** Nothing authorized left: answer with the errors and call no subgraph. */
  rejected: boolean;
}

const PLACEHOLDER = "__fedbank_authz_empty";

export class OperationAuthorizer {
  private readonly cache: LRUCache<string, OperationAnalysis>;
  private readonly coordinateRequirements = new Map<string, Requirement[]>();
  /** Every policy name the schema uses, sorted. */
  private readonly policyNames: readonly string[];

  constructor(
    private readonly metadata: AuthorizationMetadata,
    private readonly policies: Readonly<Record<string, PolicyEvaluator>> = POLICIES,
    cacheSize = 2_000,
  ) {
    this.cache = new LRUCache({ max: cacheSize });
    const names = new Set<string>();
    for (const requirement of [...metadata.types.values(), ...metadata.fields.values()]) {
      for (const lists of requirement.policies) for (const list of lists) for (const name of list) names.add(name);
    }
    this.policyNames = [...names].sort();
  }

  /** The caller's scopes and the result of every policy the schema uses: the part of the cache key. */
  private callerClass(caller: Caller | null, now: number): { key: string; policyResults: Map<string, boolean> } {
    const policyResults = new Map<string, boolean>();
    if (!caller) return { key: "anonymous", policyResults };
    for (const name of this.policyNames) policyResults.set(name, this.policies[name]?.(caller, now) ?? false);
    const policies = [...policyResults].map(([name, ok]) => `${name}=${ok ? 1 : 0}`).join(",");
    return { key: `${[...(caller.scopes ?? [])].sort().join(" ")}|${policies}`, policyResults };
  }

  /** The requirements of a field: its own, its return type's, and (through an interface) its implementations'. */
  private requirementsOf(schema: GraphQLSchema, parent: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): Requirement[] {
    const coordinate = `${parent.name}.${field.name}`;
    let requirements = this.coordinateRequirements.get(coordinate);
    if (requirements) return requirements;
    requirements = [];
    const own = this.metadata.fields.get(coordinate);
    if (own) requirements.push(own);
    const returned = this.metadata.types.get(getNamedType(field.type).name);
    if (returned) requirements.push(returned);
    const parentType = this.metadata.types.get(parent.name);
    if (parentType) requirements.push(parentType);
    if (isInterfaceType(parent)) {
      for (const implementation of schema.getPossibleTypes(parent)) {
        const implemented = this.metadata.fields.get(`${implementation.name}.${field.name}`);
        if (implemented) requirements.push(implemented);
      }
    }
    this.coordinateRequirements.set(coordinate, requirements);
    return requirements;
  }

  private allowed(requirements: Requirement[], caller: Caller | null, policyResults: Map<string, boolean>): boolean {
    for (const requirement of requirements) {
      if (!caller) return false;
      const scopes = new Set<string>(caller.scopes ?? []);
      for (const alternatives of requirement.scopes) {
        if (!alternatives.some((all) => all.every((scope) => scopes.has(scope)))) return false;
      }
      for (const alternatives of requirement.policies) {
        if (!alternatives.some((all) => all.every((name) => policyResults.get(name) === true))) return false;
      }
    }
    return true;
  }

  analyze(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | null,
    queryHash: string,
    caller: Caller | null,
    now = Math.floor(Date.now() / 1000),
  ): OperationAnalysis {
    const { key: callerKey, policyResults } = this.callerClass(caller, now);
    const cacheKey = `${queryHash}\u0000${operationName ?? ""}\u0000${callerKey}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;

    const operation = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (operationName === null || d.name?.value === operationName),
    );
    const fragments = new Map(
      document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    );
    const removed = new Set<string>();
    const errors: RemovedField[] = [];
    const code = caller ? "FORBIDDEN" : "UNAUTHENTICATED";

    // Walk the operation from its root, fragments expanded, to find every removed field and its path. Each
    // fragment is walked once per parent type (memoised: its removed fields with paths relative to the spread),
    // never once per spread; a path reached twice (repeated spreads merge) is reported once.
    type Found = { path: string[]; coordinate: string };
    const fragmentFinds = new Map<string, Found[]>();
    const inProgress = new Set<string>();
    const collect = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, found: Found[], seen: Set<string>, prefix: string[]) => {
      const add = (path: string[], coordinate: string) => {
        const full = [...prefix, ...path];
        const key = full.join("\u0000");
        if (seen.has(key)) return;
        seen.add(key);
        found.push({ path: full, coordinate });
      };
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          const name = selection.name.value;
          if (name.startsWith("__")) continue;
          if (!isObjectType(parent) && !isInterfaceType(parent)) continue;
          const field = parent.getFields()[name];
          if (!field) continue;
          const responseName = selection.alias?.value ?? name;
          if (!this.allowed(this.requirementsOf(schema, parent, field), caller, policyResults)) {
            removed.add(`${parent.name}.${name}`);
            add([responseName], `${parent.name}.${name}`);
            continue;
          }
          const named = getNamedType(field.type);
          if (selection.selectionSet && (isObjectType(named) || isInterfaceType(named) || isAbstractType(named))) {
            collect(selection.selectionSet, named as GraphQLCompositeType, found, seen, [...prefix, responseName]);
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
          collect(selection.selectionSet, (condition ?? parent) as GraphQLCompositeType, found, seen, prefix);
        } else {
          const fragment = fragments.get(selection.name.value);
          if (!fragment || inProgress.has(fragment.name.value)) continue;
          const condition = (schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType | undefined) ?? parent;
          const key = `${fragment.name.value}\u0000${condition.name}`;
          let inner = fragmentFinds.get(key);
          if (!inner) {
            inner = [];
            inProgress.add(fragment.name.value);
            collect(fragment.selectionSet, condition, inner, new Set(), []);
            inProgress.delete(fragment.name.value);
            fragmentFinds.set(key, inner);
          }
          for (const each of inner) add(each.path, each.coordinate);
        }
      }
    };
    const rootType = operation ? schema.getRootType(operation.operation) : undefined;
    const found: Found[] = [];
    if (operation && rootType) collect(operation.selectionSet, rootType, found, new Set(), []);
    for (const each of found) errors.push({ path: each.path, code, coordinate: each.coordinate });

    let analysis: OperationAnalysis;
    if (removed.size === 0) {
      analysis = { removed, errors, rejected: false };
    } else {
      const rewritten = this.removeFields(schema, document, removed);
      const rewrittenOperation = rewritten.definitions.find(
        (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (operationName === null || d.name?.value === operationName),
      );
      const rootLeft = (rewrittenOperation?.selectionSet.selections ?? []).some(
        (s) => !(s.kind === Kind.FIELD && s.alias?.value === PLACEHOLDER),
      );
      analysis = {
        removed,
        errors,
        rejected: !rootLeft,
        document: rewritten,
        queryHash: createHash("sha256").update(queryHash).update("\u0000authz\u0000").update([...removed].sort().join(",")).digest("hex"),
      };
    }
    this.cache.set(cacheKey, analysis);
    return analysis;
  }

  /**
   * The document without the removed fields; a selection set left empty keeps a placeholder `__typename`;
   * fragments and variable definitions only the removed fields used are dropped, so the result validates.
   */
  private removeFields(schema: GraphQLSchema, document: DocumentNode, removed: ReadonlySet<string>): DocumentNode {
    const typeInfo = new TypeInfo(schema);
    const trimmed = visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field(node) {
          const parent = typeInfo.getParentType();
          if (parent && removed.has(`${parent.name}.${node.name.value}`)) return null;
          return undefined;
        },
        SelectionSet: {
          leave(node) {
            if (node.selections.length > 0) return undefined;
            const placeholder: FieldNode = {
              kind: Kind.FIELD,
              alias: { kind: Kind.NAME, value: PLACEHOLDER },
              name: { kind: Kind.NAME, value: "__typename" },
            };
            return { ...node, selections: [placeholder] };
          },
        },
      }),
    );
    return dropUnused(trimmed);
  }
}

/** Removes fragment definitions no operation reaches and variable definitions an operation no longer uses. */
function dropUnused(document: DocumentNode): DocumentNode {
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  const reachable = new Set<string>();
  const variablesOf = (node: SelectionSetNode, seen: Set<string>, variables: Set<string>) => {
    visit(node, {
      Variable(variable) {
        variables.add(variable.name.value);
      },
      FragmentSpread(spread) {
        const name = spread.name.value;
        if (seen.has(name)) return;
        seen.add(name);
        reachable.add(name);
        const fragment = fragments.get(name);
        if (fragment) variablesOf(fragment.selectionSet, seen, variables);
      },
    });
    return variables;
  };
  const definitions = document.definitions.map((definition) => {
    if (definition.kind !== Kind.OPERATION_DEFINITION) return definition;
    const used = variablesOf(definition.selectionSet, new Set(), new Set());
    for (const directive of definition.directives ?? []) visit(directive, { Variable: (v) => void used.add(v.name.value) });
    const variableDefinitions = definition.variableDefinitions?.filter((v) => used.has(v.variable.name.value));
    return { ...definition, variableDefinitions };
  });
  return {
    ...document,
    definitions: definitions.filter((d) => d.kind !== Kind.FRAGMENT_DEFINITION || reachable.has(d.name.value)),
  };
}

/**
 * Shapes a response to the client's original operation: each removed field reads null, a null in a
 * non-null position nulls the nearest nullable parent, placeholders are dropped. Returns the new data.
 */
export function nullRemovedFields(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
  removed: ReadonlySet<string>,
  data: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null | undefined {
  if (!data) return data;
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (operationName === null || d.name?.value === operationName),
  );
  const rootType = operation ? schema.getRootType(operation.operation) : undefined;
  if (!operation || !rootType) return data;
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );

  const appliesTo = (conditionName: string | undefined, parent: GraphQLCompositeType, object: Record<string, unknown>) => {
    if (!conditionName || conditionName === parent.name) return true;
    const typename = object.__typename;
    if (typeof typename === "string") {
      if (typename === conditionName) return true;
      const condition = schema.getType(conditionName);
      const concrete = schema.getType(typename);
      return !!condition && isAbstractType(condition) && isObjectType(concrete) && schema.isSubType(condition, concrete);
    }
    return isAbstractType(parent) || isInterfaceType(schema.getType(conditionName));
  };

  /** False when the object must become null (a non-null field of it is null). */
  const shapeObject = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, object: Record<string, unknown>): boolean => {
    delete object[PLACEHOLDER];
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition?.name.value;
        if (!appliesTo(condition, parent, object)) continue;
        const type = (condition ? schema.getType(condition) : parent) as GraphQLCompositeType;
        if (!shapeObject(selection.selectionSet, type, object)) return false;
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || !appliesTo(fragment.typeCondition.name.value, parent, object)) continue;
        if (!shapeObject(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType, object)) return false;
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith("__") || (!isObjectType(parent) && !isInterfaceType(parent))) continue;
      const field = parent.getFields()[name];
      if (!field) continue;
      const key = selection.alias?.value ?? name;
      if (removed.has(`${parent.name}.${name}`)) {
        if (isNonNullType(field.type)) return false;
        object[key] = null;
        continue;
      }
      const value = object[key];
      if (value === null || value === undefined || !selection.selectionSet) continue;
      if (!shapeValue(selection.selectionSet, field.type, value)) {
        if (isNonNullType(field.type)) return false;
        object[key] = null;
      }
    }
    return true;
  };

  const shapeValue = (selectionSet: SelectionSetNode, type: GraphQLOutputType, value: unknown): boolean => {
    if (value === null || value === undefined) return true;
    const nullable = getNullableType(type);
    if (isListType(nullable)) {
      const items = value as unknown[];
      for (let index = 0; index < items.length; index++) {
        if (!shapeValue(selectionSet, nullable.ofType, items[index])) {
          if (isNonNullType(nullable.ofType)) return false;
          items[index] = null;
        }
      }
      return true;
    }
    return shapeObject(selectionSet, nullable as GraphQLCompositeType, value as Record<string, unknown>);
  };

  return shapeObject(operation.selectionSet, rootType, data) ? data : null;
}

/** The refused fields of an operation as GraphQL errors, already in response form (one wording everywhere). */
export function authorizationErrors(analysis: OperationAnalysis) {
  return analysis.errors.map((removed) => ({
    message: removed.code === "UNAUTHENTICATED" ? `Authentication required for ${removed.coordinate}` : `Not authorized to access ${removed.coordinate}`,
    path: removed.path,
    extensions: { code: removed.code },
  }));
}

/**
 * The Apollo Server plugin: analyze (cached) → rewrite before planning, refuse when empty, shape the response.
 * Denials are recorded by the admission step (router/src/admission.ts), which runs the same analysis first.
 */
export function authorizationPlugin(authorizer: OperationAuthorizer): ApolloServerPlugin<RouterContext> {
  const analyses = new WeakMap<object, { analysis: OperationAnalysis; original: DocumentNode }>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(requestContext: GraphQLRequestContextDidResolveOperation<RouterContext>) {
          const { schema, document, operationName, queryHash, contextValue } = requestContext;
          const analysis = authorizer.analyze(schema, document, operationName ?? null, queryHash, contextValue.caller);
          if (analysis.removed.size === 0) return;
          analyses.set(requestContext.request, { analysis, original: document });
          if (analysis.document && analysis.queryHash) {
            // The gateway plans `document` and caches plans by `queryHash`: both must change together.
            const mutable = requestContext as unknown as { document: DocumentNode; queryHash: string };
            mutable.document = analysis.document;
            mutable.queryHash = analysis.queryHash;
          }
        },
        async responseForOperation(requestContext) {
          const entry = analyses.get(requestContext.request);
          if (!entry?.analysis.rejected) return null;
          // 200 with `data: null` and the errors, as for an operation whose fields all failed (GraphQL over
          // HTTP: the response has a data entry); no subgraph is called.
          return {
            http: requestContext.response.http,
            body: { kind: "single", singleResult: { data: null, errors: authorizationErrors(entry.analysis) } },
          };
        },
        async willSendResponse(requestContext) {
          const entry = analyses.get(requestContext.request);
          if (!entry || entry.analysis.rejected || requestContext.response.body.kind !== "single") return;
          const result = requestContext.response.body.singleResult;
          result.data = nullRemovedFields(
            requestContext.schema,
            entry.original,
            requestContext.operationName ?? null,
            entry.analysis.removed,
            result.data as Record<string, unknown> | null | undefined,
          );
          result.errors = [...authorizationErrors(entry.analysis), ...(result.errors ?? [])];
        },
      };
    },
  };
}
