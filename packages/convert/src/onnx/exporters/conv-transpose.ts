import { ConvertError } from '../../errors.js';
import { defineExporter, int, ints } from '../export-context.js';

/** ConvTranspose2D as ONNX ConvTranspose: OHWI [Cout, kh, kw, Cin / g] weights become [Cin, Cout / g, kh, kw]. */
export const convTranspose = defineExporter({
  ops: ['ConvTranspose2D'],
  run({ node, attrs, xin, out }, c) {
    const w = c.constant(node.inputs[1]);
    if (!w)
      throw new ConvertError(
        'onnx-export',
        `node '${node.name}' (${node.op}): weights must be constants to export`,
      );
    const [cout, kh, kw, cinG] = w.shape;
    const groups = attrs.groups as number;
    const coutG = cout / groups;
    const onnxW = new Float32Array(w.data.length);
    for (let o = 0; o < cout; o++)
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++)
          for (let ch = 0; ch < cinG; ch++) {
            const ci = Math.floor(o / coutG) * cinG + ch;
            onnxW[((ci * coutG + (o % coutG)) * kh + ky) * kw + kx] =
              w.data[((o * kh + ky) * kw + kx) * cinG + ch];
          }
    const inputs = [xin, c.initFloat(`${node.name}/weight`, [cinG * groups, coutG, kh, kw], onnxW)];
    const bias = node.inputs[2];
    if (bias) inputs.push(c.initFloat(`${node.name}/bias`, [cout], c.constant(bias)!.data));
    c.add(
      'ConvTranspose',
      inputs,
      [out],
      [
        ints('kernel_shape', [kh, kw]),
        ints('strides', attrs.strides as number[]),
        ints('pads', attrs.pads as number[]),
        ints('dilations', attrs.dilations as number[]),
        ints('output_padding', attrs.outputPadding as number[]),
        int('group', groups),
      ],
    );
  },
});
