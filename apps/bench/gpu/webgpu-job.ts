// Entry for `pnpm bench webgpu` on a bare GPU machine (../shared/tools/gpu/README.md): bundled
// into .gpu/webgpu-job.cjs by `pnpm --filter @pabnn/bench run gpu-bundle`, run there with
// `source .gpu/setup.sh && node .gpu/webgpu-job.cjs`; the report goes to $OUT.
const { create, globals } = require('webgpu');
Object.assign(globalThis, globals);
const gpu = create([]);
(globalThis as { navigator?: object }).navigator ??= {};
Object.defineProperty((globalThis as unknown as { navigator: object }).navigator, 'gpu', {
  value: gpu,
  configurable: true,
});
process.env.PABNN_REPORTS_DIR = process.env.OUT ?? '.';
process.env.PABNN_WEBGPU_REPORT = 'webgpu-nvidia';
import('../src/benchmarks/webgpu.js')
  .then((m) => m.runWebgpu())
  .then(() => {
    (globalThis as { keep?: unknown }).keep = gpu; // referenced until the end
    process.exit(0);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
