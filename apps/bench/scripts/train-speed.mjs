// Kernels dispatched, read-backs and wall time per training step of Fashion-MNIST ResNet-8 for
// each scheme (apps/bench src/benchmarks/train-speed), on TF.js wasm or cpu here:
//
//   nice node apps/bench/scripts/train-speed.mjs --backend wasm --steps 10 --warmup 5 \
//     --models float,xnor-1x1,abc-3x3,pa-2x2,pa-4x5 [--kernels] [--json out.json]
//
// Run from the repository root with the packages built. On a GPU machine the same runs as
// `node .gpu/accuracy-job.cjs train-speed --backend webgpu ...` (pnpm --filter @pabnn/bench run
// gpu-bundle).
import { runTrainSpeed } from '../dist/benchmarks/train-speed/train-speed.js';

await runTrainSpeed(process.argv.slice(2));
