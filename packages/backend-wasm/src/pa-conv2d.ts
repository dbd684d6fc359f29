import {
  type BackendTensor,
  convGeometry,
  isPackablePAConv,
  type KernelNode,
  PA_ACTIVATION_CODES,
  type PAConvInputs,
  paConvInputs,
  paConvParameters,
} from '@pabnn/backend';
import type { Tensor } from '@pabnn/ir';
import { decompose, type SignDecomposition, tapSums, windowSums } from '@pabnn/quantizer';
import { CachedCalls } from './cached-calls.js';
import { inputPixelsOf } from './input-rows.js';
import {
  kernelFor,
  MICRO_KERNELS,
  type MicroKernel,
  microKernelFor,
  rowWordsFor,
  tailBitsFor,
} from './kernel-choice.js';
import { PA_GROUPED_PARAMS, PA_TILED_PARAMS, paramBytes, writeParams } from './param-blocks.js';
import { NS_PER, PASS_WORDS, partsFor, splitByBlocks } from './split-policy.js';
import { tapBitsFor } from './tap-packing.js';
import { type KernelCall, rowCalls, runCalls, splitRange, type ThreadPool } from './thread-pool.js';
import type { WasmMemory } from './wasm-memory.js';
import type { PAKernels } from './wasm-module.js';

/** Output channels of one block of the tiled kernel (asm/pa-tiled-block.ts). */
const TILE_CHANNELS = 8;

/**
 * u64 slots of one word of a (block, base) weight row (asm/pa-tiled-block.ts WORD_BYTES / 8):
 * channels 0-3 one slot each, channels 4-7 two each (the word for both pixels of the v128 half).
 */
const WORD_SLOTS = 12;

/** The u64 slots of channel `lane`'s word in a row word (one, or two equal ones). */
function slotsOf(lane: number): number[] {
  return lane < 4 ? [lane] : [4 + 2 * (lane - 4), 5 + 2 * (lane - 4)];
}

/** The weights and constants of asm/pa-conv-tiled.ts (one-group convs). */
interface TiledLayout {
  kind: 'tiled';
  /** Bits a tap takes in a gathered row, and the row's u64 words (tap-packing.ts). */
  tapBits: number;
  rowWords: number;
  /** The micro-kernel that sweeps the rows (kernel-choice.ts). */
  micro: MicroKernel;
  /** u64 [channel block of 8][m][rowWords][WORD_SLOTS]. */
  weights: number;
  /**
   * The rows' last words again as [block][m][8 lanes of 16 or 32 bits] (32 bytes a base), for
   * the shortTail micro-kernels (asm/pa-short-tail.ts); 0 when another micro-kernel runs.
   */
  tailWeights: number;
  /** f32 [block][m][n][8]: -2 a_{o,m} b_n (asm/pa-tiled-block.ts term()). */
  ab: number;
  /** f32 [blocks * 8]: the weight offsets c_w, 0 past cout (epilogue lanes and E). */
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
  /** The XOR/popcount path (kernel-choice.ts PAConvPath). */
  path: 'binary';
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
  /** The binarize and conv calls, kept while a run uses the same buffers and input shape. */
  binarizeCalls: CachedCalls;
  convCalls: CachedCalls;
  /** Per-run buffers, grown when a larger batch comes; `work` holds one part per thread. */
  scratch: { planes: number; qsum: number; work: number; bytes: number; pixels: number };
}

/** PAConv2D runs here when a packed kernel can prepare it (@pabnn/backend isPackablePAConv). */
export const supportsPAConv = isPackablePAConv;

