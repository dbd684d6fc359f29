import { tensor } from '@pabnn/ir';
import { defineImporter } from '../import-context.js';

/**
 * ConvTranspose (2-D, explicit pads): ONNX weights [Cin, Cout / groups, kh, kw] become the IR's
 * OHWI [Cout, kh, kw, Cin / groups]. output_shape and auto_pad, which derive the pads from the
 * output size, are refused by name.
 */
export const convTranspose = defineImporter({
  ops: ['ConvTranspose'],
  run(n, c) {
    const { at, ins } = n;
    const w = c.floatConst(ins[1], `${n.where} weight`);
    if (w.dims.length !== 4 || n.r !== 4)
      n.refuse(`only 2-D transposed convolutions are supported, got a ${w.dims.length}-D weight`);
    if (at.has('output_shape')) n.refuse('output_shape is not supported; give pads');
    const autoPad = at.string('auto_pad', 'NOTSET');
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID')
      n.refuse(`auto_pad ${autoPad} is not supported; give pads`);
    const groups = at.int('group', 1);
    const [cin, coutG, kh, kw] = w.dims;
    const cinG = cin / groups;
    const cout = coutG * groups;
    const src = w.values as Float32Array;
    const ohwi = new Float32Array(src.length);
    // IR [o, ky, kx, c] is ONNX [g * cinG + c, o % coutG, ky, kx] for o's group g
    for (let o = 0; o < cout; o++)
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++)
          for (let ch = 0; ch < cinG; ch++) {
            const ci = Math.floor(o / coutG) * cinG + ch;
            ohwi[((o * kh + ky) * kw + kx) * cinG + ch] =
              src[((ci * coutG + (o % coutG)) * kh + ky) * kw + kx];
          }
    const weight = c.constant(`${ins[1]}__ohwi`, tensor('float32', [cout, kh, kw, cinG], ohwi));
    const bias = ins[2]
      ? c.constant(
          ins[2],
          tensor('float32', [cout], c.floatConst(ins[2], `${n.where} bias`).values as Float32Array),
        )
      : undefined;
    const p = autoPad === 'VALID' ? [0, 0, 0, 0] : at.ints('pads', [0, 0, 0, 0]);
    const attrs = {
      strides: at.ints('strides', [1, 1]),
      pads: [p[0], p[1], p[2], p[3]],
      dilations: at.ints('dilations', [1, 1]),
      groups,
      outputPadding: at.ints('output_padding', [0, 0]),
    };
    return c.g.node('ConvTranspose2D', [n.x, weight, bias], attrs, n.out);
  },
});
