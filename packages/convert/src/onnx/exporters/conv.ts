import { ConvertError } from '../../errors.js';
import { defineExporter, int, ints } from '../export-context.js';
import { ohwiToOihw } from './oihw.js';
import { paStaircase, paWeightValue } from './pa-pattern.js';

/**
 * Conv2D, DepthwiseConv2D and PAConv2D as a float Conv; PAConv2D as the PA interchange pattern
 * of PA-ONNX.md: its weights (bit-planes or dequantized), the activation staircase before the
 * Conv and its epilogue (scale, bias, activation) after.
 */
export const conv = defineExporter({
  ops: ['Conv2D', 'DepthwiseConv2D', 'PAConv2D'],
  run(n, c) {
    const { node, attrs, xin, xInfo, out } = n;
    const pa = node.op === 'PAConv2D';
    const w = c.constant(node.inputs[1]);
    if (!w)
      throw new ConvertError(
        'onnx-export',
        `node '${node.name}' (${node.op}): weights must be constants to export`,
      );
    const [cout, kh, kw, cinG] = pa ? w.shape.slice(1) : w.shape;
    const group = node.op === 'DepthwiseConv2D' ? xInfo!.shape[3] : ((attrs.groups as number) ?? 1);
    const dil = attrs.dilations as number[];
    const input = pa ? paStaircase(n, c) : xin;
    const convInputs = [
      input,
      pa
        ? paWeightValue(n, c, c.options.paWeights ?? 'planes')
        : c.initFloat(`${node.name}/weight`, [cout, cinG, kh, kw], ohwiToOihw(w.data, w.shape)),
    ];
    const bias = node.inputs[pa ? 7 : 2];
    if (!pa && bias)
      convInputs.push(c.initFloat(`${node.name}/bias`, [cout], c.constant(bias)!.data));
    const convAttrs = [
      ints('kernel_shape', [kh, kw]),
      ints('strides', attrs.strides as number[]),
      ints('pads', c.windowPads(xInfo!, [kh, kw], attrs, dil)),
      ints('dilations', dil),
      int('group', group),
    ];
    const act = pa ? (attrs.activation as string) : 'none';
    const scale = pa ? node.inputs[6] : undefined;
    const last = !scale && !(pa && bias) && act === 'none';
    let y = c.add('Conv', convInputs, [last ? out : c.fresh(`${node.name}/conv`)], convAttrs);
    if (scale)
      y = c.add(
        'Mul',
        [y, c.channelInit(`${node.name}/scale`, c.constant(scale)!.data, true)],
        [!(pa && bias) && act === 'none' ? out : c.fresh(`${node.name}/scaled`)],
      );
    if (pa && bias)
      y = c.add(
        'Add',
        [y, c.channelInit(`${node.name}/bias`, c.constant(bias)!.data, true)],
        [act === 'none' ? out : c.fresh(`${node.name}/biased`)],
      );
    if (act === 'relu') c.add('Relu', [y], [out]);
    if (act === 'hardtanh')
      c.add('Clip', [y, c.initFloat('min', [], [-1]), c.initFloat('max', [], [1])], [out]);
  },
});
