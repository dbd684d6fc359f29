// Entry for `pnpm bench accuracy --device webgpu` on a bare GPU machine
// (../shared/tools/gpu/README.md): bundled into .gpu/accuracy-job.cjs by
// `pnpm --filter @pabnn/bench run gpu-bundle`; run there as
// `source .gpu/setup.sh && node .gpu/accuracy-job.cjs accuracy --device webgpu --jobs 8 --phase train --data-dir .gpu/data`
// (or --device wasm --jobs 14: one run a CPU core, no WebGPU needed).
// Results (run JSONs, models, checkpoints) go under $OUT.
// Gradients now (bundled from core's ESM); the webgpu backend is imported by @pabnn/train once
// navigator.gpu exists, or it would not register.
import { parseArgs } from 'node:util';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { runWithWebgpu } from './run-with-webgpu.js';

const out = process.env.OUT ?? '.';
process.env.PABNN_REPORTS_DIR ??= out;
process.env.PABNN_MODELS_DIR ??= `${out}/models`;
process.env.PABNN_TRAIN_CACHE ??= `${out}/train-cache`;
const job = () =>
  import('../src/benchmarks/accuracy.js').then((m) => m.runAccuracy(process.argv.slice(3)));
// --device wasm trains on the machine's CPU cores (TF.js wasm, one core a run) and needs no GPU
const { device } = parseArgs({
  args: process.argv.slice(3),
  options: { device: { type: 'string' } },
  strict: false,
}).values;
runWithWebgpu(job, { webgpu: device === 'webgpu' });
