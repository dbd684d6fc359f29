// Entry for `pnpm bench webgpu` on a bare GPU machine (../shared/tools/gpu/README.md): bundled
// into .gpu/webgpu-job.cjs by `pnpm --filter @pabnn/bench run gpu-bundle`, run there with
// `source .gpu/setup.sh && node .gpu/webgpu-job.cjs`; the report goes to $OUT.
import { runWithWebgpu } from './run-with-webgpu.js';

process.env.PABNN_REPORTS_DIR = process.env.OUT ?? '.';
process.env.PABNN_WEBGPU_REPORT = 'webgpu-nvidia';
runWithWebgpu(() => import('../src/benchmarks/webgpu.js').then((m) => m.runWebgpu()));
