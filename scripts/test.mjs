// `npm test`: type-check, then every test file (unit and integration) with Node's test runner.
// Integration tests need the Postgres and Redis of this machine (TEST_POSTGRES_URL, TEST_REDIS_URL).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const SKIP = new Set(["node_modules", ".git", ".data", "dist", "generated"]);

function findTests(dir, found = []) {
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) findTests(path, found);
    else if (name.endsWith(".test.ts")) found.push(relative(root, path));
  }
  return found;
}

function run(label, command, args) {
  console.log(`\n> ${label}`);
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`\n${label} failed`);
    process.exit(result.status ?? 1);
  }
}

const only = process.argv.slice(2);
const files = only.length ? only : ["kernel", "router", "subgraphs", "scripts", "test"].flatMap((dir) => findTests(join(root, dir))).sort();
if (!only.length) run("type-check", process.execPath, [join(root, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", "."]);
run(`tests (${files.length} files)`, process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=300000", "--test-reporter=spec", ...files]);
