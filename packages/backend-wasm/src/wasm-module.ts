/** The exports of asm/pa-conv.ts. */
export interface PAKernels {
  memory: WebAssembly.Memory;
  binarize(
    x: number,
    pixels: number,
    cin: number,
    groups: number,
    n: number,
    thr: number,
    lvl: number,
    planes: number,
    qsum: number,
  ): void;
  conv(params: number): void;
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

async function wasmBytes(file: string): Promise<ArrayBuffer | Uint8Array> {
  const url = new URL(`../wasm/${file}`, import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return readFile(url);
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}

/** Instantiates the SIMD build where the engine supports it (unless told not to), else the scalar one. */
export async function loadKernels(simd: boolean): Promise<{ kernels: PAKernels; simd: boolean }> {
  const useSimd = simd && simdSupported();
  const module = await WebAssembly.compile(
    (await wasmBytes(useSimd ? 'pa-simd.wasm' : 'pa-scalar.wasm')) as BufferSource,
  );
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort: () => {
        throw new Error('wasm kernel aborted');
      },
    },
  });
  return { kernels: instance.exports as unknown as PAKernels, simd: useSimd };
}
