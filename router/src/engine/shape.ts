// The response projection: compiled once per planned operation from @apollo/federation-internals' view of
// it, then applied to the merged subgraph data of every request. Same semantics as @apollo/gateway's
// post-processing (its `computeResponse`): only what the client selected, in the operation's field order,
// aliases, `__typename` (root types and @interfaceObject answers resolved to the real object type),
// fragments on abstract types by the object's `__typename`, @skip/@include with variables, leaf values
// checked against their scalar/enum, and nulls bubbling up to the nearest nullable parent. Errors found
// while shaping are returned separately: the caller decides where they go (the gateway puts them in
// `extensions.valueCompletion`, and drops them when a fetch already failed).
import {
  baseType,
  isCompositeType,
  isCustomScalarType,
  isEnumType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  type FieldSelection,
  type Operation,
  type OutputType,
  type Schema,
  type Selection,
  type SelectionSet,
} from "@apollo/federation-internals";
import { GraphQLError } from "graphql";

/** A condition of @skip/@include: a literal or a variable name. */
type Condition = boolean | { variable: string };

/** A type as the projection needs it. */
type Shape =
  | { kind: "nonNull"; of: Shape }
  | { kind: "list"; of: Shape }
  | { kind: "composite"; name: string }
  | { kind: "leaf"; name: string; check: (value: unknown) => boolean };

interface CompiledField {
  kind: "field";
  responseName: string;
  skip?: Condition;
  include?: Condition;
  /** `__typename` is resolved by the router, never read as-is. */
  typename: boolean;
  /** `__schema` / `__type`: answered by the introspection handler. */
  introspection?: FieldSelection;
  shape: Shape;
  selections?: CompiledSelection[];
}

interface CompiledFragment {
  kind: "fragment";
  skip?: Condition;
  include?: Condition;
  /** Set only in projections compiled for incremental delivery: the fragment's @defer (label, `if`). */
  defer?: DeferMark;
  /** Absent: no type condition. Otherwise the names of every type the condition applies to. */
  applies?: ReadonlySet<string>;
  /** The static parent type inside the fragment (for `__typename` without data). */
  parentType: string;
  selections: CompiledSelection[];
}

type CompiledSelection = CompiledField | CompiledFragment;

/** A deferred fragment: its label (the planner's, after normalisation) and its `if` (absent: true). */
interface DeferMark {
  label: string;
  if?: Condition;
}

/** A deferred fragment as the incremental shaping needs it (by label). */
export interface DeferredFragment {
  /** `fragment.defer` may be cleared after compiling: the fragment is then shaped with its parent. */
  readonly fragment: CompiledFragment;
  /** The type of the object the fragment is selected on (for `__typename` and type conditions). */
  readonly enclosingType: string;
  /** The @skip/@include of the fields and fragments it is nested in: excluded with any of them. */
  readonly enclosing: readonly Conditioned[];
}

/** A selection's @skip/@include. */
interface Conditioned {
  skip?: Condition;
  include?: Condition;
}

/**
 * Answers schema introspection (`__schema`, `__type`) selected on one object: every active selection of those
 * fields there, in operation order (several may share a response name: the answer merges them, as graphql-js
 * does). Returns the answers by response name.
 */
export type IntrospectionHandler = (selections: readonly FieldSelection[], variables: Record<string, unknown>) => Record<string, unknown>;

export interface Projection {
  readonly rootType: string;
  readonly selections: CompiledSelection[];
  readonly defaultedVariables: Record<string, unknown>;
  /** Compiled for incremental delivery: the deferred fragments by label (primary shaping leaves them out). */
  readonly deferred?: ReadonlyMap<string, DeferredFragment>;
}

const INTEGER = /^-?(?:0|[1-9][0-9]*)$/;

function leafCheck(schema: Schema, type: OutputType): (value: unknown) => boolean {
  if (isCustomScalarType(type)) return () => true;
  if (isEnumType(type)) {
    const values = new Set(type.values.map((value) => value.name));
    return (value) => typeof value === "string" && values.has(value);
  }
  const name = (type as { name: string }).name;
  const boolean = schema.booleanType().name;
  const int = schema.intType().name;
  const id = schema.idType().name;
  const float = schema.floatType().name;
  return (value) => {
    if (typeof value === "boolean") return name === boolean;
    if (typeof value === "number" && Number.isFinite(value)) {
      if (name === int || name === id) return INTEGER.test(String(value));
      return name === float;
    }
    if (typeof value === "string") return name !== boolean && name !== int && name !== float;
    return false;
  };
}

