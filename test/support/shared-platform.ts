// For scripts/test.mjs: starts the run's shared platform (test/support/platform.ts), writes its descriptor
// to the file named by the first argument once it is ready, and runs it until SIGTERM.
import { rename, writeFile } from "node:fs/promises";
import { startSharedPlatform } from "./platform.js";

const path = process.argv[2];
if (!path) throw new Error("usage: shared-platform.ts <descriptor path>");
const started = await startSharedPlatform();
await writeFile(`${path}.tmp`, JSON.stringify(started.descriptor));
await rename(`${path}.tmp`, path);
const stop = async () => process.exit((await started.stop()) ?? 1);
process.once("SIGTERM", () => void stop());
process.once("SIGINT", () => void stop());
