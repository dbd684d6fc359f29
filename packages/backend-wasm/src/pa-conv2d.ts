import {
  type BackendTensor,
  type KernelNode,
  PA_ACTIVATION_CODES,
  paConvGeometry,
} from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { decompose, type SignDecomposition, tapSums } from '@pabnn/quantizer';
import { type KernelCall, rowCalls, runCalls, splitRange, type ThreadPool } from './thread-pool.js';
import type { WasmMemory } from './wasm-memory.js';
import type { PAKernels } from './wasm-module.js';

/** The weights and constants of asm/pa-conv-tiled.ts (one-group convs). */
interface TiledLayout {
  kind: 'tiled';
  /** u64 [channel block of 4][m][tap][w64][4]. */
  weights: number;
  /** f32 [block][m][n][4]: a_{o,m} b_n. */
  ab: number;
  /** f32 [blocks * 4]: the weight offsets c_w, 0 past cout (epilogue lanes and E). */
  cw: number;
  /** f64 [cout][taps] and [cout]: the per-tap and whole-window parts of E (pa-conv-tiled.ts). */
  gTap: number;
  g0: number;
}

/** The weights and constants of asm/pa-conv.ts's conv() (grouped convs). */
interface GroupedLayout {
  kind: 'grouped';
  /** u64 [o][m][tap][w64]. */
  weights: number;
  a: number;
  /** f64 [cout]: the weight offsets c_w. */
  cw: number;
  tapSum: number;
  fullTapSum: number;
  b: number;
}

