/** Median wall time in ms of `fn` after `warmup` calls, over at least `minRuns` runs and `minMs`. */
export async function medianMs(
  fn: () => unknown | Promise<unknown>,
  { warmup = 2, minRuns = 5, minMs = 500 } = {},
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
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
