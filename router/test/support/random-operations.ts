// Random operations over a supergraph's API schema, for the engine's generated tests: engine-differential
// (the engine against stock @apollo/gateway) and engine-defer (incremental results against the whole one).
// Seeded: a failure names an operation that the same seed gives again.
import {
  getNamedType,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { rng } from "../../../test/support/random.js";

export interface RandomOperationOptions {
  /** How deep composite fields nest (default 5). */
  maxDepth?: number;
  /** Fields chosen per selection set: 1 up to this many (default 4). */
  maxFields?: number;
  /** Picks per wanted field before a selection set settles for fewer (default 2). */
  fieldAttempts?: number;
  /** Values for ID arguments (default "1", "2", "3"). */
  idValues?: readonly string[];
  /** Values for String arguments (default "a", "eu", "us"). */
  stringValues?: readonly string[];
  /** Int arguments are 1 up to this (default 4). */
  intMax?: number;
  /** The chance that an optional argument is given (default 0.4). */
  optionalArgumentChance?: number;
  /** Optional arguments never given (e.g. pagination cursors the subgraphs do not know). */
  skipArguments?: ReadonlySet<string>;
  /** Fields never selected, by name, on any type. */
  avoidFields?: ReadonlySet<string>;
  /** @skip/@include on fields and fragments (default on). */
  conditions?: boolean;
  /** @defer on inline fragments, typed fragments and named spreads (labelled or not, `if:` a variable or false). */
  defer?: boolean;
  /** `__schema` / `__type` on the query type: bare, aliased, in inline and named fragments, conditional, nested. */
  introspection?: boolean;
}

export interface RandomOperation {
  query: string;
  /** `$yes` is true and `$no` false, where the operation uses them. */
  variables: Record<string, unknown>;
}

/**
 * A query over `schema`'s query type: fields with arguments, aliases, `__typename`, @skip/@include on fields
 * and fragments, inline fragments on abstract types (and on object types), plus what `options` turns on.
 */
export function randomOperation(schema: GraphQLSchema, seed: number, options: RandomOperationOptions = {}): RandomOperation {
  const random = rng(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const maxDepth = options.maxDepth ?? 5;
  const maxFields = options.maxFields ?? 4;
  const ids = options.idValues ?? ["1", "2", "3"];
  const strings = options.stringValues ?? ["a", "eu", "us"];
  const intMax = options.intMax ?? 4;
  const argumentChance = options.optionalArgumentChance ?? 0.4;
  const queryType = schema.getQueryType()!;
  const usedVariables = new Set<"yes" | "no">();
  let counter = 0;
  const fragments: string[] = [];
  // Schema introspection fields get distinct response names: stock merges two sharing one only within a
  // selection set (engine-differential's hand-written cases check the merging).
  // (Not `__schema { directives }`: the engine's API schema declares @defer, which it serves; stock's does not.)
  const introspectionNames = new Set<string>();

  function literal(type: GraphQLInputType): string | null {
    const named = getNamedType(type);
    const nullable = isNonNullType(type) ? type.ofType : type;
    if (isListType(nullable)) {
      const inner = literal(nullable.ofType as GraphQLInputType);
      return inner === null ? null : `[${inner}]`;
    }
    if (isEnumType(named)) return pick(named.getValues()).name;
    if (isScalarType(named)) {
      switch (named.name) {
        case "ID":
          return JSON.stringify(pick(ids));
        case "Int":
          return String(1 + Math.floor(random() * intMax));
        case "Float":
          return "1.5";
        case "Boolean":
          return random() < 0.5 ? "true" : "false";
        case "String":
          return JSON.stringify(pick(strings));
        default:
          return null;
      }
    }
    if (isInputObjectType(named)) {
      const parts: string[] = [];
      for (const field of Object.values(named.getFields())) {
        if (!isNonNullType(field.type)) continue;
        const value = literal(field.type);
        if (value === null) return null;
        parts.push(`${field.name}: ${value}`);
      }
      return `{${parts.join(", ")}}`;
    }
    return null;
  }

  /** The field's arguments (every required one, optional ones by chance), or null where one has no value. */
  function args(field: GraphQLField<unknown, unknown>): string | null {
    const parts: string[] = [];
    for (const arg of field.args) {
      if (!isNonNullType(arg.type) && (random() < 1 - argumentChance || options.skipArguments?.has(arg.name))) continue;
      const value = literal(arg.type);
      if (value === null) {
        if (isNonNullType(arg.type)) return null;
        continue;
      }
      parts.push(`${arg.name}: ${value}`);
    }
    return parts.length ? `(${parts.join(", ")})` : "";
  }

  function condition(): string {
    if (options.conditions === false) return "";
    const r = random();
    if (r < 0.06) return (usedVariables.add("yes"), " @include(if: $yes)");
    if (r < 0.12) return (usedVariables.add("no"), " @include(if: $no)");
    if (r < 0.16) return (usedVariables.add("yes"), " @skip(if: $yes)");
    if (r < 0.2) return " @skip(if: false)";
    return "";
  }

  function defer(): string {
    const r = random();
    if (r < 0.35) return " @defer";
    if (r < 0.65) return ` @defer(label: "d${counter++}")`;
    if (r < 0.8) return (usedVariables.add("yes"), ` @defer(if: $yes, label: "d${counter++}")`);
    if (r < 0.9) return (usedVariables.add("no"), " @defer(if: $no)");
    return " @defer(if: false)";
  }

  /** `__typename` (maybe aliased), by chance. */
  function typename(parts: string[]): void {
    if (random() < 0.3) parts.push(random() < 0.2 ? `t${counter++}: __typename` : "__typename");
  }

  /** 1 to `maxFields` distinct fields of an object or interface type (aliased ones may repeat a name). */
  function fields(type: GraphQLNamedType, depth: number): string[] {
    const parts: string[] = [];
    if (!isObjectType(type) && !isInterfaceType(type)) return parts;
    const all = Object.values(type.getFields()).filter((field) => !field.name.startsWith("__") && !options.avoidFields?.has(field.name));
    const count = 1 + Math.floor(random() * Math.min(maxFields, all.length));
    const chosen = new Set<string>();
    for (let i = 0; i < count * (options.fieldAttempts ?? 2) && chosen.size < count; i++) {
      const field = pick(all);
      const named = getNamedType(field.type);
      if (isCompositeType(named) && depth >= maxDepth) continue;
      const fieldArgs = args(field);
      if (fieldArgs === null) continue;
      const alias = random() < 0.15 ? `a${counter++}: ` : "";
      if (!alias && chosen.has(field.name)) continue;
      chosen.add(alias || field.name);
      const sub = isCompositeType(named) ? ` { ${selection(named, depth + 1)} }` : "";
      parts.push(`${alias}${field.name}${fieldArgs}${condition()}${sub}`);
    }
    return parts;
  }

  /** A `__schema` or `__type` field (aliased when its name is taken), possibly with @skip/@include. */
  function introspectionField(): string {
    const typeNames = Object.keys(schema.getTypeMap());
    const [name, body] =
      random() < 0.5
        ? ["__schema", pick(["{ queryType { name } }", "{ queryType { name kind } mutationType { name } types { name } }", "{ types { name kind } subscriptionType { name } }", "{ __typename queryType { fields { name } } }"])]
        : [`__type(name: ${JSON.stringify(random() < 0.1 ? "Nope" : pick(typeNames))})`, pick(["{ name }", "{ name kind fields { name type { name kind ofType { name } } } }", "{ __typename name possibleTypes { name } interfaces { name } }", "{ kind enumValues { name } inputFields { name } }"])];
    const field = name.startsWith("__schema") ? "__schema" : "__type";
    const alias = introspectionNames.has(field) || random() < 0.25 ? `i${counter++}: ` : "";
    introspectionNames.add(alias || field);
    return `${alias}${name}${condition()} ${body}`;
  }

  /** Introspection on the query type: bare, or in inline fragments, named fragments, nested, with federated fields beside. */
  function introspectionPart(depth: number): string {
    const r = random();
    if (r < 0.3 || depth > 3) return introspectionField();
    const parts = [introspectionPart(depth + 1)];
    if (random() < 0.4) parts.push(selection(queryType, depth + 1));
    if (random() < 0.3) parts.push(random() < 0.5 ? "__typename" : `t${counter++}: __typename`);
    if (random() < 0.3) parts.push(introspectionPart(depth + 1));
    if (random() < 0.5) parts.reverse();
    const conditional = pick(["", "", " @include(if: $yes)", " @skip(if: $no)", " @include(if: $no)", " @skip(if: false)", " @include(if: true)"]);
    if (conditional.includes("$")) usedVariables.add(conditional.includes("$yes") ? "yes" : "no");
    if (r < 0.65) return `...${pick([" on Query", ""])}${conditional} { ${parts.join(" ")} }`;
    const name = `Intro${fragments.length}`;
    fragments.push(`fragment ${name} on Query { ${parts.join(" ")} }`);
    return `...${name}${conditional}`;
  }

  /** A deferred part of `type`'s selection: an inline fragment, a typed one, or a named fragment's spread. */
  function deferredPart(type: GraphQLNamedType, depth: number): string | undefined {
    const inner: string[] = [];
    typename(inner);
    inner.push(...fields(type, depth));
    if (inner.length === 0) return undefined;
    const shape = random();
    if (shape < 0.4) return `...${defer()} { ${inner.join(" ")} }`;
    if (shape < 0.7) return `... on ${type.name}${defer()} { ${inner.join(" ")} }`;
    const name = `F${fragments.length}`;
    fragments.push(`fragment ${name} on ${type.name} { ${inner.join(" ")} }`);
    return `...${name}${defer()}`;
  }

  function selection(type: GraphQLNamedType, depth: number): string {
    const parts: string[] = [];
    typename(parts);
    if (options.introspection && type === queryType && depth < 3) {
      for (let count = 0; count < 3 && random() < (count === 0 ? 0.8 : 0.35); count++) parts.push(introspectionPart(depth));
    }
    parts.push(...fields(type, depth));
    if (options.defer && random() < 0.4) {
      const deferred = deferredPart(type, depth);
      if (deferred) parts.push(deferred);
    }
    if (isAbstractType(type) || (isObjectType(type) && random() < 0.1)) {
      const possible = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
      for (const member of possible) {
        if (random() < 0.6) parts.push(`... on ${member.name}${condition()} { ${selection(member, depth + 1)} }`);
      }
      if (isInterfaceType(type) && random() < 0.3) parts.push(`... on ${type.name} { __typename }`);
    }
    if (parts.length === 0) parts.push("__typename");
    return parts.join(" ");
  }

  const body = selection(queryType, 0);
  const definitions = [...usedVariables].map((name) => `$${name}: Boolean!`);
  const query = `query Generated${definitions.length ? `(${definitions.join(", ")})` : ""} { ${body} }${fragments.map((fragment) => ` ${fragment}`).join("")}`;
  return { query, variables: { ...(usedVariables.has("yes") ? { yes: true } : {}), ...(usedVariables.has("no") ? { no: false } : {}) } };
}