function shapeOf(schema: Schema, type: OutputType): Shape {
  if (isNonNullType(type)) return { kind: "nonNull", of: shapeOf(schema, type.ofType) };
  if (isListType(type)) return { kind: "list", of: shapeOf(schema, type.ofType as OutputType) };
  if (isCompositeType(type)) return { kind: "composite", name: type.name };
  return { kind: "leaf", name: type.name, check: leafCheck(schema, type) };
}

function conditionValue(value: unknown): Condition {
  return typeof value === "boolean" ? value : { variable: (value as { name: string }).name };
}

/** The @defer of a fragment in an operation normalised by the planner (every defer labelled). */
function deferOf(selection: Selection): DeferMark | undefined {
  const directive = selection.element.appliedDirectives.find((each) => each.name === "defer");
  if (!directive) return undefined;
  const args = directive.arguments() as { label?: string; if?: unknown };
  if (typeof args.label !== "string") throw new Error("@defer without a label: the operation was not normalised");
  if (args.if === false) return undefined;
  return args.if === undefined || args.if === true ? { label: args.label } : { label: args.label, if: conditionValue(args.if) };
}

function conditionsOf(selection: Selection): { skip?: Condition; include?: Condition } {
  const result: { skip?: Condition; include?: Condition } = {};
  for (const directive of selection.element.appliedDirectives) {
    if (directive.name !== "skip" && directive.name !== "include") continue;
    const value = (directive.arguments() as { if: unknown }).if;
    const condition: Condition =
      typeof value === "boolean" ? value : { variable: (value as { name: string }).name };
    if (directive.name === "skip" && result.skip === undefined) result.skip = condition;
    if (directive.name === "include" && result.include === undefined) result.include = condition;
  }
  return result;
}

/** Every type name a type condition applies to: itself, its implementations (objects and interfaces), its members. */
function subtypeNames(schema: Schema, conditionName: string): Set<string> {
  const names = new Set<string>([conditionName]);
  const condition = schema.type(conditionName);
  if (condition && isUnionType(condition)) for (const member of condition.types()) names.add(member.name);
  if (condition && isInterfaceType(condition)) {
    for (const type of schema.types()) {
      if ((isObjectType(type) || isInterfaceType(type)) && type.implementsInterface(conditionName)) names.add(type.name);
    }
  }
  return names;
}

/** What compiling collects besides the selections: the subtypes cache, and the deferred fragments (when deferring). */
interface CompileState {
  subtypes: Map<string, Set<string>>;
  deferred?: Map<string, DeferredFragment>;
  /** The @skip/@include of the selections being compiled around the current one (outermost first). */
  enclosing: Conditioned[];
}

function compileSelectionSet(schema: Schema, selectionSet: SelectionSet, parentType: string, state: CompileState): CompiledSelection[] {
  const subtypes = state.subtypes;
  const compiled: CompiledSelection[] = [];
  for (const selection of selectionSet.selections()) {
    const conditions = conditionsOf(selection);
    const conditioned = conditions.skip !== undefined || conditions.include !== undefined;
    if (conditioned) state.enclosing.push(conditions);
    if (selection.kind === "FieldSelection") {
      const field = selection.element;
      const definition = field.definition;
      const compiledField: CompiledField = {
        kind: "field",
        responseName: field.responseName(),
        ...conditions,
        typename: field.name === "__typename",
        shape: shapeOf(schema, definition.type as OutputType),
      };
      if (definition.isSchemaIntrospectionField()) compiledField.introspection = selection;
      else if (selection.selectionSet) {
        const base = baseType(definition.type as OutputType).name;
        compiledField.selections = compileSelectionSet(schema, selection.selectionSet, base, state);
      }
      compiled.push(compiledField);
    } else {
      const typeCondition = selection.element.typeCondition?.name;
      let applies: Set<string> | undefined;
      if (typeCondition) {
        applies = subtypes.get(typeCondition);
        if (!applies) subtypes.set(typeCondition, (applies = subtypeNames(schema, typeCondition)));
      }
      const fragment: CompiledFragment = {
        kind: "fragment",
        ...conditions,
        applies,
        parentType: typeCondition ?? parentType,
        selections: compileSelectionSet(schema, selection.selectionSet, typeCondition ?? parentType, state),
      };
      const defer = state.deferred ? deferOf(selection) : undefined;
      if (defer) {
        fragment.defer = defer;
        // Its own conditions are checked on the fragment itself; those around it travel with it.
        state.deferred!.set(defer.label, { fragment, enclosingType: parentType, enclosing: state.enclosing.slice(0, conditioned ? -1 : undefined) });
      }
      compiled.push(fragment);
    }
    if (conditioned) state.enclosing.pop();
  }
  return compiled;
}