/** What prepare leaves in wasm memory for one PAConv2D node. */
export interface PreparedPAConv {
  node: KernelNode;
  m: number;
  n: number;
  w64: number;
  cout: number;
  kh: number;
  kw: number;
  layout: TiledLayout | GroupedLayout;
  ca: number;
  thresholds: number;
  /** f64 [c_a, b_0 .. b_{n-1}]: the activation staircase as a constant and signs (binarize). */
  coef: number;
  /** One conv parameter block per thread. */
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

/**
 * Copies the 64-bit weight word (j, o, tap, word) of bits [M, Cout, kh, kw, C] (32-bit words)
 * to u64 index `at` of `dst`.
 */
function copyWord(
  dst: Uint32Array,
  at: number,
  src: Uint32Array,
  row: number,
  w32: number,
  word: number,
) {
  dst[2 * at] = src[row * w32 + 2 * word];
  if (2 * word + 1 < w32) dst[2 * at + 1] = src[row * w32 + 2 * word + 1];
}

/**
 * One-group convs: weights as [block of 4 channels][m][tap][w64][4] and the constants of E
 * (asm/pa-conv-tiled.ts). With aw_{o,t} = sum_m a_{o,m} popcount(W_{m,o,t}), read back from the
 * tap sums (tapSum = C (cw + sum_m a) - 2 aw):
 *   g_{o,t} = c_a tapSum - 2 (sum b) aw,   g0_o = 2 (sum b) sum_t aw.
 */
function tiledLayout(
  memory: WasmMemory,
  bits: Tensor,
  scales: Tensor,
  offset: Tensor,
  sums: Float64Array,
  stairs: SignDecomposition,
): TiledLayout {
  const [m, cout, kh, kw, cinG] = bits.shape;
  const n = stairs.coefficients.length;
  const taps = kh * kw;
  const w32 = Math.ceil(cinG / 32);
  const w64 = Math.ceil(cinG / 64);
  const blocks = Math.ceil(cout / 4);
  const src = bits.data as Uint32Array;
  const weights = new Uint32Array(blocks * m * taps * w64 * 4 * 2);
  const ab = new Float32Array(blocks * m * n * 4);
  for (let o = 0; o < cout; o++) {
    const [blk, lane] = [Math.floor(o / 4), o % 4];
    for (let j = 0; j < m; j++) {
      for (let t = 0; t < taps; t++)
        for (let word = 0; word < w64; word++)
          copyWord(
            weights,
            (((blk * m + j) * taps + t) * w64 + word) * 4 + lane,
            src,
            (j * cout + o) * taps + t,
            w32,
            word,
          );
      for (let k = 0; k < n; k++)
        ab[((blk * m + j) * n + k) * 4 + lane] = scales.data[o * m + j] * stairs.coefficients[k];
    }
  }
  const sumB = stairs.coefficients.reduce((a, b) => a + b, 0);
  const gTap = new Float64Array(cout * taps);
  const g0 = new Float64Array(cout);
  for (let o = 0; o < cout; o++) {
    let sumA = 0;
    for (let j = 0; j < m; j++) sumA += scales.data[o * m + j];
    for (let t = 0; t < taps; t++) {
      const aw = (cinG * (offset.data[o] + sumA) - sums[o * taps + t]) / 2;
      gTap[o * taps + t] = stairs.constant * sums[o * taps + t] - 2 * sumB * aw;
      g0[o] += 2 * sumB * aw;
    }
  }
  return {
    kind: 'tiled',
    weights: memory.put(weights),
    ab: memory.put(ab),
    cw: memory.put(
      Float32Array.from({ length: blocks * 4 }, (_, o) => (o < cout ? offset.data[o] : 0)),
    ),
    gTap: memory.put(gTap),
    g0: memory.put(g0),
  };
}

/** Grouped convs: weights [M, Cout, kh, kw, C] (32-bit words) re-laid as [o][m][tap][w64]. */
function groupedLayout(
  memory: WasmMemory,
  bits: Tensor,
  scales: Tensor,
  offset: Tensor,
  sums: Float64Array,
  stairs: SignDecomposition,
): GroupedLayout {
  const [m, cout, kh, kw, cinG] = bits.shape;
  const taps = kh * kw;
  const w32 = Math.ceil(cinG / 32);
  const w64 = Math.ceil(cinG / 64);
  const weights = new Uint32Array(cout * taps * m * w64 * 2);
  const src = bits.data as Uint32Array;
  for (let j = 0; j < m; j++)
    for (let o = 0; o < cout; o++)
      for (let t = 0; t < taps; t++)
        for (let word = 0; word < w64; word++)
          copyWord(
            weights,
            ((o * m + j) * taps + t) * w64 + word,
            src,
            (j * cout + o) * taps + t,
            w32,
            word,
          );
  const fullTapSum = Float64Array.from({ length: cout }, (_, o) =>
    sums.subarray(o * taps, (o + 1) * taps).reduce((a, b) => a + b, 0),
  );
  return {
    kind: 'grouped',
    weights: memory.put(weights),
    a: memory.put(Float64Array.from(scales.data)),
    cw: memory.put(Float64Array.from(offset.data)),
    tapSum: memory.put(sums),
    fullTapSum: memory.put(fullTapSum),
    b: memory.put(stairs.coefficients),
  };
}

export function preparePAConv(
  memory: WasmMemory,
  node: KernelNode,
  constants: (Tensor | undefined)[],
): PreparedPAConv {
  const [, bits, scales, offset, thresholds, levels] = constants as Tensor[];
  const [m, cout, kh, kw, cinG] = bits.shape;
  const sums = tapSums(bits, scales, offset);
  const stairs = decompose({
    thresholds: Float64Array.from(thresholds.data),
    levels: Float64Array.from(levels.data),
  });
  return {
    node,
    m,
    n: thresholds.shape[0],
    w64: Math.ceil(cinG / 64),
    cout,
    kh,
    kw,
    layout:
      node.attrs.groups === 1
        ? tiledLayout(memory, bits, scales, offset, sums, stairs)
        : groupedLayout(memory, bits, scales, offset, sums, stairs),
    ca: memory.put(Float64Array.of(stairs.constant)),
    thresholds: memory.put(Float32Array.from(thresholds.data)),
    coef: memory.put(Float64Array.of(stairs.constant, ...stairs.coefficients)),
    params: 0,
    scratch: { planes: 0, qsum: 0, work: 0, bytes: 0, pixels: -1 },
  };
}

/** i32 fields of a conv parameter block: geometry (16), the kernel's own (17 or 16), the row range (2). */
const PARAM_FIELDS = 35;

/** Bytes of one thread's scratch: what each kernel's header comment lays out, 64-aligned. */
function workBytes(p: PreparedPAConv, groups: number): number {
  const rowBytes = p.kh * p.kw * p.w64 * 8; // one gathered activation row
  const bytes =
    p.layout.kind === 'tiled'
      ? // two pixels' gathered rows, a class count, then (2 kw + 1) column classes: keys
        // (8-aligned) and E f32 [cout rounded up to 4], then the SIMD build's accumulators
        2 * p.n * rowBytes +
        8 +
        Math.ceil(((2 * p.kw + 1) * 4) / 8) * 8 +
        (2 * p.kw + 1) * Math.ceil(p.cout / 4) * 16 +
        32 // two f32x4 accumulators (SIMD build)
      : // tap and pixel lists, group sums, popcounts, and the gathered rows (16-aligned)
        p.kh * p.kw * 8 + groups * 8 + p.m * p.n * 4 + 16 + p.n * rowBytes;
  return Math.ceil(bytes / 64) * 64;
}

/** The kernel's own fields of its parameter block, after the geometry. */
function kernelFields(
  p: PreparedPAConv,
  inputs: (BackendTensor | undefined)[],
  offsetOf: (t: BackendTensor) => number,
  out: BackendTensor,
  work: number,
): number[] {
  const act = PA_ACTIVATION_CODES[p.node.attrs.activation as string];
  const s = p.scratch;
  const scale = inputs[6] ? offsetOf(inputs[6]) : 0;
  const bias = inputs[7] ? offsetOf(inputs[7]) : 0;
  const l = p.layout;
  // both blocks share these fields at the same places (asm: M .. WEIGHTS, then CA .. SCRATCH)
  const head = [p.m, p.n, p.w64, act, s.planes, s.qsum, l.weights];
  const tail = [p.ca, scale, bias, offsetOf(out), work];
  return l.kind === 'tiled'
    ? [...head, l.ab, l.cw, l.gTap, l.g0, ...tail]
    : [...head, l.a, l.cw, l.tapSum, l.b, ...tail, l.fullTapSum];
}

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
  const work = workBytes(p, groups);
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
      work: memory.alloc(work * threads),
      bytes: work * threads,
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
      p.coef,
      s.planes + begin * planeBytes,
      s.qsum + begin * groups * 8,
    ],
  });
  runCalls(kernels, splitRange(pixels, threads).map(binarize), pool);

  const geometry = paConvGeometry(attrs, x.shape, p.cout, p.kh, p.kw);
  const kernel = p.layout.kind === 'tiled' ? 'convTiled' : 'conv';
  const calls = rowCalls(
    kernel,
    memory.memory,
    p.params,
    PARAM_FIELDS,
    batch * geometry[14],
    threads,
    (t, begin, end) => [
      ...geometry,
      ...kernelFields(p, inputs, offsetOf, out, s.work + t * work),
      begin,
      end,
    ],
  );
  runCalls(kernels, calls, pool);
}
