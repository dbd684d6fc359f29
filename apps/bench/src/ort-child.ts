// The child process of ort-timing.ts: onnxruntime-web reads env.wasm.numThreads once, when it
// initializes, so each thread count is timed in a process of its own. Argument: a JSON spec
// file (OrtJob); prints one JSON line { ms }.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import type { OrtJob } from './ort-timing.js';
import { bestMedianMs } from './timing.js';

const job = JSON.parse(readFileSync(process.argv[2], 'utf8')) as OrtJob;
ort.env.wasm.numThreads = job.threads;
const session = await ort.InferenceSession.create(readFileSync(job.model), {
  executionProviders: ['wasm'],
});
const feeds = Object.fromEntries(
  job.inputs.map((i) => {
    const bytes = readFileSync(i.file);
    const data = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    return [i.name, new ort.Tensor('float32', data, i.dims)];
  }),
);
const ms = await bestMedianMs(() => session.run(feeds), job.rounds, job.timing);
await session.release();
process.stdout.write(`${JSON.stringify({ ms, threads: ort.env.wasm.numThreads })}\n`);
process.exit(0);
