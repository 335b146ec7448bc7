// Waiting for conditions, never for a fixed time: the platform does things asynchronously (event consumers,
// relays, recovering circuits), and a test waits until what it expects is visible. The deadlines are safety
// nets that turn a hang into a readable failure, not timing assertions.

export interface WaitOptions {
  /** Give up after this long (a safety net); 60 s by default. */
  timeoutMs?: number;
  /** Pause between two probes; 100 ms by default. */
  intervalMs?: number;
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Probes until it returns something truthy, and resolves with that. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(options.intervalMs ?? 100);
  }
}

/** Reads until `check` holds for what was read, and resolves with it; the failure shows the last value. */
export async function eventually<T>(what: string, read: () => Promise<T>, check: (value: T) => boolean, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)?.slice(0, 1_000)}`);
    await pause(options.intervalMs ?? 100);
  }
}

/** Reads until the value stayed the same for `stableReads` reads in a row (background work has settled). */
export async function settled<T>(read: () => Promise<T>, stableReads = 3, options: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let last = await read();
  for (let stable = 0; stable < stableReads; ) {
    if (Date.now() > deadline) throw new Error(`still changing: ${JSON.stringify(last)}`);
    await pause(options.intervalMs ?? 250);
    const now = await read();
    stable = JSON.stringify(now) === JSON.stringify(last) ? stable + 1 : 0;
    last = now;
  }
  return last;
}
