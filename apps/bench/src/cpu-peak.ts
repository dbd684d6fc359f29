import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The binary multiply-accumulate rate WebAssembly reaches on this CPU: the best of the team's
 * reference loops (XOR + popcount streams, register tiles, carry-save-adder accumulation, the
 * v128 + i64 mix), measured by the peak tool that lives beside the repository in the shared
 * folder (`<shared>/tools/peak/bench.mjs`; PABNN_PEAK_TOOL names another path). It is the
 * denominator of every "% of peak": a limit of the machine, not of our own kernel.
 */
export interface CpuPeak {
  /** Best loop's rate on one thread, and of all threads together at 2, binary MACs per second. */
  perThread: number;
  twoThreads: number;
  /** Which loops gave them. */
  kernel1: string;
  kernel2: string;
  /** Every binary loop's median rate: [id, 1 thread, 2 threads]. */
  loops: [string, number, number][];
}

interface PeakRow {
  kernel: string;
  t1?: { rate: number; unit: string };
  t2?: { rate: number; unit: string };
}

/** Where the shared peak tool is: beside the repository root (a clone's `../shared`). */
export function peakToolPath(): string {
  if (process.env.PABNN_PEAK_TOOL) return resolve(process.env.PABNN_PEAK_TOOL);
  const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
  return join(repoRoot, '..', 'shared', 'tools', 'peak', 'bench.mjs');
}

/**
 * Runs the peak tool over its binary loops (about 2 minutes) and keeps the best of each count.
 * `quick`: only its fastest families (carry-save-adder and v128 + i64 loops), one thread, three
 * short runs (a few seconds; twoThreads is then 0): the bound the main job prints.
 */
export function measureCpuPeak({ quick = false }: { quick?: boolean } = {}): CpuPeak {
  const tool = peakToolPath();
  if (!existsSync(tool))
    throw new Error(
      `the CPU peak tool is not at ${tool}: the conv benchmark's "% of peak" needs it (set PABNN_PEAK_TOOL)`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'pabnn-peak-'));
  try {
    const json = join(dir, 'peak.json');
    const run = spawnSync(
      process.execPath,
      [
        tool,
        ...(quick
          ? ['--only', '^(simd CSA|hybrid)', '--threads', '1', '--runs', '3', '--ms', '100']
          : ['--only', '^(simd|scalar|hybrid)', '--threads', '1,2', '--runs', '5']),
        '--json',
        json,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (run.status !== 0 || !existsSync(json))
      throw new Error(`the CPU peak tool failed (exit ${run.status})`);
    const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: PeakRow[] }).rows.filter(
      (r) => r.t1?.unit === 'bMAC',
    );
    const loops = rows.map((r): [string, number, number] => [
      r.kernel,
      r.t1!.rate,
      r.t2?.rate ?? 0,
    ]);
    const best = (i: 1 | 2) => loops.reduce((a, b) => (b[i] > a[i] ? b : a));
    return {
      perThread: best(1)[1],
      twoThreads: best(2)[2],
      kernel1: best(1)[0],
      kernel2: best(2)[0],
      loops,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The peak in quick mode, where the shared peak tool is beside the repository; undefined in a
 * user's clone, which has none (the reports' bound sections are then left out).
 */
export function quickPeak(): CpuPeak | undefined {
  return existsSync(peakToolPath()) ? measureCpuPeak({ quick: true }) : undefined;
}

/** The higher of peaks measured before and after a benchmark's timings (the VM's slow phases). */
export function higherPeak(...peaks: (CpuPeak | undefined)[]): CpuPeak | undefined {
  return peaks.reduce<CpuPeak | undefined>(
    (a, b) => (b && (!a || b.perThread > a.perThread) ? b : a),
    undefined,
  );
}
