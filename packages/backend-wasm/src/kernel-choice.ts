/**
 * Which wasm kernel runs a PAConv2D, in one place: the kernel (tiled for one-group convs, grouped
 * for the rest) and, for the tiled one, its micro-kernel (asm/pa-conv-tiled.ts calls the one
 * named by the parameter block's `micro` field). The cutoffs are measured, not guessed: the
 * comments name the benchmark that set them.
 */
import { PASS_WORDS } from './split-policy.js';
import { tapBitsFor } from './tap-packing.js';

/**
 * The longest gathered row (u64 words) the tiled kernel takes: its i16 counters hold
 * 2 x 248 per 31 words, so at most 131 chunks of 31 (a 3x3 conv up to 28,000 channels).
 * Longer rows run on the grouped kernel.
 */
export const MAX_TILED_ROW_WORDS = 131 * 31;

/** u64 words of a gathered im2col row of the tiled kernel (tap-packing.ts). */
export function rowWordsFor(cinG: number, kh: number, kw: number): number {
  return Math.ceil((kh * kw * tapBitsFor(cinG)) / 64);
}

/**
 * The tiled kernel for every one-group conv whose row fits it: 2-2.5x faster than the grouped
 * one on every one-group shape tried, 1x1 stride 2 included.
 */
export function kernelFor(
  groups: number,
  cinG: number,
  kh: number,
  kw: number,
): 'tiled' | 'grouped' {
  return groups === 1 && rowWordsFor(cinG, kh, kw) <= MAX_TILED_ROW_WORDS ? 'tiled' : 'grouped';
}

/**
 * PAConv2D's two exact paths. `binary`: binarize, then M x N XOR/popcount passes
 * (pa-conv2d.ts). `dequantized`: the conv's own definition on float values, the input mapped to
 * its staircase levels and convolved with the dequantized weights Q_w (pa-conv-dequantized.ts,
 * docs/PA-METHOD.md). Both give the same outputs to float32 rounding; which is faster depends on
 * M x N against the taps: a popcount pass costs about a row word (plus PASS_WORDS) per output,
 * the float conv a multiply-add per tap and channel, and at this CPU's rates (below) a popcount
 * word costs about 6 multiply-adds, so the float conv wins once M x N x (row words + 1) x 6
 * exceeds kh x kw x C (PA 4x5 on every ResNet-8 layer, PA 3x3 below 64 channels).
 */
export const PA_CONV_PATHS = ['binary', 'dequantized'] as const;
export type PAConvPath = (typeof PA_CONV_PATHS)[number];

/**
 * ns per popcount word of a pass (row words + PASS_WORDS) and per float multiply-add, one
 * thread, SIMD build, from the per-node profile of reports/main.md (`pnpm bench main`: the
 * Fashion-MNIST ResNet-8 float, PA 3x3 and PA 4x5 models in one process, 2-core AMD EPYC VM).
 * Popcount: 0.29-0.32 on the 3x3 layers at 16, 32 and 64 channels (rows of 3, 5 and 9 words).
 * Float: 0.049-0.053 on the 3x3 layers at 32 and 64 channels, 0.062 at 16 (ResNet-8's widest
 * layer: 112 us float, 119 dequantized with the quantizing pass, 145 binary at PA 2x2 in that
 * profile's slow phase), 0.07 on the 1x1 downsampling. Per layer the rule then agreed with the
 * measured faster path wherever the two differed by more than ~5 %: PA 3x3 dequantized at 16
 * channels and on the 32-input layers (binary 105 and 54 us against 102 and 51 dequantized at
 * 4x5), binary at 64 (83 against 94); PA 2x2 binary on every 3x3 layer.
 */
export const PA_PATH_NS = { popcountWord: 0.3, floatMac: 0.05 } as const;

/**
 * The faster exact path of a PAConv2D with `m` weight and `n` activation bases (SIMD build; the
 * scalar build's float conv has no vector path, so it stays binary). Only one-group convs are
 * weighed: the grouped popcount kernel and the grouped float conv were not measured against
 * each other.
 */
export function paConvPathFor(
  groups: number,
  m: number,
  n: number,
  cinG: number,
  kh: number,
  kw: number,
  simd = true,
): PAConvPath {
  if (!simd || kernelFor(groups, cinG, kh, kw) !== 'tiled') return 'binary';
  const binary = m * n * (rowWordsFor(cinG, kh, kw) + PASS_WORDS) * PA_PATH_NS.popcountWord;
  const float = kh * kw * cinG * PA_PATH_NS.floatMac;
  return binary > float ? 'dequantized' : 'binary';
}

/**
 * The tiled kernel's micro-kernels (asm/pa-tiled-block.ts, asm/pa-short-rows.ts) by the code
 * its parameter block carries; the build writes these codes into asm/generated/. The scalar
 * build has one micro-kernel and ignores the code.
 *   hybrid: i64 POPCNT for four channels, v128 for the other four, byte counters widened
 *     every 31 words (any row length up to MAX_TILED_ROW_WORDS).
 *   short: the same split for rows of at most 31 words (one byte-counter chunk), with fewer
 *     live registers.
 *   oneWord: rows of one word (1x1 convs up to 64 channels), weights loaded once per base.
 *   shortTail16, shortTail32: `short` for rows whose last word holds at most 16 or 32 bits
 *     (asm/pa-short-tail.ts): that word counted for all 8 channels in v128 lanes of 16 or
 *     32 bits instead of a whole word's sweep.
 *   oneWordTail16: rows of one word of at most 16 bits (1x1 convs up to 16 channels), all of
 *     it counted in 16-bit lanes.
 */
