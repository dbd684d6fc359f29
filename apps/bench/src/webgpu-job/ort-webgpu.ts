import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** An output onnxruntime-web left on the GPU (preferredOutputLocation 'gpu-buffer'). */
export interface OrtGpuTensor {
  getData(): Promise<Float32Array>;
  dispose(): void;
}

/** The part of onnxruntime-web's API the job uses (its types would pull the whole package in). */
export interface OrtModule {
  env: {
    wasm: { numThreads: number; wasmPaths?: string };
    versions: Record<string, string>;
    /** The WebGPU EP's device, once a session has started it. */
    webgpu: { readonly device: Promise<GPUDevice> };
  };
  Tensor: (new (
    type: 'float32',
    data: Float32Array,
    dims: readonly number[],
  ) => unknown) & {
    fromGpuBuffer(
      buffer: GPUBuffer,
      options: { dataType: 'float32'; dims: readonly number[] },
    ): unknown;
  };
  InferenceSession: {
    create(
      model: Uint8Array,
      options: { executionProviders: string[]; preferredOutputLocation?: 'cpu' | 'gpu-buffer' },
    ): Promise<{
      inputNames: readonly string[];
      outputNames: readonly string[];
      run(
        feeds: Record<string, unknown>,
      ): Promise<Record<string, { data: Float32Array } | OrtGpuTensor>>;
      release(): Promise<void>;
    }>;
  };
}

/** The files of onnxruntime-web's JSEP build that run its WebGPU EP (the bundle step copies them). */
export const ORT_FILES = [
  'ort.all.min.js',
  'ort-wasm-simd-threaded.jsep.mjs',
  'ort-wasm-simd-threaded.jsep.wasm',
];

/**
 * Dawn's GPUQueue#writeBuffer takes the WebGPU IDL's (buffer, offset, data, dataOffset, size)
 * but rejects what onnxruntime-web's JSEP passes ("no overload matched for writeBuffer"): views
 * of its wasm memory, a SharedArrayBuffer in the threaded build. The shim copies such data into
 * an ordinary buffer first: an extra host copy on ORT's uploads only, named in the report.
 */
function shimWriteBuffer(): void {
  const queue = (globalThis as { GPUQueue?: { prototype: GPUQueue & { pabnnShim?: boolean } } })
    .GPUQueue?.prototype;
  if (!queue || queue.pabnnShim) return;
  const original = queue.writeBuffer;
  queue.writeBuffer = function (
    this: GPUQueue,
    buffer: GPUBuffer,
    offset: number,
    data: BufferSource | SharedArrayBuffer,
    dataOffset?: number,
    size?: number,
  ) {
    const view = ArrayBuffer.isView(data);
    if (!((view ? data.buffer : data) instanceof SharedArrayBuffer))
      return original.call(this, buffer, offset, data as BufferSource, dataOffset, size);
    const element = view
      ? ((data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1)
      : 1;
    const bytes = view
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data as SharedArrayBuffer);
    const start = (dataOffset ?? 0) * element;
    const end = size === undefined ? bytes.byteLength : start + size * element;
    return original.call(this, buffer, Number(offset), bytes.slice(start, end));
  } as GPUQueue['writeBuffer'];
  queue.pabnnShim = true;
}

/**
 * onnxruntime-web with its WebGPU EP in Node, from `dir` (the package's dist/ folder, or the
 * job's copy next to the bundle, where the wasm is gzipped): the files go to a temporary
 * folder and the JSEP build is required from there. Needs Dawn's globals and navigator.gpu.
 */
export function loadOrtWebgpu(dir: string): OrtModule {
  const target = join(tmpdir(), 'pabnn-ort-webgpu');
  mkdirSync(target, { recursive: true });
  // written every time: a copy left by another onnxruntime-web version must not be picked up
  for (const file of ORT_FILES) {
    const to = join(target, file);
    if (existsSync(join(dir, file))) copyFileSync(join(dir, file), to);
    else writeFileSync(to, gunzipSync(readFileSync(join(dir, `${file}.gz`))));
  }
  shimWriteBuffer();
  // a computed path: bundlers leave it alone, so the job's bundle stays small
  const ort = createRequire(join(target, 'x.js'))(join(target, ORT_FILES[0])) as OrtModule;
  ort.env.wasm.numThreads = 1;
  return ort;
}

/** `promise`, or a rejection naming `what` after `ms`: a GPU promise that never settles must not eat the job. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Seconds onnxruntime-web may take to create its session and to time one batch (its first run
 * compiles its shaders: a software adapter needs far more, PABNN_WEBGPU_ORT_LIMIT_S raises it).
 */
export const ortLimitMs = () => Number(process.env.PABNN_WEBGPU_ORT_LIMIT_S ?? 120) * 1000;
