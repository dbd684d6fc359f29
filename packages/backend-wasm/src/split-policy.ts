/**
 * When a call is worth splitting across the worker pool. Handing a part to a worker and waiting
 * for it costs microseconds (more when the worker must be woken), so a small layer runs faster
 * on the calling thread alone: ResNet-8's float model once ran slower at 2 threads than at 1
 * when every conv was split (a 2-vCPU VM). A call is split only into parts of at least
 * MIN_NS_PER_PART of estimated work. 100 us kept every ResNet-8 layer on one thread; with the
 * current pool, 20 us is faster at 2 threads on every shipped ResNet-8 (sessions with 100, 30
 * and 15 us interleaved in one process, 2 threads, lowest of 5 medians, on the 2-vCPU VM in a
 * slow phase: float 0.71 / 0.59 / 0.60 ms, PA 3x3-bn 1.20 / 0.90 / 0.80, PA 2x2-bn 0.68 /
 * 0.68 / 0.53, PA 4x5 1.95 / 1.47 / 1.44, XNOR unchanged).
 */
export const MIN_NS_PER_PART = 20_000;

/**
 * Rough costs on one core (measured rates of the kernels on a Zen 5 VM, conservatively):
 * one 64-bit XOR + popcount word of the PAConv2D sweep, one float conv multiply-add, and one
 * (channel, threshold) compare of binarize.
 */
export const NS_PER = { popcountWord: 0.3, floatMac: 0.1, thresholdCompare: 0.15 } as const;

/**
 * Words of work a PAConv2D charges each (pixel, channel, m, n) pass on top of its row's words:
 * the pass's counts reduced, scaled and added, and its share of the gather and the output
 * epilogue. Rows of a few words pay it most: ResNet-8's 1x1 downsampling convs (one word a
 * row) took about 0.5 ns a word at 4x5 and 3x3 where ResNet-18's rows of 9-36 words take about
 * 0.3 (apps/bench/scripts/pa-layer-ab.mjs and Session#profile, one thread); counted as one
 * word's work instead, those convs stayed on one thread below the split threshold while taking
 * 37-67 us.
 */
export const PASS_WORDS = 1;

/**
 * How many parts (1 .. the pool's threads) to split `items` items of `totalNs` estimated work
 * into; `minPartNs` is the pool's threshold (MIN_NS_PER_PART unless the backend was created
 * with another `minPartNs`; 0 splits every call, which the threaded conformance runs use).
 */
export function partsFor(
  totalNs: number,
  items: number,
  pool?: { threads: number; minPartNs: number },
): number {
  if (!pool) return 1;
  const byWork = pool.minPartNs > 0 ? Math.floor(totalNs / pool.minPartNs) : pool.threads;
  return Math.max(1, Math.min(pool.threads, items, byWork));
}

/**
 * Whether `parts` threads split a tiled PAConv2D (asm/pa-conv-tiled.ts) by its blocks of 8
 * output channels rather than its output rows: where that gives the busiest thread a smaller
 * share. ResNet-18's 7x7 layers have 7 rows, split 4 + 3 between 2 threads, and 64 blocks,
 * split 32 + 32; every thread then gathers every pixel's rows, a small cost beside the popcount
 * sweeps of its blocks. Measured at 2 threads, both builds interleaved in one process
 * (apps/bench/scripts/pa-layer-ab.mjs --threads 2 --sizes 7,14, the 14x14 layer, split by rows
 * in both, as the control): the 7x7x512 layer 1.14x faster at M x N 1 x 1, 1.22x at 2 x 2 and
 * 1.15x at 3 x 3 in the runs where both threads had a core (the control at 420-475 G binary
 * MACs/s and within 1 % between the builds); runs where other processes took a core of this
 * 2-vCPU VM scattered both ways (0.79x to 1.9x, the control as far off).
 */
export function splitByBlocks(rows: number, blocks: number, parts: number): boolean {
  if (parts < 2) return false;
  const busiest = (items: number) => Math.ceil(items / parts) / items;
  return busiest(blocks) < busiest(rows);
}