export const MICRO_KERNELS = {
  hybrid: 0,
  short: 1,
  oneWord: 2,
  shortTail16: 3,
  shortTail32: 4,
  oneWordTail16: 5,
} as const;
export type MicroKernel = keyof typeof MICRO_KERNELS;

/** Rows of at most this many words take `short` (its byte counters hold 31 words, 8 a word). */
export const SHORT_ROW_WORDS = 31;

/**
 * The fastest micro-kernel for rows of `rowWords` words (SIMD build). Measured with both
 * builds in one process, interleaved, 3x3 stride 1 layers of reports/conv.md (apps/bench
 * `pnpm bench conv`'s layers, timed as in src/pa-layer.ts): `short` beat `hybrid` by 4-10 % on
 * every row it can take (3, 5, 9 and 18 words: ResNet-8's 16, 32, 64 channels, ResNet-18's 64
 * and 128; M x N 2x2, 3x3, 4x5). An i64-only micro-kernel (all 8 channels on POPCNT) was 2-10 %
 * slower than `short` on the same rows: i64 POPCNT alone is bound by its one port. Rows whose
 * last word is a tail of at most 16 or 32 bits (`tailBits`, tailBitsFor) take the shortTail
 * micro-kernels, one-word rows of at most 16 bits oneWordTail16 (asm/pa-short-tail.ts has the
 * measurements); a one-word row of 32 bits stays on oneWord, which was as fast.
 */
export function microKernelFor(rowWords: number, tailBits = 0): MicroKernel {
  if (rowWords > SHORT_ROW_WORDS) return 'hybrid';
  if (rowWords === 1) return tailBits > 0 && tailBits <= 16 ? 'oneWordTail16' : 'oneWord';
  if (tailBits > 0 && tailBits <= 16) return 'shortTail16';
  if (tailBits > 0 && tailBits <= 32) return 'shortTail32';
  return 'short';
}

/**
 * Bits of a gathered row's last word that hold taps (0: the row fills its last word): odd
 * kernel areas of 8-, 16- and 32-bit taps leave 8, 16 or 32 (tap-packing.ts).
 */
export function tailBitsFor(cinG: number, kh: number, kw: number): number {
  return (kh * kw * tapBitsFor(cinG)) % 64;
}

/**
 * The float conv's paths (asm/float-ops.ts conv2dF32), by the code its parameter block carries
 * (SIMD build; the scalar build always runs `direct`).
 *   direct: per output pixel, the valid taps read straight from the input (grouped convs).
 *   patches: one-group convs, an im2col patch of 4 pixels per step, each weight vector reused
 *     over the 4 pixels.
 *   fewInputs: one-group convs of at most FEW_INPUTS inputs and FEW_OUTPUTS outputs, a
 *     multiple of 4 but not of 8 (asm/conv-few-inputs.ts).
 *   tapRows: one-group convs of at most FEW_INPUTS inputs, a multiple of 8 outputs and dilation
 *     1 along the width, the stems of image models: 4 pixels x 8 channels a tile swept over
 *     each kernel row's taps straight from the input (asm/conv-tap-rows.ts).
 */
export const FLOAT_CONV_PATHS = { direct: 0, patches: 1, fewInputs: 2, tapRows: 3 } as const;
export type FloatConvPath = keyof typeof FLOAT_CONV_PATHS;

/**
 * Measured on the 28x28 stem (reports/main.md's machine, `pnpm bench main`'s per-node profile):
 * 1 -> 16 channels 37 -> 25 us, 3 -> 16 50 -> 37 us on fewInputs against patches; from 32
 * outputs patches, which reuses each weight vector over 4 pixels, beat fewInputs (1 -> 32: 42
 * vs 49 us, 3 -> 64 at 56x56: 387 vs 634 us). tapRows then beat both wherever it applies, both
 * builds interleaved in one process: ResNet-18's stem (224, 3 -> 64, 7x7 stride 2) 8.26 -> 5.01
 * ms on patches -> tapRows (Conv2D nodes of PA 2x2 ResNet-18, 1 thread,
 * apps/bench/scripts/resnet18-ab.mjs), ResNet-8's 1 -> 16 stem on fewInputs -> tapRows: whole
 * XNOR model 0.211 -> 0.192 ms, PA 2x2-bn 0.463 -> 0.444 ms (apps/bench/scripts/wasm-ab.mjs).
 * Tiles of 5 or 6 pixels x 8 channels were 2.2x slower than 4 (V8 spilled the accumulators), and
 * unrolling the tap loop by 3 1.8x slower.
 */
export const FEW_INPUTS = 4;
export const FEW_OUTPUTS = 16;

/**
 * The float conv path for a conv of `groups` groups, `cinG` inputs a group, `cout` outputs and
 * dilation `dw` along the width.
 */
export function floatConvPathFor(
  groups: number,
  cinG: number,
  cout: number,
  dw: number,
): FloatConvPath {
  if (groups !== 1) return 'direct';
  if (cinG <= FEW_INPUTS && cout % 8 === 0 && dw === 1) return 'tapRows';
  if (cinG <= FEW_INPUTS && cout <= FEW_OUTPUTS && cout % 4 === 0) return 'fewInputs';
  return 'patches';
}

/** AssemblyScript constants of the codes above (what the build writes to asm/generated/). */
export function kernelCodesSource(): string {
  const constant = (prefix: string, name: string, code: number) =>
    `export const ${prefix}_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}: i32 = ${code};`;
  const lines = [
    ...Object.entries(MICRO_KERNELS).map(([name, code]) => constant('MICRO', name, code)),
    ...Object.entries(FLOAT_CONV_PATHS).map(([name, code]) => constant('CONV', name, code)),
  ];
  return `// Generated from src/kernel-choice.ts by scripts/build-wasm.mjs: do not edit.\n${lines.join('\n')}\n`;
}
