// Entry of the WebGPU throughput job on a bare GPU machine (../shared/tools/gpu/README.md):
// bundled into .gpu/webgpu-job.cjs by `pnpm --filter @pabnn/bench run gpu-bundle` (gpu/bundle.mjs,
// which also puts onnxruntime-web's WebGPU files in .gpu/ort/), run from the repository root with
// `source .gpu/setup.sh && node .gpu/webgpu-job.cjs`; results go to $OUT/webgpu-results.json,
// and `pnpm --filter @pabnn/bench run webgpu-report <that file>` writes reports/webgpu-nvidia.*.
// PABNN_WEBGPU_TINY=1: small shapes, one run a sample (the end-to-end check on SwiftShader).
import { join } from 'node:path';
import { runWithWebgpu } from './run-with-webgpu.js';

runWithWebgpu(() =>
  import('../src/webgpu-job/job.js').then((m) =>
    m.runWebgpuJob({
      outDir: process.env.OUT ?? '.',
      ortDir: process.env.PABNN_ORT_DIR ?? join(__dirname, 'ort'),
      tiny: process.env.PABNN_WEBGPU_TINY === '1',
    }),
  ),
);
