/**
 * Bits one tap of a gathered im2col row takes in the one-group PAConv2D kernel
 * (asm/pa-conv-tiled.ts): C input channels rounded up to 8, 16 or 32 bits, or to whole 64-bit
 * words. Taps sit back to back in the row, so a 3x3 conv over 16 channels sweeps 3 words
 * (144 bits) instead of one padded word per tap (9), and no popcount is spent on padding.
 * The bits past C in a tap, and past the last tap in a row, are 0 in both the activations and
 * the weights, so they add nothing to a popcount of their XOR.
 */
export function tapBitsFor(channels: number): number {
  if (channels <= 8) return 8;
  if (channels <= 16) return 16;
  if (channels <= 32) return 32;
  return Math.ceil(channels / 64) * 64;
}
