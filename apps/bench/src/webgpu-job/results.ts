import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PAConvKernel } from '@pabnn/backend-webgpu';
import type { PeakResult } from './peak.js';
import type { ModelProfile } from './profile.js';

/** One PAConv2D layer timing: GPU time per conv, inputs resident (../benchmarks/webgpu.ts's method). */
export interface LayerRow {
  layer: string;
  batch: number;
  M: number;
  N: number;
  /** The conv kernel forced for this row, and the one 'auto' picks. */
  kernel: PAConvKernel;
  autoKernel: PAConvKernel;
  oursMs: number;
  /** Multiply-accumulates of the float conv (batch x pixels x Cout x 3 x 3 x Cin); absent in older results. */
  macs?: number;
  tfjsWebgpuMs: number;
  /**
   * onnxruntime-web WebGPU EP's float conv of the same layer (ort-conv-timing.ts), and its output
   * against our float conv's (relative to the largest magnitude); absent where ORT did not run and
   * in older results.
   */
  ortWebgpuMs?: number;
  ortDifference?: number;
  /** Our float Conv2D of the same layer and weights (the backend's default float kernel); absent in older results. */
  oursFloatMs?: number;
  speedup: number;
  /**
   * Largest difference of this kernel's output from the direct kernel's on the same input, over
   * the largest magnitude of the direct one's (the kernels are checked against each other on the
   * GPU itself, the conformance suite runs on SwiftShader); absent for direct and older results.
   */
  differenceVsDirect?: number;
}

/** One whole-model timing, end to end (host input in, host logits out). */
export interface ModelRow {
  /** 'ours' (our Session on webgpu), 'tfjs-webgpu' or 'ort-webgpu' (onnxruntime-web's WebGPU EP). */
  runtime: 'ours' | 'tfjs-webgpu' | 'ort-webgpu';
  model: 'resnet18' | 'pa_resnet18';
  M: number | null;
  N: number | null;
  batch: number;
  ms: number;
  imagesPerSecond: number;
  /** Logits vs TF.js's on the same float weights, relative to their largest magnitude. */
  errorVsTfjs?: number;
  modelBytes?: number;
  fallbacks?: number;
}

export interface JobResults {
  job: 'webgpu-throughput';
  /** Dawn's adapter description and nvidia-smi's card and driver, where it runs. */
  adapter: string;
  card?: string;
  driver?: string;
  /** The adapter's optional WebGPU features (absent in older results). */
  adapterFeatures?: string[];
  software: boolean;
  tiny: boolean;
  /** Convs queued per layer sample before waiting for the queue. */
  layerRepeat: number;
  machine: Record<string, unknown>;
  startedAt: string;
  finishedAt?: string;
  /** What did not run and why (onnxruntime-web's WebGPU EP, parts cut by the time budget). */
  notes: string[];
  /** The adapter's measured XOR/popcount peak (peak.ts); absent in older results. */
  peak?: PeakResult;
  layers: LayerRow[];
  models: ModelRow[];
  /** Per-node GPU time of whole PA models (profile.ts); absent in older results. */
  profiles?: ModelProfile[];
}

/** Keeps the results and rewrites the JSON file after every change, so a cut-off run leaves what it measured. */
export class ResultsFile {
  readonly path: string;
  constructor(
    dir: string,
    readonly results: JobResults,
  ) {
    this.path = join(dir, 'webgpu-results.json');
    this.save();
  }

  save(): void {
    writeFileSync(this.path, `${JSON.stringify(this.results, null, 2)}\n`);
  }

  layer(row: LayerRow): void {
    this.results.layers.push(row);
    this.save();
  }

  profile(profile: ModelProfile): void {
    this.results.profiles ??= [];
    this.results.profiles.push(profile);
    this.save();
  }

  model(row: ModelRow): void {
    this.results.models.push(row);
    this.save();
  }
}