/** Bit `bit` of row `row` of packed bits [..., C] (32-bit words, bit c of word c >> 5). */
function bitAt(src: Uint32Array, row: number, w32: number, bit: number): number {
  return (src[row * w32 + (bit >>> 5)] >>> (bit & 31)) & 1;
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
 * One-group convs: weights as [block of 8 channels][m][rowWords][WORD_SLOTS], tap t's channels at bits
 * [t tapBits, t tapBits + C) of a row (tap-packing.ts), and the constants of E
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
  const tapBits = tapBitsFor(cinG);
  const rowWords = rowWordsFor(cinG, kh, kw);
  const blocks = Math.ceil(cout / TILE_CHANNELS);
  const src = bits.data as Uint32Array;
  const weights = new Uint32Array(blocks * m * rowWords * WORD_SLOTS * 2);
  const ab = new Float32Array(blocks * m * n * TILE_CHANNELS);
  for (let o = 0; o < cout; o++) {
    const [blk, lane] = [Math.floor(o / TILE_CHANNELS), o % TILE_CHANNELS];
    for (let j = 0; j < m; j++) {
      // u32 half-word h of the row's word `word` in slot s sits at ((.. + word) * 12 + s) * 2 + h
      const rowAt = (blk * m + j) * rowWords;
      const slots = slotsOf(lane);
      for (let t = 0; t < taps; t++)
        for (let c = 0; c < cinG; c++) {
          if (!bitAt(src, (j * cout + o) * taps + t, w32, c)) continue;
          const bit = t * tapBits + c;
          for (const slot of slots) {
            const u32 = ((rowAt + (bit >>> 6)) * WORD_SLOTS + slot) * 2 + ((bit >>> 5) & 1);
            weights[u32] |= 1 << (bit & 31);
          }
        }
      for (let k = 0; k < n; k++)
        ab[((blk * m + j) * n + k) * TILE_CHANNELS + lane] =
          -2 * scales.data[o * m + j] * stairs.coefficients[k];
    }
  }
  const micro = microKernelFor(rowWords, tailBitsFor(cinG, kh, kw));
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
    tapBits,
    rowWords,
    micro,
    weights: memory.put(weights),
    tailWeights: TAIL_LANE_BITS[micro]
      ? memory.put(tailWeights(weights, blocks * m, rowWords, TAIL_LANE_BITS[micro]))
      : 0,
    ab: memory.put(ab),
    cw: memory.put(
      Float32Array.from({ length: blocks * TILE_CHANNELS }, (_, o) =>
        o < cout ? offset.data[o] : 0,
      ),
    ),
    gTap: memory.put(gTap),
    g0: memory.put(g0),
  };
}

/** The lane width of the micro-kernels that read tailWeights (kernel-choice.ts). */
const TAIL_LANE_BITS: Partial<Record<MicroKernel, 16 | 32>> = {
  shortTail16: 16,
  shortTail32: 32,
  oneWordTail16: 16,
};

/** Bytes of one (block, base) entry of tailWeights (asm/pa-short-tail.ts TAIL_BYTES). */
const TAIL_BYTES = 32;

/**
 * The last word of each (block, base) row of the tiled weights, channel by channel, as 8 lanes
 * of `laneBits` (16 or 32) bits: what the shortTail micro-kernels XOR a pixel's splatted tail
 * with. The tail's bits are the low ones of the word (at most laneBits of them).
 */
