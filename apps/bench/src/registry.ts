import { runAblation } from './benchmarks/ablation.js';
import { runAccuracy } from './benchmarks/accuracy.js';
import { runAllocate } from './benchmarks/allocate.js';
import { runApprox } from './benchmarks/approx.js';
import { runConvWasm } from './benchmarks/conv.js';
import { runConvJs } from './benchmarks/conv-js.js';
import { runCost } from './benchmarks/cost.js';
import { runImagenetPtq } from './benchmarks/imagenet-ptq.js';
import { runMainJob } from './benchmarks/main.js';
import { runModelWasm } from './benchmarks/model.js';
import { runPareto } from './benchmarks/pareto.js';
import { runPlots } from './benchmarks/plots.js';
import { runWebgpu } from './benchmarks/webgpu.js';

export interface Benchmark {
  description: string;
  run(): Promise<void>;
}

/** Every `pnpm bench <name>`; one entry per benchmark file in benchmarks/. */
export const BENCHMARKS: Record<string, Benchmark> = {
  accuracy: {
    description:
      'QAT on Fashion-MNIST / MNIST: float, xnor, abc 3x3, pa 3x3, pa 4x5; runtime re-evaluation (reports/accuracy.*, models/)',
    run: () => runAccuracy(),
  },
  ablation: {
    description:
      'few-bases recipe ablation on Fashion-MNIST ResNet-8, PA: BN re-estimation and distillation, from the accuracy runs (reports/ablation.*)',
    run: runAblation,
  },
  allocate: {
    description:
      'per-layer (M, N) for Fashion-MNIST ResNet-8: layer sensitivities, wasm layer times, allocations faster than ORT float (reports/allocation.*)',
    run: () => runAllocate(),
  },
  approx: {
    description:
      'PA / ABC-Net / XNOR approximation error on every ResNet-50 conv (reports/approx.*)',
    run: runApprox,
  },
  conv: {
    description:
      'wasm PAConv2D (1,1)..(4,5) vs onnxruntime-web and TF.js wasm float convs on ResNet-18 and ResNet-8 layers, % of the CPU peak (reports/conv.*)',
    run: runConvWasm,
  },
  'conv-js': {
    description:
      'js backend PAConv2D (1,1), (2,2), (4,5) vs TF.js cpu float conv2d on 1x56x56x64 3x3 (reports/conv-js.*)',
    run: runConvJs,
  },
  cost: {
    description:
      'params, memory, FLOPs, BOPs and OPs of every ImageNet architecture per scheme (reports/cost.*)',
    run: runCost,
  },
  'imagenet-ptq': {
    description:
      'Keras ResNet-50: import vs TF.js, ONNX export in onnxruntime-web, post-training PA/ABC/XNOR agreement (reports/imagenet-ptq.*)',
    run: runImagenetPtq,
  },
  main: {
    description:
      'the main job (npm start): shipped trained models, size, top-1 and batch-1 latency per backend vs ORT float (reports/main.*)',
    run: runMainJob,
  },
  pareto: {
    description:
      'Fashion-MNIST ResNet-8: top-1 vs wasm batch-1 latency and file size for every trained run (float, ORT, XNOR, ABC, uniform PA, per-layer PA) (reports/pareto.*)',
    run: runPareto,
  },
  model: {
    description:
      'whole ResNet-18 (224, batch 1): PA (1,1), (2,2), (3,3), (4,5) on wasm at 1 and 2 threads vs float in onnxruntime-web (reports/model.*)',
    run: runModelWasm,
  },
  webgpu: {
    description:
      'WGSL PAConv2D vs TF.js webgpu float conv on ResNet-18 layers, on this adapter (reports/webgpu.*)',
    run: runWebgpu,
  },
  // last, so `pnpm bench all` draws from the reports it has just written
  plots: {
    description:
      'SVG charts of speed and accuracy against the rivals from reports/*.json (reports/*.svg)',
    run: runPlots,
  },
};
