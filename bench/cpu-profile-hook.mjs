// `--cpu-prof` for a process started by a harness that only lets us set NODE_OPTIONS (where Node refuses
// --cpu-prof): `NODE_OPTIONS="--import ./bench/cpu-profile-hook.mjs"` with CPU_PROFILE_DIR set profiles the
// whole process through the inspector and writes `<dir>/<pid>.cpuprofile` when it exits (open it in Chrome
// DevTools, or summarise it with bench/profile-summary.ts).
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 1000 });
  session.post("Profiler.start");
  process.once("exit", () => {
    // The in-process inspector answers synchronously, so this runs to the end inside "exit".
    session.post("Profiler.stop", (error, result) => {
      if (!error && result) writeFileSync(`${dir}/${process.pid}.cpuprofile`, JSON.stringify(result.profile));
    });
  });
}
