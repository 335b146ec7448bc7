// A test reporter (scripts/test.mjs adds it after `spec`): at the end of a run, each file's wall-clock time
// from the runner starting it to its end, slowest first, and the whole run's; FEDBANK_TEST_TIMINGS=<path>
// also writes them to that file as tab-separated lines.
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { sourceOf } from "./bundles.mjs";

/** The test file as written (the run may execute its bundle: test/support/bundles.mjs). */
function sourceFile(file) {
  const bundles = process.env.FEDBANK_TEST_BUNDLES;
  return bundles && file.startsWith(bundles) ? sourceOf(bundles, file) : relative(process.cwd(), file);
}

export default async function* fileTimings(source) {
  const runStarted = Date.now();
  const started = new Map();
  const rows = [];
  for await (const event of source) {
    const { file, name, nesting } = event.data ?? {};
    if (!file || name !== file || nesting !== 0) continue;
    if (event.type === "test:dequeue") started.set(file, Date.now());
    if (event.type === "test:complete") {
      rows.push({ file: sourceFile(file), seconds: (Date.now() - (started.get(file) ?? runStarted)) / 1000, passed: event.data.details?.passed !== false });
    }
  }
  rows.sort((a, b) => b.seconds - a.seconds);
  const total = (Date.now() - runStarted) / 1000;
  const lines = rows.map((row) => `${row.seconds.toFixed(1).padStart(7)} s  ${row.passed ? "   " : "✖  "}${row.file}`);
  if (process.env.FEDBANK_TEST_TIMINGS) writeFileSync(process.env.FEDBANK_TEST_TIMINGS, rows.map((row) => `${row.seconds.toFixed(1)}\t${row.passed ? "ok" : "FAILED"}\t${row.file}`).join("\n") + `\n${total.toFixed(1)}\ttotal\n`);
  yield `\nTime per file (slowest first), ${rows.length} files in ${total.toFixed(0)} s:\n${lines.slice(0, 15).join("\n")}\n`;
}
