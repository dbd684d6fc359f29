/**
 * Median wall time in ms of `fn` after at least `warmup` calls and `warmupMs` of calls, over at
 * least `minRuns` runs and `minMs`. The time-based warm-up matters: V8 first runs wasm through
 * its baseline compiler and tiers hot functions up in the background, so a large module
 * (onnxruntime-web) measured right after loading looked 2-5x slower than a second later.
 */
export interface TimingOptions {
  warmup?: number;
  warmupMs?: number;
  minRuns?: number;
  minMs?: number;
}

export async function medianMs(
  fn: () => unknown | Promise<unknown>,
  { warmup = 2, warmupMs = 1000, minRuns = 5, minMs = 500 }: TimingOptions = {},
): Promise<number> {
  const warmStart = performance.now();
  for (let i = 0; i < warmup || performance.now() - warmStart < warmupMs; i++) await fn();
  const times: number[] = [];
  const started = performance.now();
  while (times.length < minRuns || performance.now() - started < minMs) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/**
 * The lowest of `rounds` medianMs samples: this shared 2-core VM has phases of seconds in which
 * a kernel runs ~1.6x slower (runs of slow calls, then of fast ones, in one process), which can
 * land on one competitor's median and not on another's; every competitor of a benchmark gets
 * the same number of rounds.
 */
export async function bestMedianMs(
  fn: () => unknown | Promise<unknown>,
  rounds = 3,
  timing?: TimingOptions,
): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < rounds; i++) best = Math.min(best, await medianMs(fn, timing));
  return best;
}

/**
 * Median ms per call of `fn` for work a GPU queues: each sample calls `fn` `repeat` times, then
 * awaits `sync` (the queue drained), so the time is the GPU's throughput, not the latency of a
 * read-back. Warm-up as in medianMs.
 */
export async function medianQueuedMs(
  fn: () => unknown,
  sync: () => Promise<unknown>,
  { repeat = 10, warmupMs = 500, minRuns = 5, minMs = 300 } = {},
): Promise<number> {
  return (
    (await medianMs(
      async () => {
        for (let i = 0; i < repeat; i++) fn();
        await sync();
      },
      { warmup: 1, warmupMs, minRuns, minMs },
    )) / repeat
  );
}
