// Summarises a V8 CPU profile (`node --cpu-prof`, e.g. from `npm run bench -- --profile`): self time per
// function and per module (npm package, or our own top folder), top N, as Markdown tables.
// Usage: node --import tsx bench/profile-summary.ts .bench/profiles/federation-router.cpuprofile [--top 25]
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/@apollo/gateway/dist/x.js` → `@apollo/gateway`; our files → their top folders. */
export function moduleOf(url: string): string {
  if (!url) return "(V8 / native)";
  const modules = url.lastIndexOf("node_modules/");
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + "node_modules/".length).split("/");
    return scope?.startsWith("@") ? `${scope}/${name}` : (scope ?? url);
  }
  if (url.startsWith("node:")) return "node core";
  const ours = /\/work\/main\/([^/]+\/(?:src\/)?[^/]+)/.exec(url) ?? /file:\/\/\/[^ ]*?\/((?:router|kernel|bench)\/[^/]+)/.exec(url);
  return ours?.[1] ?? url;
}

export function summarise(profile: CpuProfile, top: number) {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const module = moduleOf(url);
    const name = `${functionName || "(anonymous)"} — ${module}${url ? `:${lineNumber + 1}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
    byModule.set(module, (byModule.get(module) ?? 0) + us);
  }
  const table = (title: string, rows: Map<string, number>) =>
    [
      `| ${title} | self ms | % |`,
      "| --- | ---: | ---: |",
      ...[...rows]
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([name, us]) => `| ${name.replaceAll("|", "\\|")} | ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} |`),
    ].join("\n");
  return { totalMs: total / 1000, modules: table("module", byModule), functions: table("function", byFunction) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" } } });
  for (const file of positionals) {
    const summary = summarise(JSON.parse(await readFile(file, "utf8")) as CpuProfile, Number(values.top));
    console.log(`### ${file} (${summary.totalMs.toFixed(0)} ms sampled)\n\n${summary.modules}\n\n${summary.functions}\n`);
  }
}
