/**
 * Which wasm kernel runs a PAConv2D, in one place: the kernel (tiled for one-group convs, grouped
 * for the rest) and, for the tiled one, its micro-kernel (asm/pa-conv-tiled.ts calls the one
 * named by the parameter block's `micro` field). The cutoffs are measured, not guessed: the
 * comments name the benchmark that set them.
 */
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
 * The tiled kernel's micro-kernels (asm/pa-tiled-block.ts, asm/pa-short-rows.ts) by the code
 * its parameter block carries; the build writes these codes into asm/generated/. The scalar
 * build has one micro-kernel and ignores the code.
 *   hybrid: i64 POPCNT for four channels, v128 for the other four, byte counters widened
 *     every 31 words (any row length up to MAX_TILED_ROW_WORDS).
 *   short: the same split for rows of at most 31 words (one byte-counter chunk), with fewer
 *     live registers.
 *   oneWord: rows of one word (1x1 convs up to 64 channels), weights loaded once per base.
 */
export const MICRO_KERNELS = { hybrid: 0, short: 1, oneWord: 2 } as const;
export type MicroKernel = keyof typeof MICRO_KERNELS;

/** Rows of at most this many words take `short` (its byte counters hold 31 words, 8 a word). */
export const SHORT_ROW_WORDS = 31;

/**
 * The fastest micro-kernel for rows of `rowWords` words (SIMD build). Measured with both
 * builds in one process, interleaved, 3x3 stride 1 layers of reports/conv.md (apps/bench
 * `pnpm bench conv`'s layers, timed as in src/pa-layer.ts): `short` beat `hybrid` by 4-10 % on
 * every row it can take (3, 5, 9 and 18 words: ResNet-8's 16, 32, 64 channels, ResNet-18's 64
 * and 128; M x N 2x2, 3x3, 4x5). An i64-only micro-kernel (all 8 channels on POPCNT) was 2-10 %
 * slower than `short` on the same rows: i64 POPCNT alone is bound by its one port.
 */
export function microKernelFor(rowWords: number): MicroKernel {
  if (rowWords === 1) return 'oneWord';
  return rowWords <= SHORT_ROW_WORDS ? 'short' : 'hybrid';
}

/** AssemblyScript constants of the micro-kernel codes (what the build writes to asm/generated/). */
export function microKernelSource(): string {
  const lines = Object.entries(MICRO_KERNELS).map(
    ([name, code]) =>
      `export const MICRO_${name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}: i32 = ${code};`,
  );
  return `// Generated from src/kernel-choice.ts by scripts/build-wasm.mjs: do not edit.\n${lines.join('\n')}\n`;
}
