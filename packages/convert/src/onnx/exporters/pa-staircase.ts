import { dequantizeWeights } from '@pabnn/quantizer';
import { ConvertError } from '../../errors.js';
import { type ExportContext, type IrNode, int } from '../export-context.js';
import { DataType } from '../proto.js';

/** A PAConv2D's weights, dequantized to float OHWI, and their shape. */
export function paWeights({ node }: IrNode, c: ExportContext) {
  const bits = c.constant(node.inputs[1]);
  const scales = c.constant(node.inputs[2]);
  const offset = c.constant(node.inputs[3]);
  if (!bits || !scales || !offset)
    throw new ConvertError(
      'onnx-export',
      `node '${node.name}': PAConv2D weights must be constants to export`,
    );
  const shape = bits.shape.slice(1);
  const weight = dequantizeWeights({ bits, scales, offset, shape, bases: bits.shape[0] });
  return { weight, shape };
}

/**
 * A PAConv2D's activation staircase in float ONNX ops:
 * Q_a(x) = v_0 + sum_j (v_j - v_{j-1}) [x >= t_j] (per channel or shared). Returns its output.
 */
export function paStaircase({ node, attrs, xin }: IrNode, c: ExportContext): string {
  const t = c.constant(node.inputs[4]);
  const v = c.constant(node.inputs[5]);
  if (!t || !v)
    throw new ConvertError(
      'onnx-export',
      `node '${node.name}': activation thresholds and levels must be constants`,
    );
  const n = attrs.activationBases as number;
  const perChannel = t.shape.length === 2;
  const channels = perChannel ? t.shape[0] : 1;
  const pick = (data: ArrayLike<number>, stride: number, j: number) =>
    Array.from({ length: channels }, (_, ch) => data[ch * stride + j]);
  const dims = perChannel ? [1, channels, 1, 1] : [];
  const terms = [c.initFloat(`${node.name}/v0`, dims, pick(v.data, n + 1, 0))];
  for (let j = 1; j <= n; j++) {
    const ge = c.add(
      'GreaterOrEqual',
      [xin, c.initFloat(`${node.name}/t${j}`, dims, pick(t.data, n, j - 1))],
      [c.fresh(`${node.name}/ge${j}`)],
    );
    const f = c.add('Cast', [ge], [c.fresh(`${node.name}/step${j}`)], [int('to', DataType.FLOAT)]);
    const step = Array.from(
      { length: channels },
      (_, ch) => v.data[ch * (n + 1) + j] - v.data[ch * (n + 1) + j - 1],
    );
    terms.push(
      c.add(
        'Mul',
        [f, c.initFloat(`${node.name}/d${j}`, dims, step)],
        [c.fresh(`${node.name}/term${j}`)],
      ),
    );
  }
  return c.add('Sum', terms, [c.fresh(`${node.name}/qa`)]);
}
