import {
  type BackendTensor,
  type KernelNode,
  PA_ACTIVATION_CODES,
  paConvGeometry,
} from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { decompose, tapSums } from '@pabnn/quantizer';
import { type KernelCall, runCalls, splitRange, type ThreadPool } from './thread-pool.js';
import type { WasmMemory } from './wasm-memory.js';
import type { PAKernels } from './wasm-module.js';

/** What prepare leaves in wasm memory for one PAConv2D node. */
export interface PreparedPAConv {
  node: KernelNode;
  m: number;
  n: number;
  w64: number;
  cout: number;
  kh: number;
  kw: number;
  wbits: number;
  a: number;
  cw: number;
  tapSum: number;
  fullTapSum: number;
  b: number;
  ca: number;
  thresholds: number;
  levels: number;
  /** One conv() parameter block per thread. */
  params: number;
  /** Per-run buffers, grown when a larger batch comes; `work` holds one part per thread. */
  scratch: { planes: number; qsum: number; work: number; bytes: number; pixels: number };
}

/** PAConv2D runs here when its weights and staircase are constants and the staircase is per layer. */
export function supportsPAConv(node: KernelNode, constant: boolean[]): boolean {
  return (
    node.op === 'PAConv2D' &&
    [1, 2, 3, 4, 5].every((i) => constant[i]) &&
    node.inputs[4]?.shape.length === 1
  );
}

/** Re-lays weights [M, Cout, kh, kw, C] (32-bit words) as [o][m][tap][w64] (64-bit words). */
export function preparePAConv(
  memory: WasmMemory,
  node: KernelNode,
  constants: (Tensor | undefined)[],
): PreparedPAConv {
  const [, bits, scales, offset, thresholds, levels] = constants as Tensor[];
  const [m, cout, kh, kw, cinG] = bits.shape;
  const n = thresholds.shape[0];
  const taps = kh * kw;
  const w32 = Math.ceil(cinG / 32);
  const w64 = Math.ceil(cinG / 64);
  const relaid = new Uint32Array(cout * taps * m * w64 * 2);
  const src = bits.data as Uint32Array;
  for (let j = 0; j < m; j++)
    for (let o = 0; o < cout; o++)
      for (let t = 0; t < taps; t++)
        relaid.set(
          src.subarray(((j * cout + o) * taps + t) * w32, ((j * cout + o) * taps + t + 1) * w32),
          ((o * m + j) * taps + t) * w64 * 2,
        );
  const sums = tapSums(bits, scales, offset);
  const fullTapSum = Float64Array.from({ length: cout }, (_, o) =>
    sums.subarray(o * taps, (o + 1) * taps).reduce((a, b) => a + b, 0),
  );
  const stairs = decompose({
    thresholds: Float64Array.from(thresholds.data),
    levels: Float64Array.from(levels.data),
  });
  return {
    node,
    m,
    n,
    w64,
    cout,
    kh,
    kw,
    wbits: memory.put(relaid),
    a: memory.put(Float64Array.from(scales.data)),
    cw: memory.put(Float64Array.from(offset.data)),
    tapSum: memory.put(sums),
    fullTapSum: memory.put(fullTapSum),
    b: memory.put(stairs.coefficients),
    ca: memory.put(Float64Array.of(stairs.constant)),
    thresholds: memory.put(Float32Array.from(thresholds.data)),
    levels: memory.put(Float32Array.from(levels.data)),
    params: 0,
    scratch: { planes: 0, qsum: 0, work: 0, bytes: 0, pixels: -1 },
  };
}

/** i32 fields of asm/pa-conv.ts's conv() block: geometry (16), its own (17), the row range (2). */
const PARAM_FIELDS = 35;
/** Below this many output rows per thread, splitting costs more than it saves. */
const MIN_ROWS_PER_THREAD = 2;

export function runPAConv(
  kernels: PAKernels,
  memory: WasmMemory,
  p: PreparedPAConv,
  inputs: (BackendTensor | undefined)[],
  out: BackendTensor,
  offsetOf: (t: BackendTensor) => number,
  pool?: ThreadPool,
): void {
  const x = inputs[0]!;
  const [batch, inH, inW, cin] = x.shape;
  const attrs = p.node.attrs;
  const groups = attrs.groups as number;
  const pixels = batch * inH * inW;
  const threads = pool?.threads ?? 1;
  // tap and pixel lists, group sums, popcounts, and the gathered activation rows (16-aligned)
  const workBytes =
    Math.ceil(
      (p.kh * p.kw * 8 + groups * 8 + p.m * p.n * 4 + 16 + p.n * p.kh * p.kw * p.w64 * 8) / 64,
    ) * 64;
  if (pixels !== p.scratch.pixels) {
    const s = p.scratch;
    if (s.bytes) {
      memory.release(s.planes, s.pixels * groups * p.n * p.w64 * 8);
      memory.release(s.qsum, s.pixels * groups * 8);
      memory.release(s.work, s.bytes);
      memory.release(p.params, threads * PARAM_FIELDS * 4);
    }
    p.scratch = {
      planes: memory.alloc(pixels * groups * p.n * p.w64 * 8),
      qsum: memory.alloc(pixels * groups * 8),
      work: memory.alloc(workBytes * threads),
      bytes: workBytes * threads,
      pixels,
    };
    p.params = memory.alloc(threads * PARAM_FIELDS * 4);
  }
  const s = p.scratch;
  const planeBytes = groups * p.n * p.w64 * 8; // one pixel's planes
  const binarize = ([begin, end]: [number, number]): KernelCall => ({
    kernel: 'binarize',
    args: [
      offsetOf(x) + begin * cin * 4,
      end - begin,
      cin,
      groups,
      p.n,
      p.thresholds,
      p.levels,
      s.planes + begin * planeBytes,
      s.qsum + begin * groups * 8,
    ],
  });
  runCalls(kernels, splitRange(pixels, threads).map(binarize), pool);

  const geometry = paConvGeometry(attrs, x.shape, p.cout, p.kh, p.kw);
  const rows = batch * geometry[14]; // batch * outH
  const parts = splitRange(rows, Math.min(threads, Math.floor(rows / MIN_ROWS_PER_THREAD) || 1));
  const block = new Int32Array(memory.memory.buffer, p.params, threads * PARAM_FIELDS);
  parts.forEach(([begin, end], t) => {
    block.set(
      [
        ...geometry,
        p.m,
        p.n,
        p.w64,
        PA_ACTIVATION_CODES[attrs.activation as string],
        s.planes,
        s.qsum,
        p.wbits,
        p.a,
        p.cw,
        p.tapSum,
        p.b,
        p.ca,
        inputs[6] ? offsetOf(inputs[6]) : 0,
        inputs[7] ? offsetOf(inputs[7]) : 0,
        offsetOf(out),
        s.work + t * workBytes,
        p.fullTapSum,
        begin,
        end,
      ],
      t * PARAM_FIELDS,
    );
  });
  const conv = (t: number): KernelCall => ({
    kernel: 'conv',
    args: [p.params + t * PARAM_FIELDS * 4],
  });
  runCalls(
    kernels,
    parts.map((_, t) => conv(t)),
    pool,
  );
}
