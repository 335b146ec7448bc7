// The audit service's own metrics, added to its /metrics registry by service.ts.
import { Counter, Gauge, type Registry } from "prom-client";

export const auditMetrics = {
  /** Set by every verification (verifyAuditChain, the periodic check): alerts fire on 0 (docs/audit.md). */
  chainValid: new Gauge({
    name: "fedbank_audit_chain_valid",
    help: "1 when the last verification of the audit hash chain found it intact, 0 when it found a broken link",
    registers: [],
  }),
  appended: new Counter({
    name: "fedbank_audit_records_appended_total",
    help: "Audit records appended to the chain, by source stream and outcome",
    labelNames: ["source", "outcome"],
    registers: [],
  }),
};

export function registerAuditMetrics(registry: Registry): void {
  for (const metric of Object.values(auditMetrics)) {
    if (!registry.getSingleMetric((metric as unknown as { name: string }).name)) registry.registerMetric(metric);
  }
}
