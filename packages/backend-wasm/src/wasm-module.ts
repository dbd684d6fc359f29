import { BackendError } from '@pabnn/backend';
import { checkWasmBytes, type WasmFile, type WasmPaths, wasmFileUrl } from './wasm-paths.js';

/** binarize's arguments (asm/pa-conv.ts): counts, and byte offsets of the input, thresholds, coefficients, planes and sums. */
type BinarizeArgs = [
  x: number,
  pixels: number,
  cin: number,
  groups: number,
  n: number,
  thr: number,
  coef: number,
  planes: number,
  qsum: number,
];

/** The exports of asm/kernels.ts. */
export interface PAKernels {
  memory: WebAssembly.Memory;
  binarize(...args: BinarizeArgs): void;
  conv(params: number): void;
  convTiled(params: number): void;
  /** binarize's arguments for one part's input pixels, then convTiled's block (asm/pa-binarize-conv.ts). */
  binarizeConvTiled(...args: [...BinarizeArgs, params: number]): void;
  /** The measured peak of the XOR + popcount micro-kernel (asm/popcount-peak.ts). */
  popcountPeak(h: number, w: number, words: number, reps: number): number;
  conv2dF32(params: number): void;
  /** PAConv2D's dequantized path (asm/pa-dequantized.ts): the input's staircase levels, then the epilogue. */
  quantizeF32(x: number, count: number, n: number, thr: number, levels: number, y: number): void;
  paEpilogueF32(
    y: number,
    pixels: number,
    c: number,
    scale: number,
    bias: number,
    act: number,
  ): void;
  affineF32(x: number, scale: number, shift: number, pixels: number, c: number, y: number): void;
  reluF32(x: number, n: number, y: number): void;
  addF32(a: number, b: number, n: number, bLen: number, y: number): void;
  clipF32(x: number, n: number, lo: number, hi: number, y: number): void;
  poolF32(params: number): void;
  globalAvgPoolF32(x: number, batch: number, pixels: number, c: number, y: number): void;
  denseF32(
    x: number,
    wt: number,
    bias: number,
    batch: number,
    inF: number,
    outF: number,
    y: number,
  ): void;
}

// (module (func (result v128) i32.const 0 i8x16.splat i8x16.popcnt)): validates only where
// the engine has SIMD128 with i8x16.popcnt
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15,
  253, 98, 11,
]);

export function simdSupported(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

// One literal `new URL(..., import.meta.url)` per file: bundlers (Vite, webpack, Parcel) find
// these and ship the .wasm files with the app; a computed path would leave them behind.
const WASM_URLS: Record<WasmFile, () => URL> = {
  'pa-simd.wasm': () => new URL('../wasm/pa-simd.wasm', import.meta.url),
  'pa-scalar.wasm': () => new URL('../wasm/pa-scalar.wasm', import.meta.url),
  'pa-simd-threads.wasm': () => new URL('../wasm/pa-simd-threads.wasm', import.meta.url),
  'pa-scalar-threads.wasm': () => new URL('../wasm/pa-scalar-threads.wasm', import.meta.url),
};

/** The threaded builds' memory: 16 pages to start (as the module declares), 2 GiB at most. */
const SHARED_PAGES = { initial: 16, maximum: 32768 };

async function wasmBytes(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    // a computed specifier: bundlers leave it alone (browsers never reach this line)
    const { readFile } = (await import(
      /* webpackIgnore: true */ /* @vite-ignore */ ['node', 'fs/promises'].join(':')
    )) as typeof import('node:fs/promises');
    try {
      return await readFile(url);
    } catch (error) {
      throw new BackendError(
        'wasm-fetch',
        `wasm backend: could not read ${url}: ${(error as Error).message}`,
      );
    }
  }
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new BackendError(
      'wasm-fetch',
      `wasm backend: could not fetch ${url}: ${(error as Error).message}`,
    );
  }
  if (!response.ok)
    throw new BackendError(
      'wasm-fetch',
      `wasm backend: could not fetch ${url}: HTTP ${response.status} (serve the package's wasm/ folder there, or set the wasmPaths option)`,
    );
  return new Uint8Array(await response.arrayBuffer());
}

export interface LoadedKernels {
  kernels: PAKernels;
  simd: boolean;
  /** The compiled module and its shared memory, for the workers of a thread pool (threaded builds). */
  shared?: { module: WebAssembly.Module; memory: WebAssembly.Memory };
}

/**
 * Instantiates the SIMD build where the engine supports it (unless told not to), else the scalar
 * one; the threaded variant (an imported shared memory) when `threaded`; from `paths` where
 * given (wasm-paths.ts).
 */
export async function loadKernels(
  simd: boolean,
  threaded = false,
  paths?: WasmPaths,
): Promise<LoadedKernels> {
  const useSimd = simd && simdSupported();
  const file: WasmFile = `pa-${useSimd ? 'simd' : 'scalar'}${threaded ? '-threads' : ''}.wasm`;
  const url = wasmFileUrl(file, paths, WASM_URLS[file]());
  const bytes = await wasmBytes(url);
  checkWasmBytes(bytes, url);
  const module = await WebAssembly.compile(bytes as BufferSource);
  const memory = threaded ? new WebAssembly.Memory({ ...SHARED_PAGES, shared: true }) : undefined;
  const instance = await WebAssembly.instantiate(module, {
    env: {
      ...(memory ? { memory } : {}),
      abort: () => {
        throw new Error('wasm kernel aborted');
      },
    },
  });
  // the threaded builds export the memory they import, so kernels.memory is the shared one
  const kernels = instance.exports as unknown as PAKernels;
  return { kernels, simd: useSimd, shared: memory ? { module, memory } : undefined };
}
