// The test runner of scripts/test.mjs: Node's runner over the given files, in the order given (the
// `--test` command line sorts its files; `run()` keeps them, so the longest can start first), `CONCURRENCY`
// at a time, each in its own process (started with this process's flags, e.g. `--import tsx`), reported
// by `spec` and by the per-file timings (file-timings.mjs). Usage: run-files.mjs <concurrency> <files...>
import { resolve } from "node:path";
import { PassThrough } from "node:stream";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import fileTimings from "./file-timings.mjs";

const [concurrency, ...files] = process.argv.slice(2);
// Absolute paths: each file's own test is then named by its path, as the timings reporter expects.
const events = run({ files: files.map((file) => resolve(file)), concurrency: Number(concurrency), timeout: 300_000 });
const reporters = [new PassThrough({ objectMode: true }), new PassThrough({ objectMode: true })];
const outputs = [reporters[0].compose(new spec()), reporters[1].compose(fileTimings)];
let failed = false;
events.on("data", (event) => {
  if (event.type === "test:fail" && !event.data.todo) failed = true;
  for (const reporter of reporters) reporter.write(event);
});
events.once("end", () => {
  for (const reporter of reporters) reporter.end();
});
// Both read as events come (the timings are taken when each event is read); the timings print at the end.
const timings = (async () => {
  let text = "";
  for await (const chunk of outputs[1]) text += chunk;
  return text;
})();
for await (const chunk of outputs[0]) process.stdout.write(chunk);
process.stdout.write(await timings);
process.exitCode = failed ? 1 : 0;
