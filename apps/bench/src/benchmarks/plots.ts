import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BarChart, barChart } from '../plot/bar-chart.js';
import { reportsDir, writeReport } from '../reports.js';
import { type ParetoRow, paretoChart } from './pareto.js';

// biome-ignore lint/suspicious/noExplicitAny: report rows are plain JSON written by the other benchmarks
type Row = Record<string, any>;

const pct = (v: number) => 100 * v;
const mn = (r: Row) => `(${r.M},${r.N})`;

/** One chart per committed report, drawn from its JSON (so `pnpm bench plots` needs no rerun). */
const CHARTS: Record<string, (report: Row) => BarChart> = {
  accuracy: (r) => ({
    title: `Top-1 on the test set after QAT (${r.rows[0]?.dataset ?? ''} …; TF.js evaluation)`,
    unit: 'top-1 (%)',
    series: ['top-1'],
    groups: r.rows.map((row: Row) => ({
      label: `${row.dataset} ${row.model} ${row.scheme}${row.M ? ` ${row.M}x${row.N}` : ''}`,
      values: [pct(row.top1)],
    })),
  }),
  conv: (r) => ({
    title: `wasm PAConv2D vs float convs, ResNet-18 and ResNet-8 layers (${r.machine?.cpu ?? r.machine ?? ''})`,
    unit: 'speed-up over the float rival (x, log scale)',
    series: ['vs onnxruntime-web', 'vs TF.js wasm'],
    log: true,
    reference: { value: 1, label: 'as fast as the rival' },
    groups: r.rows.map((row: Row) => ({
      label: `${row.layer.split(',')[0]} ${mn(row)} ${row.threads}t`,
      values: [row.speedupVsOrt ?? null, row.speedupVsTfjs ?? null],
    })),
  }),
  main: (r) => ({
    title:
      'Shipped 28x28 ResNet-8 models, batch 1: our runtime vs the float model in onnxruntime-web',
    unit: 'speed-up over onnxruntime-web float (x, log scale)',
    series: ['speed-up'],
    log: true,
    reference: { value: 1, label: 'as fast as onnxruntime-web' },
    groups: r.rows.map((row: Row) => ({
      label: `${row.dataset} ${row.scheme} ${row.backend}${row.threads ? ` ${row.threads}t` : ''}`,
      values: [row.speedupVsOrtFloat],
    })),
  }),
  'webgpu-nvidia': (r) => ({
    title: `WebGPU (WGSL) vs TF.js webgpu float: ResNet-18 layers and whole model (${String(r.adapter).split(' ').slice(0, 2).join(' ')})`,
    unit: 'speed-up over TF.js webgpu (x, log scale)',
    series: ['speed-up'],
    log: true,
    reference: { value: 1, label: 'as fast as TF.js' },
    groups: [...(r.layers ?? r.rows), ...(r.models ?? [])].map((row: Row) => ({
      label: `${String(row.layer ?? row.model).split(',')[0]} b${row.batch} ${row.M === null ? 'float' : mn(row)}`,
      values: [row.speedup ?? null],
    })),
  }),
};

/** `pnpm bench plots`: reports/<name>.svg for every report above that exists. */
export async function runPlots(): Promise<void> {
  for (const [name, chart] of Object.entries(CHARTS)) {
    const file = join(reportsDir(), `${name}.json`);
    if (!existsSync(file)) {
      process.stderr.write(`[plots] no reports/${name}.json: run pnpm bench ${name} first\n`);
      continue;
    }
    const path = writeReport(
      `${name}.svg`,
      barChart(chart(JSON.parse(readFileSync(file, 'utf8')))),
    );
    process.stderr.write(`[plots] ${path}\n`);
  }
  const pareto = join(reportsDir(), 'pareto.json');
  if (existsSync(pareto)) {
    const r = JSON.parse(readFileSync(pareto, 'utf8')) as { ortFloatMs: number; rows: ParetoRow[] };
    const float = r.rows.find((row) => row.kind === 'float');
    const path = writeReport('pareto.svg', paretoChart(r.rows, r.ortFloatMs, float?.top1));
    process.stderr.write(`[plots] ${path}\n`);
  } else process.stderr.write('[plots] no reports/pareto.json: run pnpm bench pareto first\n');
}