function tailWeights(
  weights: Uint32Array,
  rowsOf8: number,
  rowWords: number,
  laneBits: 16 | 32,
): Uint8Array {
  const out = new Uint8Array(rowsOf8 * TAIL_BYTES);
  const lanes = new DataView(out.buffer);
  for (let r = 0; r < rowsOf8; r++)
    for (let lane = 0; lane < TILE_CHANNELS; lane++) {
      // the low u32 of the channel's (first) slot of the row's last word
      const low = weights[((r * rowWords + rowWords - 1) * WORD_SLOTS + slotsOf(lane)[0]) * 2];
      if (laneBits === 16) lanes.setUint16(r * TAIL_BYTES + 2 * lane, low, true);
      else lanes.setUint32(r * TAIL_BYTES + 4 * lane, low, true);
    }
  return out;
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
  const fullTapSum = windowSums(sums, cout);
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
  const {
    weightBits: bits,
    weightScales: scales,
    weightOffset: offset,
    actThresholds: thresholds,
    actLevels: levels,
  } = paConvParameters(constants);
  const [m, cout, kh, kw, cinG] = bits.shape;
  const sums = tapSums(bits, scales, offset);
  const stairs = decompose({
    thresholds: Float64Array.from(thresholds.data),
    levels: Float64Array.from(levels.data),
  });
  return {
    path: 'binary',
    node,
    m,
    n: thresholds.shape[0],
    w64: Math.ceil(cinG / 64),
    cout,
    kh,
    kw,
    layout:
      kernelFor(node.attrs.groups as number, cinG, kh, kw) === 'tiled'
        ? tiledLayout(memory, bits, scales, offset, sums, stairs)
        : groupedLayout(memory, bits, scales, offset, sums, stairs),
    ca: memory.put(Float64Array.of(stairs.constant)),
    thresholds: memory.put(Float32Array.from(thresholds.data)),
    coef: memory.put(Float64Array.of(stairs.constant, ...stairs.coefficients)),
    params: 0,
    binarizeCalls: new CachedCalls(),
    convCalls: new CachedCalls(),
    scratch: { planes: 0, qsum: 0, work: 0, bytes: 0, pixels: -1 },
  };
}

/** The parameter block of the kernel that runs this conv. */
function paramBlockOf(p: PreparedPAConv) {
  return p.layout.kind === 'tiled' ? PA_TILED_PARAMS : PA_GROUPED_PARAMS;
}

/** Bytes of one thread's scratch: what each kernel's header comment lays out, 64-aligned. */
function workBytes(p: PreparedPAConv, groups: number): number {
  const l = p.layout;
  const bytes =
    l.kind === 'tiled'
      ? // a pixel pair's gathered rows, a class count, then (2 kw + 1) column classes: keys
        // (8-aligned) and E f32 [cout rounded up to 8]
        2 * p.n * l.rowWords * 8 +
        8 +
        Math.ceil(((2 * p.kw + 1) * 4) / 8) * 8 +
        (2 * p.kw + 1) * Math.ceil(p.cout / TILE_CHANNELS) * TILE_CHANNELS * 4
      : // tap and pixel lists, group sums, popcounts, and the gathered rows (16-aligned)
        p.kh * p.kw * 8 + groups * 8 + p.m * p.n * 4 + 16 + p.n * p.kh * p.kw * p.w64 * 8;
  return Math.ceil(bytes / 64) * 64;
}

