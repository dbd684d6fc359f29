import { ConvertError } from '../errors.js';
import { type ImportContext, isTranspose } from './import-context.js';
import { num, typeName } from './onnx-values.js';
import { DataType, type ModelProto } from './proto.js';

/**
 * The ONNX graph inputs (those that are not initializers) as IR inputs: float tensors of known
 * rank, positive or symbolic dims; 4-D ones NCHW (held as NHWC), unless only NHWC->NCHW
 * Transposes read them (then NHWC already).
 */
export function importInputs(c: ImportContext, graph: NonNullable<ModelProto['graph']>): void {
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (c.inits.has(name)) continue;
    const tt = input.type?.tensorType;
    if (!tt || tt.elemType !== DataType.FLOAT)
      throw new ConvertError(
        'onnx-input',
        `graph input '${name}' has element type ${typeName(tt?.elemType)}; only FLOAT inputs are supported`,
      );
    if (!tt.shape)
      throw new ConvertError('onnx-input', `graph input '${name}' has no shape (not even a rank)`);
    // a dim with a value is that size; a symbolic or absent one is any size (-1)
    const dims = (tt.shape?.dim ?? []).map((d) => {
      if (!Object.hasOwn(d, 'dimValue') || d.dimValue === null) return -1;
      const size = num(d.dimValue);
      if (size < 1)
        throw new ConvertError(
          'onnx-input',
          `graph input '${name}' has dimension ${size}; sizes must be positive (or symbolic)`,
        );
      return size;
    });
    const readers = (graph.node ?? []).filter((n) => n.input?.includes(name));
    const isNhwc =
      dims.length === 4 && readers.length > 0 && readers.every((n) => isTranspose(n, [0, 3, 1, 2]));
    if (isNhwc) c.nhwc.add(name);
    const shape = dims.length === 4 && !isNhwc ? [dims[0], dims[2], dims[3], dims[1]] : dims;
    c.g.input(name, 'float32', shape);
    c.rank.set(name, dims.length);
  }
}
