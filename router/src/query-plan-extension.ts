// The plan an operation was executed with, for staff: a request carrying `x-fedbank-query-plan: true`
// from a staff token (any role but CUSTOMER) gets `extensions.queryPlan` (`text`: the planner's own
// format, `subgraphs`: the services it fetched from, in plan order). Customers' requests and requests
// without the header get nothing (the header is ignored, the answer is the same as without it).
// The planner reports each plan it executes through `recordQueryPlan(context, plan)` (router/src/gateway.ts:
// the gateway's didResolveQueryPlan hook), so the plan shown is the one that ran, cache hits included.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { prettyFormatQueryPlan, type PlanNode, type QueryPlan, type SubscriptionNode } from "@apollo/query-planner";

export const QUERY_PLAN_HEADER = "x-fedbank-query-plan";

// A symbol property holding a shared box: Apollo Server hands plugins and the gateway shallow copies of
// the context, which keep enumerable symbol properties (and so the same box).
const PLAN = Symbol("fedbank.queryPlan");
interface PlanBox {
  plan?: QueryPlan;
}

/** True when this caller asked for the plan and may see it. */
export function queryPlanRequested(role: string | undefined, header: string | undefined): boolean {
  return Boolean(role && role !== "CUSTOMER" && header?.trim().toLowerCase() === "true");
}

/** Marks a request context as wanting its plan in the response. Returns the context. */
export function requestQueryPlan<T extends object>(context: T): T {
  Object.defineProperty(context, PLAN, { value: {} satisfies PlanBox, enumerable: true });
  return context;
}

/** Called by the planner with the plan it is about to execute for `context`; a no-op unless it was asked for. */
export function recordQueryPlan(context: unknown, plan: QueryPlan): void {
  const box = context && typeof context === "object" ? (context as { [PLAN]?: PlanBox })[PLAN] : undefined;
  if (box) box.plan = plan;
}

function subgraphsOf(node: PlanNode | SubscriptionNode | undefined, found: string[] = []): string[] {
  if (!node) return found;
  switch (node.kind) {
    case "Fetch":
      if (!found.includes(node.serviceName)) found.push(node.serviceName);
      break;
    case "Sequence":
    case "Parallel":
      for (const child of node.nodes) subgraphsOf(child, found);
      break;
    case "Flatten":
      subgraphsOf(node.node, found);
      break;
    case "Defer":
      subgraphsOf(node.primary.node, found);
      for (const deferred of node.deferred) subgraphsOf(deferred.node, found);
      break;
    case "Condition":
      subgraphsOf(node.ifClause, found);
      subgraphsOf(node.elseClause, found);
      break;
    case "Subscription":
      subgraphsOf(node.primary, found);
      subgraphsOf(node.rest, found);
      break;
  }
  return found;
}

/** `extensions.queryPlan` of a response: the plan as the planner prints it and the subgraphs it calls. */
export function describeQueryPlan(plan: QueryPlan): { text: string; subgraphs: string[] } {
  return { text: prettyFormatQueryPlan(plan), subgraphs: subgraphsOf(plan.node) };
}

export function queryPlanExtensionPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const plan = (contextValue as { [PLAN]?: PlanBox })[PLAN]?.plan;
          if (!plan || response.body.kind !== "single") return;
          response.body.singleResult.extensions = { ...response.body.singleResult.extensions, queryPlan: describeQueryPlan(plan) };
        },
      };
    },
  };
}