/**
 * Compiles the projection of an operation (built on the API schema). With `deferred`, the operation is the
 * planner's normalised one (every @defer labelled) and the projection shapes incrementally: the primary
 * result leaves active deferred fragments out, `shapeDeferred` shapes each of them.
 */
export function compileProjection(operation: Operation, options: { deferred?: boolean } = {}): Projection {
  const schema = operation.schema();
  const rootType = schema.schemaDefinition.rootType(operation.rootKind)!.name;
  const state: CompileState = { subtypes: new Map(), deferred: options.deferred ? new Map() : undefined, enclosing: [] };
  return {
    rootType,
    selections: compileSelectionSet(schema, operation.selectionSet, rootType, state),
    defaultedVariables: operation.collectDefaultedVariableValues() as Record<string, unknown>,
    ...(state.deferred ? { deferred: state.deferred } : {}),
  };
}

interface ShapeRun {
  schema: Schema;
  variables: Record<string, unknown>;
  errors: GraphQLError[];
  introspection: IntrospectionHandler;
  /** The schema introspection selections met, by output object then response name (answered at the end). */
  introspected: Map<Record<string, unknown>, Map<string, FieldSelection[]>> | undefined;
  path: (string | number)[];
  /** Set by every `updateValue`: its value is a null a non-null position cannot take (bubble it up). */
  invalid: boolean;
  /** Set by every `updateValue`: an error was already reported for its value (report no second one). */
  hadErrors: boolean;
}

const BUBBLE = Symbol("null bubbles up");

function isSkipped(selection: Conditioned, variables: Record<string, unknown>): boolean {
  if (selection.skip !== undefined && valueOf(selection.skip, variables)) return true;
  if (selection.include !== undefined && !valueOf(selection.include, variables)) return true;
  return false;
}

function valueOf(condition: Condition, variables: Record<string, unknown>): boolean {
  if (typeof condition === "boolean") return condition;
  const value = variables[condition.variable];
  if (typeof value !== "boolean") throw new Error(`Unexpected value ${String(value)} for variable $${condition.variable}`);
  return value;
}

function describeLast(path: (string | number)[], typeName: string, parentType: string): string {
  const last = path[path.length - 1];
  return typeof last === "string" ? `field ${parentType}.${last}` : `array element of type ${typeName} at index ${last}`;
}

function shapeName(shape: Shape): string {
  if (shape.kind === "nonNull") return `${shapeName(shape.of)}!`;
  if (shape.kind === "list") return `[${shapeName(shape.of)}]`;
  return shape.name;
}

function invalidGraphQL(message: string, path: (string | number)[]): GraphQLError {
  return new GraphQLError(message, { path: [...path], extensions: { code: "INVALID_GRAPHQL" } });
}

