import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TimingOptions } from './timing.js';

/** What ort-child.ts times: a model file, float32 inputs, a thread count. */
export interface OrtJob {
  model: string;
  inputs: { name: string; dims: number[]; file: string }[];
  threads: number;
  rounds: number;
  timing?: TimingOptions;
}

/**
 * The float model's batch time in onnxruntime-web (wasm EP) at `threads` threads, lowest of
 * `rounds` medians (timing.ts), measured in a child process: onnxruntime-web takes its thread
 * count once per process, at initialization, so timing 1 and then 2 threads in one process
 * would time 1 thread twice.
 */
export function ortBatchMs(
  model: Uint8Array,
  inputs: { name: string; dims: number[]; data: Float32Array }[],
  threads: number,
  { rounds = 3, timing }: { rounds?: number; timing?: TimingOptions } = {},
): number {
  const dir = mkdtempSync(join(tmpdir(), 'pabnn-ort-'));
  try {
    const job: OrtJob = {
      model: join(dir, 'model.onnx'),
      inputs: inputs.map((input, i) => ({
        name: input.name,
        dims: input.dims,
        file: join(dir, `input-${i}.bin`),
      })),
      threads,
      rounds,
      timing,
    };
    writeFileSync(job.model, model);
    inputs.forEach((input, i) =>
      writeFileSync(
        job.inputs[i].file,
        new Uint8Array(input.data.buffer, input.data.byteOffset, input.data.byteLength),
      ),
    );
    writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
    const child = new URL('./ort-child.js', import.meta.url);
    const out = execFileSync(process.execPath, [child.pathname, join(dir, 'job.json')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const result = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; threads: number };
    if (result.threads !== threads)
      throw new Error(`onnxruntime-web ran ${result.threads} thread(s), not ${threads}`);
    return result.ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
