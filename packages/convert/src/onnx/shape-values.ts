import type { ImportContext } from './import-context.js';

/** A dim known only at run time: dim `axis` (ONNX order) of the ONNX value `of`. */
export interface RuntimeDim {
  of: string;
  axis: number;
}

export type ShapeDim = number | RuntimeDim;

/**
 * A small integer tensor (rank 0 or 1) that an export computes from shapes (Shape, Gather,
 * Unsqueeze, Concat) and the importer folds; entries may be dims known only at run time.
 */
export interface ShapeValue {
  dims: number[];
  values: ShapeDim[];
}

/** The value as integers known at import (an int64 initializer or a folded shape), if it is one. */
export function intValue(c: ImportContext, name: string): ShapeValue | undefined {
  const folded = c.shapeValues.get(name);
  if (folded) return folded;
  const init = c.inits.get(name);
  if (!init || init.values instanceof Float32Array || init.dims.length > 1) return undefined;
  return { dims: init.dims, values: init.values };
}

/** Records a folded value: as an initializer when every entry is known. */
export function setIntValue(c: ImportContext, name: string, v: ShapeValue): void {
  if (v.values.every((d) => typeof d === 'number'))
    c.inits.set(name, { dims: v.dims, values: v.values as number[] });
  else c.shapeValues.set(name, v);
}

/** The dims of a value in ONNX order, a dim known only at run time as a RuntimeDim. */
export function onnxDims(c: ImportContext, onnxName: string): ShapeDim[] {
  const init = c.inits.get(onnxName);
  if (init) return [...init.dims];
  // every 4-D IR value is an ONNX NCHW value held as NHWC, unless ONNX holds it as NHWC too
  const shape = c.g.info(c.resolve(onnxName)).shape;
  const dims =
    shape.length === 4 && !c.nhwc.has(onnxName)
      ? [shape[0], shape[3], shape[1], shape[2]]
      : [...shape];
  return dims.map((d, axis) => (d >= 0 ? d : { of: onnxName, axis }));
}
