// Entry for `pnpm bench accuracy --device webgpu` on a bare GPU machine
// (../shared/tools/gpu/README.md): bundled into .gpu/accuracy-job.cjs by
// `pnpm --filter @pabnn/bench run gpu-bundle`; run there as
// `source .gpu/setup.sh && node .gpu/accuracy-job.cjs accuracy --device webgpu --jobs 8 --phase train --data-dir .gpu/data`.
// Results (run JSONs, models, checkpoints) go under $OUT.
// gradients now; the webgpu backend is imported by @pabnn/train once navigator.gpu exists
import '@tensorflow/tfjs-core/dist/register_all_gradients';

const { create, globals } = require('webgpu');
Object.assign(globalThis, globals);
const gpu = create([]);
(globalThis as { navigator?: object }).navigator ??= {};
Object.defineProperty((globalThis as unknown as { navigator: object }).navigator, 'gpu', {
  value: gpu,
  configurable: true,
});
const out = process.env.OUT ?? '.';
process.env.PABNN_REPORTS_DIR ??= out;
process.env.PABNN_MODELS_DIR ??= `${out}/models`;
process.env.PABNN_TRAIN_CACHE ??= `${out}/train-cache`;
import('../src/benchmarks/accuracy.js')
  .then((m) => m.runAccuracy(process.argv.slice(3)))
  .then(() => {
    (globalThis as { keep?: unknown }).keep = gpu; // referenced until the end
    process.exit(0);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
