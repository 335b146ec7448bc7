// OpenTelemetry tracing: one trace per operation across router → subgraphs → SQL (docs/operations.md).
// Off by default: until `initTracing` is called with tracing on, no provider, context manager or propagator
// is registered, every helper here returns after one boolean check, and nothing is allocated per request.
// On, spans go to an OTLP/HTTP collector (JSON), batched. Each service of a process gets its own tracer
// provider (so `npm start`, which runs all seven in one process, still reports seven `service.name`s),
// all sharing one exporter and one W3C trace-context propagator.
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  SpanKind,
  SpanStatusCode,
  context,
  createContextKey,
  defaultTextMapGetter,
  defaultTextMapSetter,
  trace,
  type Attributes,
  type Span,
  type TextMapGetter,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";

export { SpanKind, SpanStatusCode, type Span };

export interface TracingSettings {
  /** TRACING_ENABLED; unset means on exactly when an OTLP endpoint is configured. */
  enabled?: boolean | undefined;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base URL (`/v1/traces` is appended). */
  endpoint?: string | undefined;
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: the full traces URL, when it is not `<endpoint>/v1/traces`. */
  tracesEndpoint?: string | undefined;
  /** TRACING_SAMPLE_RATIO: share of new traces recorded (a sampled parent is always followed). */
  sampleRatio?: number | undefined;
  /** OTEL_SERVICE_NAMESPACE (default `fedbank`). */
  namespace?: string | undefined;
  /** Milliseconds between batch exports (OTEL_BSP_SCHEDULE_DELAY is read by the SDK otherwise). */
  exportDelayMs?: number | undefined;
}

interface TracingState {
  processor: SpanProcessor;
  sampleRatio: number;
  namespace: string;
  providers: Map<string, TracerProvider>;
}

let state: TracingState | null = null;
const propagator = new W3CTraceContextPropagator();
/** The service whose server span is current: SQL spans of a shared pool are reported under it. */
const SERVICE_KEY = createContextKey("fedbank.service");

/** True once tracing was started in this process: the one check every hot path makes. */
export function tracingEnabled(): boolean {
  return state !== null;
}

export function tracingWanted(settings: TracingSettings): boolean {
  return settings.enabled ?? Boolean(settings.endpoint || settings.tracesEndpoint);
}

/**
 * Starts tracing for this process when the settings ask for it; idempotent (the first call's exporter
 * settings win, which is what `npm start` wants: all its services read the same environment).
 */
export function initTracing(settings: TracingSettings): boolean {
  if (state) return true;
  if (!tracingWanted(settings)) return false;
  const base = (settings.endpoint ?? "http://localhost:4318").replace(/\/+$/, "");
  const exporter = new OTLPTraceExporter({ url: settings.tracesEndpoint ?? `${base}/v1/traces` });
  const processor = new BatchSpanProcessor({ exporter, ...(settings.exportDelayMs ? { scheduledDelayMillis: settings.exportDelayMs } : {}) });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  state = { processor, sampleRatio: settings.sampleRatio ?? 1, namespace: settings.namespace ?? "fedbank", providers: new Map() };
  return true;
}

export async function flushTracing(): Promise<void> {
  await state?.processor.forceFlush();
}

function tracerFor(current: TracingState, service: string) {
  let provider = current.providers.get(service);
  if (!provider) {
    provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": service, "service.namespace": current.namespace }),
      sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(current.sampleRatio) }),
      spanProcessors: [current.processor],
    });
    current.providers.set(service, provider);
  }
  return provider.getTracer("fedbank");
}

const headerGetter: TextMapGetter<Record<string, string | string[] | undefined>> = defaultTextMapGetter;

export interface ServerSpanOptions {
  service: string;
  name: string;
  /** Incoming HTTP headers: a W3C `traceparent` there makes this span its child. */
  headers?: Record<string, string | string[] | undefined>;
  attributes?: Attributes;
}

/**
 * Runs `fn` inside a new SERVER span (the child of the caller's `traceparent`, if any), so everything it
 * awaits (subgraph fetches, SQL) nests under it. Tracing off: `fn(undefined)`, nothing else.
 */
export async function withServerSpan<T>(options: ServerSpanOptions, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  const current = state;
  if (!current) return fn(undefined);
  const parent = options.headers ? propagator.extract(context.active(), options.headers, headerGetter) : context.active();
  const span = tracerFor(current, options.service).startSpan(options.name, { kind: SpanKind.SERVER, attributes: options.attributes }, parent);
  const active = trace.setSpan(parent, span).setValue(SERVICE_KEY, options.service);
  try {
    return await context.with(active, () => fn(span));
  } catch (error) {
    recordFailure(span, error);
    throw error;
  } finally {
    span.end();
  }
}

function recordFailure(span: Span, error: unknown) {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : "error" });
}

/**
 * A CLIENT span for an outgoing call, with `traceparent` written into `headers`; null when tracing is off
 * or no span is current (health checks, schema loads). The caller ends it with `endClientSpan`.
 */
export function startClientSpan(service: string, name: string, headers: Record<string, string>, attributes?: Attributes): Span | null {
  const current = state;
  if (!current) return null;
  const parent = context.active();
  if (!trace.getSpan(parent)) return null;
  const span = tracerFor(current, service).startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
  propagator.inject(trace.setSpan(parent, span), headers, defaultTextMapSetter);
  return span;
}

export function endClientSpan(span: Span, failure?: unknown, httpStatus?: number) {
  if (httpStatus !== undefined) span.setAttribute("http.response.status_code", httpStatus);
  if (failure !== undefined || (httpStatus !== undefined && httpStatus >= 500)) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: failure instanceof Error ? failure.name : `HTTP ${httpStatus}` });
  }
  span.end();
}

const SQL_LITERALS = /'(?:[^']|'')*'/g;
const SQL_MAX_TEXT = 2_000;

/**
 * A span for one SQL statement, under the current span (none outside a traced request). Only the
 * statement text is recorded, with string literals blanked; bound parameters never are.
 */
export function startSqlSpan(sql: string | undefined): Span | null {
  const current = state;
  if (!current) return null;
  const parent = context.active();
  if (!trace.getSpan(parent)) return null;
  const service = (parent.getValue(SERVICE_KEY) as string | undefined) ?? "database";
  const text = (sql ?? "").slice(0, SQL_MAX_TEXT).replace(SQL_LITERALS, "'?'");
  const operation = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? "SQL";
  return tracerFor(current, service).startSpan(
    operation,
    { kind: SpanKind.CLIENT, attributes: { "db.system.name": "postgresql", "db.operation.name": operation, "db.query.text": text } },
    parent,
  );
}

export function endSqlSpan(span: Span, error?: unknown) {
  if (error) recordFailure(span, error);
  span.end();
}

/** The current trace and span ids, for log lines; undefined when no span is current. */
export function currentTraceIds(): { traceId: string; spanId: string } | undefined {
  if (!state) return undefined;
  const span = trace.getSpan(context.active());
  if (!span) return undefined;
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}
