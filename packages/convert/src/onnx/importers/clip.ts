import { defineImporter } from '../import-context.js';

/** Clip with bounds as attributes (before opset 11) or constant inputs. */
export const clip = defineImporter({
  ops: ['Clip'],
  run(n, c) {
    const bound = (i: number, attr: string, fallback: number) =>
      n.ins[i]
        ? (c.floatConst(n.ins[i], `${n.where} ${attr}`).values as Float32Array)[0]
        : n.at.float(attr, fallback);
    const hi = Math.min(bound(2, 'max', 3.4e38), 3.4e38);
    // min above max clips everything to max
    const lo = Math.min(Math.max(bound(1, 'min', -3.4e38), -3.4e38), hi);
    return c.g.clip(n.x, lo, hi, n.out);
  },
});