function applySelections(
  run: ShapeRun,
  input: Record<string, unknown>,
  selections: CompiledSelection[],
  output: Record<string, unknown>,
  parentType: string,
): typeof BUBBLE | undefined {
  for (const selection of selections) {
    if ((selection.skip !== undefined || selection.include !== undefined) && isSkipped(selection, run.variables)) continue;
    if (selection.kind === "fragment") {
      // Delivered later, in its own incremental payload (shapeDeferred).
      if (selection.defer !== undefined && (selection.defer.if === undefined || valueOf(selection.defer.if, run.variables))) continue;
      if (selection.applies) {
        const typename = input.__typename;
        const applies = typeof typename === "string" && typename ? selection.applies.has(typename) && run.schema.type(typename) !== undefined : selection.applies.has(parentType);
        if (!applies) continue;
      }
      if (applySelections(run, input, selection.selections, output, selection.parentType) === BUBBLE) return BUBBLE;
      continue;
    }
    const responseName = selection.responseName;
    const current = output[responseName];
    if (selection.introspection) {
      // Answered once the pass is done, every selection of one response name together (e.g. `__schema` in two
      // fragments: the answer has both sub-selections, as the spec's field merging has it); its place (the
      // key order) is the first one's.
      let names = (run.introspected ??= new Map()).get(output);
      if (!names) run.introspected.set(output, (names = new Map()));
      const same = names.get(responseName);
      if (same) same.push(selection.introspection);
      else if (current === undefined) {
        names.set(responseName, [selection.introspection]);
        output[responseName] = null;
      }
      continue;
    }
    let value = Object.hasOwn(input, responseName) ? (input[responseName] ?? null) : null;
    if (selection.typename) {
      if (current !== undefined) continue;
      if (value === null && responseName !== "__typename") value = input.__typename ?? null;
      const named = typeof value === "string" ? (run.schema.type(value) ?? run.schema.type(parentType)) : run.schema.type(parentType);
      if (!named || !isObjectType(named)) return BUBBLE;
      output[responseName] = named.name;
      continue;
    }
    run.path.push(responseName);
    output[responseName] = updateValue(run, current, selection.shape, value, selection.selections, parentType);
    run.path.pop();
    if (run.invalid) return BUBBLE;
  }
  return undefined;
}

/**
 * The output value for `input` at the current path (merged into `current` when a previous selection of the
 * same response name produced one); `run.invalid` and `run.hadErrors` describe it (no allocation per field).
 */
function updateValue(
  run: ShapeRun,
  current: unknown,
  shape: Shape,
  input: unknown,
  selections: CompiledSelection[] | undefined,
  parentType: string,
): unknown {
  run.invalid = false;
  run.hadErrors = false;
  if (current === null || (current !== undefined && !selections)) return current;
  if (shape.kind === "nonNull") {
    const value = updateValue(run, current, shape.of, input, selections, parentType);
    if (value === null) {
      if (!run.hadErrors) {
        run.errors.push(invalidGraphQL(`Cannot return null for non-nullable ${describeLast(run.path, shapeName(shape.of), parentType)}.`, run.path));
      }
      run.invalid = true;
      run.hadErrors = true;
      return null;
    }
    run.invalid = false;
    run.hadErrors = false;
    return value;
  }
  if (input === null) return null;
  if (shape.kind === "leaf") {
    if (shape.check(input)) return input;
    run.errors.push(invalidGraphQL(`Invalid value found for ${describeLast(run.path, shape.name, parentType)}.`, run.path));
    run.hadErrors = true;
    return null;
  }
  if (shape.kind === "list") {
    if (!Array.isArray(input)) throw new Error(`Invalid non-list value ${String(input)} returned by subgraph for list type ${shapeName(shape)}`);
    const existing = current as unknown[] | undefined;
    if (existing !== undefined && existing.length !== input.length) throw new Error("list length changed while shaping");
    const list: unknown[] = existing ?? new Array<unknown>(input.length);
    let nullify = false;
    let hadErrors = false;
    const path = run.path;
    for (let index = 0; index < input.length; index++) {
      path.push(index);
      const element = input[index];
      list[index] = updateValue(run, list[index], shape.of, element === undefined ? null : element, selections, parentType);
      path.pop();
      if (run.invalid) nullify = true;
      if (run.hadErrors) hadErrors = true;
    }
    run.invalid = false;
    run.hadErrors = hadErrors;
    return nullify ? null : list;
  }
  if (typeof input !== "object") throw new Error(`Invalid non-object value ${String(input)} returned by subgraph for composite type ${shape.name}`);
  const object = input as Record<string, unknown>;
  const typename = object.__typename;
  let objectType = shape.name;
  if (typename) {
    const named = typeof typename === "string" ? run.schema.type(typename) : undefined;
    if (!named || !isCompositeType(named)) {
      run.errors.push(invalidGraphQL(`Invalid __typename found for object at ${describeLast(run.path, shape.name, parentType)}.`, run.path));
      run.hadErrors = true;
      return null;
    }
    objectType = named.name;
  }
  const output = (current as Record<string, unknown> | undefined) ?? {};
  const bubbled = applySelections(run, object, selections ?? [], output, objectType) === BUBBLE;
  run.invalid = false;
  run.hadErrors = bubbled;
  return bubbled ? null : output;
}

