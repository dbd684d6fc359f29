import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import '@pabnn/backend-js';
import '@pabnn/backend-wasm';
import { Session } from '@pabnn/runtime';
import { evaluateSession, loadDataset } from '@pabnn/train';
import { machineInfo } from '../../machine.js';
import { markdownTable, writeReport } from '../../reports.js';
import { runsDir } from './paths.js';
import { BATCH_SIZE, BINARY_EPOCHS, FLOAT_EPOCHS, RUNS, runFileName } from './recipe.js';
import { modelFile, type RunResult } from './train-run.js';

interface RuntimeCheck {
  top1: number;
  /** Test images where the runtime's class equals TF.js's. */
  agree: number;
  seconds: number;
}

/** Evaluates a saved model with the runtime on one backend and compares with TF.js's classes. */
async function runtimeEval(
  run: RunResult,
  backend: string,
  dataDir?: string,
): Promise<RuntimeCheck> {
  const test = loadDataset(run.spec.dataset, 'test', {
    dir: dataDir ? join(dataDir, run.spec.dataset) : undefined,
  });
  const tfPredictions = Buffer.from(run.predictions, 'base64');
  const session = await Session.create(readFileSync(modelFile(run.spec.id)), {
    backend,
    fallback: true,
  });
  const r = await evaluateSession(session, test);
  session.dispose();
  const agree = r.predictions.reduce((n, p, i) => n + (p === tfPredictions[i] ? 1 : 0), 0);
  return { top1: r.top1, agree, seconds: r.seconds };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}`;

const NOTES = `## Notes
- Every row was trained on the device in its "trained on" column; wasm rows on the 2-core development VM,
  one process per run (\`pnpm bench accuracy --jobs 2\`), ~110 images/s for float ResNet-8 alone, ~60 for PA 4x5.
- WebGPU (\`--device webgpu\`, bundle \`.gpu/accuracy-job.cjs\`) trained the float Fashion-MNIST ResNet-8 on an NVIDIA
  H200 at 475-507 images/s (3 epochs, TF.js top-1 88.68 %), but the exported tensors of that long run were garbage
  (every variable read back the same bytes) while a one-step run on the same H200 and every SwiftShader run read back
  correctly; not yet understood, so no committed row comes from the GPU.
- The recipe is short (3 + 1 epochs) because of the CPU budget; longer fine-tuning narrows every gap.
`;

/** Reads every finished run, checks it on the runtime (js and wasm), writes reports/accuracy.*. */
export async function writeAccuracyReport(dataDir?: string): Promise<void> {
  const runs: RunResult[] = RUNS.map((s) => join(runsDir(), `${runFileName(s.id)}.json`))
    .filter((f) => existsSync(f))
    .map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const rows = [];
  for (const run of runs) {
    const float = runs.find(
      (r) =>
        r.spec.scheme === 'float' &&
        r.spec.dataset === run.spec.dataset &&
        r.spec.model === run.spec.model,
    );
    const js = await runtimeEval(run, 'js', dataDir);
    const wasm = await runtimeEval(run, 'wasm', dataDir);
    process.stderr.write(
      `[accuracy] ${run.spec.id}: TF.js ${pct(run.top1)} %, runtime js ${pct(js.top1)} % (${js.agree} agree), wasm ${pct(wasm.top1)} % (${wasm.agree} agree)\n`,
    );
    rows.push({
      dataset: run.spec.dataset,
      model: run.spec.model,
      scheme: run.spec.scheme,
      M: run.spec.scheme === 'float' ? null : run.spec.M,
      N: run.spec.scheme === 'float' ? null : run.spec.N,
      top1: run.top1,
      gapToFloat: float ? float.top1 - run.top1 : null,
      epochs: run.epochs,
      trainSeconds: Math.round(run.trainSeconds),
      modelBytes: run.modelBytes,
      trainedOn: run.device,
      imagesPerSecond: Math.round(run.imagesPerSecond),
      runtime: { js, wasm },
    });
  }
  writeReport('accuracy.json', {
    machine: machineInfo(),
    recipe: { floatEpochs: FLOAT_EPOCHS, binaryEpochs: BINARY_EPOCHS, batchSize: BATCH_SIZE },
    rows,
  });
  const table = markdownTable(
    [
      'dataset',
      'model',
      'scheme',
      'M x N',
      'top-1 %',
      'gap to float',
      'epochs',
      'train s',
      'trained on',
      'model KB',
      'runtime js / wasm top-1 %',
      'agree with TF.js (js / wasm)',
    ],
    rows.map((r) => [
      r.dataset,
      r.model,
      r.scheme,
      r.M === null ? '-' : `${r.M}x${r.N}`,
      pct(r.top1),
      r.gapToFloat === null ? '-' : pct(r.gapToFloat),
      r.epochs,
      r.trainSeconds,
      r.trainedOn,
      (r.modelBytes / 1024).toFixed(0),
      `${pct(r.runtime.js.top1)} / ${pct(r.runtime.wasm.top1)}`,
      `${r.runtime.js.agree} / ${r.runtime.wasm.agree}`,
    ]),
  );
  writeReport(
    'accuracy.md',
    `# Accuracy after quantization-aware training (\`pnpm bench accuracy\`)\n\n` +
      `Recipe: float ${FLOAT_EPOCHS} epochs (Adam 1e-3, cosine), then every binarized scheme fine-tuned from it for ` +
      `${BINARY_EPOCHS} epochs (Adam 5e-4, cosine), batch ${BATCH_SIZE}, no augmentation; first conv and classifier float, ` +
      `downsampling convs binarized for pa and abc (zoo defaults). Test sets: 10,000 images. top-1 is TF.js's; the ` +
      `exported .pabnn files (models/) are re-evaluated by the runtime on the js and wasm backends.\n\n${table}\n\n${NOTES}`,
  );
}
