// A split PAConv2D's part in one call: binarize the input pixels this part's output rows read
// (src/input-rows.ts: its rows' windows, halo included), then sweep those rows. One hand-off to
// each worker instead of two, and no thread waits while another binarizes alone: the calling
// thread used to binarize a small layer's whole input (below the split threshold) while the
// worker spun. Parts whose windows overlap binarize the shared halo rows both; they write the
// same bits and sums there, and each part reads only pixels it binarized itself.

import { binarize } from './pa-conv';
import { convTiled } from './pa-conv-tiled';

/** binarize(x .. qsum) for one part's input pixels, then convTiled(p) for its rows. */
export function binarizeConvTiled(x: usize, pixels: i32, cin: i32, groups: i32, n: i32, thr: usize, coef: usize, planes: usize, qsum: usize, p: usize): void {
  binarize(x, pixels, cin, groups, n, thr, coef, planes, qsum);
  convTiled(p);
}
