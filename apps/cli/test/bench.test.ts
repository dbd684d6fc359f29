import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { latencyStats } from '../src/commands/bench.js';
import { pabnn } from './run-cli.js';

const model = fileURLToPath(
  new URL('../../../models/fashion-mnist__resnet8__pa-4x5.pabnn', import.meta.url),
);

describe('pabnn bench', () => {
  it('latencyStats: min, median, nearest-rank p90, max, spread = p90 - min', () => {
    const times = [5, 1, 4, 2, 3, 10, 6, 7, 9, 8];
    expect(latencyStats(times)).toEqual({
      runs: 10,
      min: 1,
      median: 5.5,
      p90: 9,
      max: 10,
      spread: 8,
    });
    expect(latencyStats([3, 1, 2])).toMatchObject({ median: 2, p90: 3, spread: 2 });
    expect(latencyStats([4])).toMatchObject({ min: 4, median: 4, p90: 4, spread: 0 });
  });

  it('reports the statistics of a real model on wasm with --threads and --warmup', async () => {
    const r = await pabnn(
      'bench',
      model,
      '--backend',
      'wasm',
      '--threads',
      '1',
      '--warmup',
      '2',
      '--runs',
      '7',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const { results } = JSON.parse(r.stdout);
    expect(results).toHaveLength(1);
    const [w] = results;
    expect(w).toMatchObject({ backend: 'wasm', threads: 1, warmup: 2, runs: 7, fallbacks: 0 });
    expect(w.min).toBeGreaterThan(0);
    expect(w.min).toBeLessThanOrEqual(w.median);
    expect(w.median).toBeLessThanOrEqual(w.p90);
    expect(w.p90).toBeLessThanOrEqual(w.max);
    expect(w.spread).toBeCloseTo(w.p90 - w.min, 9);

    const text = await pabnn('bench', model, '--backend', 'wasm', '--threads', '2', '--runs', '3');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(
      /^wasm +min [\d.]+ ms {2}median [\d.]+ ms {2}p90 [\d.]+ ms {2}spread [\d.]+ ms {2}over 3 runs after 1 warm-up, threads 2; 0 nodes on js/,
    );
  }, 120_000);

  it('bad --threads and --warmup are usage errors (exit 2)', async () => {
    for (const [args, message] of [
      [['--threads', '0'], /--threads must be an integer from 1 to 64, got 0/],
      [['--threads', '65'], /--threads must be an integer from 1 to 64, got 65/],
      [['--threads', 'auto'], /--threads must be an integer from 1 to 64, got auto/],
      [['--warmup=-1'], /--warmup must be an integer >= 0, got -1/],
    ] as const) {
      const r = await pabnn('bench', model, ...args);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    // --warmup 0 is allowed: the first run is then timed
    const cold = await pabnn('bench', model, '--backend', 'js', '--warmup', '0', '--runs', '1');
    expect(cold.code, cold.stderr).toBe(0);
    expect(cold.stdout).toMatch(/over 1 runs after 0 warm-up/);
  }, 120_000);
});