/** Fills in the schema introspection met by a shaping pass: one answer per object it was selected on. */
function answerIntrospection(run: ShapeRun) {
  if (!run.introspected) return;
  for (const [output, names] of run.introspected) {
    const answers = run.introspection([...names.values()].flat(), run.variables);
    for (const name of names.keys()) output[name] = answers[name];
  }
}

/**
 * The client's response data from the merged subgraph data (`input`), and the errors shaping found
 * (non-null violations, invalid values). `input` null/undefined is returned as is.
 */
export function shapeResponse(
  projection: Projection,
  schema: Schema,
  input: Record<string, unknown> | null | undefined,
  variables: Record<string, unknown> | undefined,
  introspection: IntrospectionHandler,
): { data: Record<string, unknown> | null | undefined; errors: GraphQLError[] } {
  if (!input) return { data: input, errors: [] };
  const run = newShapeRun(projection, schema, variables, introspection, []);
  const data: Record<string, unknown> = {};
  const bubbled = applySelections(run, input, projection.selections, data, projection.rootType) === BUBBLE;
  if (!bubbled) answerIntrospection(run);
  return { data: bubbled ? null : data, errors: run.errors };
}

/** A shaping pass's state: the operation's variables with their defaults, starting at `path`. */
function newShapeRun(
  projection: Projection,
  schema: Schema,
  variables: Record<string, unknown> | undefined,
  introspection: IntrospectionHandler,
  path: (string | number)[],
): ShapeRun {
  return {
    schema,
    variables: { ...projection.defaultedVariables, ...variables },
    errors: [],
    introspection,
    introspected: undefined,
    path,
    invalid: false,
    hadErrors: false,
  };
}

/** True when a deferred fragment is deferred for these variables (`@defer(if: $v)`). */
export function isDeferActive(projection: Projection, label: string, variables: Record<string, unknown>): boolean {
  const mark = projection.deferred?.get(label)?.fragment.defer;
  if (!mark) return false;
  return mark.if === undefined || valueOf(mark.if, { ...projection.defaultedVariables, ...variables });
}

/**
 * One incremental payload's data: the deferred fragment `label` shaped on `input`, the merged subgraph data
 * of the object at `path` (the client's path). Fragments deferred inside it are left out (their own
 * payloads). Null for an object the fragment does not apply to (type condition, @skip/@include): no
 * payload. `data: null` when a non-null field inside the fragment is null (the null stops at the
 * fragment, as the incremental delivery specification has it).
 */
export function shapeDeferred(
  projection: Projection,
  schema: Schema,
  label: string,
  input: Record<string, unknown>,
  path: readonly (string | number)[],
  variables: Record<string, unknown> | undefined,
  introspection: IntrospectionHandler,
): { data: Record<string, unknown> | null; errors: GraphQLError[] } | null {
  const deferred = projection.deferred?.get(label);
  if (!deferred) throw new Error(`no deferred fragment labelled ${label}`);
  const { fragment, enclosingType, enclosing } = deferred;
  const run = newShapeRun(projection, schema, variables, introspection, [...path]);
  if ((fragment.skip !== undefined || fragment.include !== undefined) && isSkipped(fragment, run.variables)) return null;
  // Nested in an excluded field or fragment: the client never gets this part (the whole result has none of it).
  if (enclosing.some((around) => isSkipped(around, run.variables))) return null;
  const typename = input.__typename;
  const named = typeof typename === "string" && typename ? schema.type(typename) : undefined;
  const objectType = named && isCompositeType(named) ? named.name : enclosingType;
  if (fragment.applies) {
    const applies = typeof typename === "string" && typename ? fragment.applies.has(typename) && named !== undefined : fragment.applies.has(enclosingType);
    if (!applies) return null;
  }
  const data: Record<string, unknown> = {};
  const bubbled = applySelections(run, input, fragment.selections, data, fragment.applies ? fragment.parentType : objectType) === BUBBLE;
  if (!bubbled) answerIntrospection(run);
  return { data: bubbled ? null : data, errors: run.errors };
}
