import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineInfo } from '../machine.js';
import { markdownTable, writeReport } from '../reports.js';
import { runsDir } from './accuracy/paths.js';
import {
  ABLATION_CPU_RUNS,
  ABLATION_RUNS,
  BATCH_SIZE,
  BN_REESTIMATION_BATCHES,
  DISTILL,
  type RunSpec,
  runFileName,
} from './accuracy/recipe.js';
import type { RunResult } from './accuracy/train-run.js';

const read = (id: string): RunResult | undefined => {
  const file = join(runsDir(), `${runFileName(id)}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};
const pct = (x: number) => (100 * x).toFixed(2);

interface AblationRow {
  M: number;
  N: number;
  epochs: number;
  trainImages: number;
  step: 'recipe' | '+ BN re-estimation' | '+ distillation' | '+ distillation + BN re-estimation';
  top1: number;
  gapToFloat: number;
  run: string;
  trainedOn: string;
  trainSeconds: number;
}

/**
 * The rows of one (M, N) at one budget: the '-bn' run gives the recipe (its top-1 before the
 * re-estimation) and "+ BN re-estimation"; the '-kd-bn' run gives "+ distillation" and both.
 */
function rowsOf(specs: RunSpec[], float: RunResult): AblationRow[] {
  const rows: AblationRow[] = [];
  for (const spec of specs) {
    const run = read(spec.id);
    if (!run || run.top1BeforeBnReestimation === undefined) continue;
    const kd = spec.distill !== undefined;
    const common = {
      M: spec.M,
      N: spec.N,
      epochs: run.epochs,
      trainImages: run.trainImages,
      run: spec.id,
      trainedOn: run.device,
      trainSeconds: Math.round(run.trainSeconds),
    };
    rows.push(
      {
        ...common,
        step: kd ? '+ distillation' : 'recipe',
        top1: run.top1BeforeBnReestimation,
        gapToFloat: float.top1 - run.top1BeforeBnReestimation,
      },
      {
        ...common,
        step: kd ? '+ distillation + BN re-estimation' : '+ BN re-estimation',
        top1: run.top1,
        gapToFloat: float.top1 - run.top1,
      },
    );
  }
  const order = [
    'recipe',
    '+ BN re-estimation',
    '+ distillation',
    '+ distillation + BN re-estimation',
  ];
  return rows.sort(
    (a, b) =>
      b.trainImages * b.epochs - a.trainImages * a.epochs ||
      a.M - b.M ||
      order.indexOf(a.step) - order.indexOf(b.step),
  );
}

/**
 * `pnpm bench ablation`: the recipe steps of issue 25 on Fashion-MNIST ResNet-8, PA (M, N),
 * each measured on its own from the runs of `pnpm bench accuracy` (recipe.ts ABLATION_RUNS at
 * the recipe's budget, ABLATION_CPU_RUNS at the short CPU budget) -> reports/ablation.*.
 */
export async function runAblation(): Promise<void> {
  const float = read('fashion-mnist/resnet8/float');
  if (!float) throw new Error('reports/accuracy-runs has no fashion-mnist/resnet8/float run');
  const rows = [...rowsOf(ABLATION_RUNS, float), ...rowsOf(ABLATION_CPU_RUNS, float)];
  writeReport('ablation.json', {
    machine: machineInfo(),
    float: { run: 'fashion-mnist/resnet8/float', top1: float.top1, trainedOn: float.device },
    distill: DISTILL,
    bnReestimationBatches: BN_REESTIMATION_BATCHES,
    batchSize: BATCH_SIZE,
    rows,
  });
  const table = markdownTable(
    [
      'M x N',
      'epochs',
      'train images',
      'recipe step',
      'top-1 % (10,000 test images)',
      'gap to float',
      'run',
      'trained on',
      'train s',
    ],
    rows.map((r) => [
      `${r.M}x${r.N}`,
      r.epochs,
      r.trainImages.toLocaleString('en'),
      r.step,
      pct(r.top1),
      pct(r.gapToFloat),
      r.run,
      r.trainedOn,
      r.trainSeconds,
    ]),
  );
  writeReport(
    'ablation.md',
    `# Few-bases recipe ablation, Fashion-MNIST ResNet-8 (\`pnpm bench ablation\`)\n\n` +
      `Float ResNet-8: ${pct(float.top1)} % (the shipped float run, trained on ${float.device}). ` +
      `Every PA row fine-tunes from it with the accuracy recipe (Adam 5e-4, cosine, batch ${BATCH_SIZE}, ` +
      `ReLU calibration; reports/accuracy.md); rows of one budget (epochs, train images) differ only in the step ` +
      `named. "BN re-estimation": batch-norm running statistics averaged over ${BN_REESTIMATION_BATCHES} training ` +
      `batches with the final weights before evaluation and export (it is measured on the same run as the row above ` +
      `it). "distillation": the float net's outputs at temperature ${DISTILL.temperature} as a soft target, weight ` +
      `alpha = ${DISTILL.alpha}, labels ${(1 - DISTILL.alpha).toFixed(1)} (Hinton, Vinyals and Dean 2015; ` +
      `fit's distill option in @pabnn/train). Runs: \`pnpm bench accuracy --only <regexp>\` (ids in the table), ` +
      `then \`pnpm bench ablation\`.\n\n${table}\n`,
  );
}
