import { defineKernel } from '../kernel.js';

/**
 * The input index an output index past the input reads, per mode of ONNX Pad (numpy.pad's
 * 'reflect', 'edge' and 'wrap'), or -1 for the constant. `i` is the output index minus the
 * leading pad, so it is in [0, n) inside the input.
 */
export function padSource(i: number, n: number, mode: string): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'wrap':
      return ((i % n) + n) % n;
    case 'reflect': {
      // mirrored about the first and last element, which are not repeated: period 2 (n - 1)
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      const k = ((i % period) + period) % period;
      return k < n ? k : period - k;
    }
    default:
      return -1;
  }
}

/** Padding of H and W: each output pixel copies the C values of its source pixel, or the value. */
export const pad = defineKernel({
  op: 'Pad',
  run(_s, node, [x], [y]) {
    const [batch, h, w, c] = x!.shape;
    const [top, left] = node.attrs.pads as number[];
    const mode = node.attrs.mode as string;
    const value = node.attrs.value as number;
    const [, oh, ow] = y.shape;
    for (let b = 0; b < batch; b++)
      for (let oy = 0; oy < oh; oy++) {
        const iy = padSource(oy - top, h, mode);
        for (let ox = 0; ox < ow; ox++) {
          const ix = padSource(ox - left, w, mode);
          const to = ((b * oh + oy) * ow + ox) * c;
          if (iy < 0 || ix < 0) y.data.fill(value, to, to + c);
          else {
            const from = ((b * h + iy) * w + ix) * c;
            y.data.set(x!.data.subarray(from, from + c), to);
          }
        }
      }
  },
});
