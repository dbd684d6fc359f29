/** A conv window with explicit zero padding, as the IR's resolveWindow gives it. */
export interface ConvWindow {
  strides: [number, number];
  /** [top, left, bottom, right]. */
  pads: [number, number, number, number];
}

/** TF.js's explicit padding form for NHWC tensors. */
export function tfPads(
  top: number,
  bottom: number,
  left: number,
  right: number,
): [[number, number], [number, number], [number, number], [number, number]] {
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}