/** The fields of a parameter block past the geometry and the row range, by name. */
function kernelFields(
  p: PreparedPAConv,
  { scale, bias }: PAConvInputs<BackendTensor>,
  offsetOf: (t: BackendTensor) => number,
  out: BackendTensor,
  work: number,
) {
  const s = p.scratch;
  const l = p.layout;
  const shared = {
    m: p.m,
    n: p.n,
    act: PA_ACTIVATION_CODES[p.node.attrs.activation as string],
    planes: s.planes,
    qsum: s.qsum,
    weights: l.weights,
    cw: l.cw,
    ca: p.ca,
    scale: scale ? offsetOf(scale) : 0,
    bias: bias ? offsetOf(bias) : 0,
    out: offsetOf(out),
    scratch: work,
  };
  return l.kind === 'tiled'
    ? {
        kind: l.kind,
        fields: {
          ...shared,
          tapBits: l.tapBits,
          rowWords: l.rowWords,
          micro: MICRO_KERNELS[l.micro],
          tailWeights: l.tailWeights,
          ab: l.ab,
          gTap: l.gTap,
          g0: l.g0,
        },
      }
    : {
        kind: l.kind,
        fields: {
          ...shared,
          w64: p.w64,
          a: l.a,
          tapSum: l.tapSum,
          b: l.b,
          fullTapSum: l.fullTapSum,
        },
      };
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
  const named = paConvInputs(inputs);
  const x = named.x!;
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
      memory.release(p.params, threads * paramBytes(paramBlockOf(p)));
    }
    p.scratch = {
      planes: memory.alloc(pixels * groups * p.n * p.w64 * 8),
      qsum: memory.alloc(pixels * groups * 8),
      work: memory.alloc(work * threads),
      bytes: work * threads,
      pixels,
    };
    p.params = memory.alloc(threads * paramBytes(paramBlockOf(p)));
    p.binarizeCalls.reset();
    p.convCalls.reset();
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

  // the blocks hold offsets and shapes only: a run on the same buffers reuses them, which
  // saves a small layer's per-run cost of building and writing them
  const { scale, bias } = named;
  const key = [
    offsetOf(x),
    offsetOf(out),
    scale ? offsetOf(scale) : 0,
    bias ? offsetOf(bias) : 0,
    batch,
    inH,
    inW,
  ];
  const calls = p.convCalls.get(key, () => {
    const geometry = convGeometry(attrs, x.shape, p.cout, p.kh, p.kw);
    const rows = batch * geometry.outH;
    const rowWords = p.layout.kind === 'tiled' ? p.layout.rowWords : p.kh * p.kw * p.w64;
    // each (pixel, channel, m, n) pass costs about a word more than its row (split-policy.ts)
    const words = rows * geometry.outW * p.cout * p.m * p.n * (rowWords + PASS_WORDS);
    const parts = partsFor(words * NS_PER.popcountWord, rows, pool);
    const blocks = Math.ceil(p.cout / TILE_CHANNELS);
    const write = (t: number, at: number, rowRange: number[], blockRange: number[]) => {
      const own = kernelFields(p, named, offsetOf, out, s.work + t * work);
      const shared = { ...geometry, rowBegin: rowRange[0], rowEnd: rowRange[1] };
      if (own.kind === 'tiled')
        writeParams(memory.memory, at, PA_TILED_PARAMS, {
          ...shared,
          ...own.fields,
          blockBegin: blockRange[0],
          blockEnd: blockRange[1],
        });
      else writeParams(memory.memory, at, PA_GROUPED_PARAMS, { ...shared, ...own.fields });
    };
    if (p.layout.kind === 'tiled' && splitByBlocks(rows, blocks, parts)) {
      const blockBytes = paramBytes(PA_TILED_PARAMS);
      // every part reads every input pixel: binarized once, before the parts (binarizing it in
      // each part wrote the same cache lines from both threads: ResNet-8's 7x7 layers 0.7-0.8x)
      return splitRange(blocks, parts).map((range, t) => {
        const at = p.params + t * blockBytes;
        write(t, at, [0, rows], range);
        return { kernel: 'convTiled' as const, args: [at] };
      });
    }
    const rowRanges: [number, number][] = [];
    const conv = rowCalls(
      p.layout.kind === 'tiled' ? 'convTiled' : 'conv',
      p.params,
      paramBytes(paramBlockOf(p)),
      rows,
      parts,
      (t, at, rowBegin, rowEnd) => {
        rowRanges.push([rowBegin, rowEnd]);
        write(t, at, [rowBegin, rowEnd], [0, blocks]);
      },
    );
    if (p.layout.kind !== 'tiled' || conv.length < 2) return conv;
    // a split tiled conv: each part binarizes the input rows its output rows read, then sweeps
    // them, in one call (asm/pa-binarize-conv.ts)
    return conv.map((c, t) => ({
      kernel: 'binarizeConvTiled' as const,
      args: [...binarize(inputPixelsOf(...rowRanges[t], geometry)).args, c.args[0]],
    }));
  });
  if (calls[0]?.kernel !== 'binarizeConvTiled') {
    const binarizeCalls = p.binarizeCalls.get([offsetOf(x), batch, inH, inW], () => {
      const compares = pixels * cin * p.n;
      const parts = partsFor(compares * NS_PER.thresholdCompare, pixels, pool);
      return splitRange(pixels, parts).map(binarize);
    });
    runCalls(kernels, binarizeCalls, pool);
  }
  runCalls(kernels, calls, pool);
}
