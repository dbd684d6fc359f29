import type { ImportContext, OnnxNode } from './import-context.js';

export interface OnnxWindow {
  strides: number[];
  /** The IR's padding mode: 'same' (SAME_UPPER), 'valid' or 'explicit' (pads). */
  padding: string;
  /** [top, left, bottom, right]. */
  pads: number[];
  kernel: number[];
  /** ceil_mode padded the end beyond the given pads. */
  ceilPadded?: boolean;
}

/**
 * Strides and padding of a Conv or pooling node in the IR's terms. SAME_LOWER (extra padding
 * at the start) and ceil_mode (a last window that runs past the end, as long as it starts in
 * the input or its start padding) become explicit pads, for static H and W.
 */
export function onnxWindow(
  n: OnnxNode,
  c: ImportContext,
  kernel: number[],
  dilations: number[] = [1, 1],
): OnnxWindow {
  const autoPad = n.at.string('auto_pad', 'NOTSET');
  const strides = n.at.ints('strides', [1, 1]);
  const ceil = n.at.int('ceil_mode', 0) === 1;
  const given = n.at.ints('pads', [0, 0, 0, 0]);
  let pads = [given[0], given[1], given[2], given[3]];
  if (autoPad === 'SAME_UPPER' || autoPad === 'VALID') {
    if (ceil && autoPad === 'VALID') n.refuse('ceil_mode with auto_pad VALID is not supported');
    return { strides, padding: autoPad === 'VALID' ? 'valid' : 'same', pads, kernel };
  }
  if (autoPad !== 'SAME_LOWER' && !ceil) return { strides, padding: 'explicit', pads, kernel };
  const [, h, w] = c.g.info(n.x).shape;
  if (!(h > 0 && w > 0))
    n.refuse(`${ceil ? 'ceil_mode' : 'auto_pad SAME_LOWER'} needs a static H and W`);
  const span = (axis: number) => (kernel[axis] - 1) * dilations[axis] + 1;
  if (autoPad === 'SAME_LOWER') {
    const total = [h, w].map((size, axis) => {
      const out = Math.ceil(size / strides[axis]);
      return Math.max((out - 1) * strides[axis] + span(axis) - size, 0);
    });
    const end = total.map((t) => Math.floor(t / 2));
    pads = [total[0] - end[0], total[1] - end[1], end[0], end[1]];
    return { strides, padding: 'explicit', pads, kernel };
  }
  let ceilPadded = false;
  // ceil_mode: grow the end padding until the floor formula gives the ceil output size
  for (const axis of [0, 1]) {
    const size = [h, w][axis];
    const [before, after] = [pads[axis], pads[axis + 2]];
    const room = size + before + after - span(axis);
    let out = Math.ceil(room / strides[axis]) + 1;
    if ((out - 1) * strides[axis] >= size + before) out--; // the last window must start inside
    const extra = Math.max((out - 1) * strides[axis] + span(axis) - (size + before + after), 0);
    pads[axis + 2] += extra;
    ceilPadded ||= extra > 0;
  }
  return { strides, padding: 'explicit', pads, kernel, ceilPadded };
}
