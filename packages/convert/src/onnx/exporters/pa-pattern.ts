import { dequantizeWeights, unpackSigns } from '@pabnn/quantizer';
import { ConvertError } from '../../errors.js';
import type { ExportContext, IrNode } from '../export-context.js';
import { ohwiToOihw } from './oihw.js';

// The PA interchange pattern (packages/convert/PA-ONNX.md): a PAConv2D as standard ONNX ops.

function paWeightParams({ node }: IrNode, c: ExportContext) {
  const bits = c.constant(node.inputs[1]);
  const scales = c.constant(node.inputs[2]);
  const offset = c.constant(node.inputs[3]);
  if (!bits || !scales || !offset)
    throw new ConvertError(
      'onnx-export',
      `node '${node.name}' (PAConv2D): weightBits, weightScales and weightOffset must be constants to export`,
    );
  return { bits, scales, offset, shape: bits.shape.slice(1), bases: bits.shape[0] };
}

/**
 * The ONNX value holding a PAConv2D's weights Q_w, OIHW. 'planes' (exact):
 * Sum(offset, Mul(plane_1, scale_1), ..., Mul(plane_M, scale_M)) with each plane a float
 * initializer of +1/-1 and offset and scales [O, 1, 1, 1]; 'dequantized': one float
 * initializer Q_w = c_w + sum_m a_m B_m (docs/PA-METHOD.md, Weights).
 */
export function paWeightValue(n: IrNode, c: ExportContext, mode: 'planes' | 'dequantized'): string {
  const { bits, scales, offset, shape, bases } = paWeightParams(n, c);
  const name = n.node.name;
  const [o, kh, kw, i] = shape;
  const oihw = [o, i, kh, kw];
  if (mode === 'dequantized') {
    const weight = dequantizeWeights({ bits, scales, offset, shape, bases });
    return c.initFloat(`${name}/weight`, oihw, ohwiToOihw(weight, shape));
  }
  const planeSize = o * kh * kw * i;
  const signs = unpackSigns(bits.data as Uint32Array, bits.shape);
  const column = [o, 1, 1, 1];
  const terms = [c.initFloat(`${name}/w_offset`, column, offset.data as Float32Array)];
  for (let m = 0; m < bases; m++) {
    const plane = c.initFloat(
      `${name}/w_plane${m + 1}`,
      oihw,
      ohwiToOihw(signs.subarray(m * planeSize, (m + 1) * planeSize), shape),
    );
    const scale = c.initFloat(
      `${name}/w_scale${m + 1}`,
      column,
      Array.from({ length: o }, (_, ch) => (scales.data as Float32Array)[ch * bases + m]),
    );
    terms.push(c.add('Mul', [plane, scale], [c.fresh(`${name}/w_term${m + 1}`)]));
  }
  return c.add('Sum', terms, [c.fresh(`${name}/weight`)]);
}

/**
 * A PAConv2D's activation staircase Q_a(x) = v_k, k = #{j : x >= t_j}, as a chain of Where:
 * q_0 = v_0, q_j = Where(GreaterOrEqual(x, t_j), v_j, q_{j-1}). With ascending thresholds the
 * last threshold reached picks the level; thresholds and levels are stored as they are (scalars,
 * or [1, C, 1, 1] per input channel). Returns Q_a's ONNX value.
 */
export function paStaircase({ node, attrs, xin }: IrNode, c: ExportContext): string {
  const t = c.constant(node.inputs[4]);
  const v = c.constant(node.inputs[5]);
  if (!t || !v)
    throw new ConvertError(
      'onnx-export',
      `node '${node.name}' (PAConv2D): actThresholds and actLevels must be constants to export`,
    );
  const n = attrs.activationBases as number;
  const perChannel = t.shape.length === 2;
  const channels = perChannel ? t.shape[0] : 1;
  const pick = (data: ArrayLike<number>, stride: number, j: number) =>
    Array.from({ length: channels }, (_, ch) => data[ch * stride + j]);
  const dims = perChannel ? [1, channels, 1, 1] : [];
  let q = c.initFloat(`${node.name}/v0`, dims, pick(v.data, n + 1, 0));
  for (let j = 1; j <= n; j++) {
    const ge = c.add(
      'GreaterOrEqual',
      [xin, c.initFloat(`${node.name}/t${j}`, dims, pick(t.data, n, j - 1))],
      [c.fresh(`${node.name}/ge${j}`)],
    );
    q = c.add(
      'Where',
      [ge, c.initFloat(`${node.name}/v${j}`, dims, pick(v.data, n + 1, j)), q],
      [c.fresh(`${node.name}/q${j}`)],
    );
  }
  return q;
}
