import { tensor } from '@pabnn/ir';
import { defineImporter } from '../import-context.js';

/**
 * Gemm and MatMul with a constant B as Dense. A Flatten of an NCHW map before it is absorbed
 * here: the IR's features are in HWC order, ONNX's in CHW, so the weight columns are permuted.
 */
export const gemm = defineImporter({
  ops: ['Gemm', 'MatMul'],
  outputRank: 2,
  run(n, c) {
    const { at, ins, x } = n;
    const isGemm = n.node.opType === 'Gemm';
    if (isGemm && at.int('transA', 0)) n.refuse('transA is not supported');
    const rankA = c.g.info(x).shape.length;
    if (rankA !== 2) n.refuse(`only 2-D inputs A are supported, got rank ${rankA}`);
    const b = c.floatConst(ins[1], `${n.where} B`);
    const transB = isGemm ? at.int('transB', 0) : 0;
    const alpha = isGemm ? at.float('alpha', 1) : 1;
    const [outF, inF] = transB ? b.dims : [b.dims[1], b.dims[0]];
    const wt = new Float32Array(outF * inF);
    const chw = c.flattenedChw.get(x);
    for (let o = 0; o < outF; o++)
      for (let i = 0; i < inF; i++) {
        // our features are in HWC order; ONNX's are CHW: read column (c, h, w) for (h, w, c)
        let src = i;
        if (chw) {
          const [ch, h, w] = chw;
          const hh = Math.floor(i / (w * ch));
          const ww = Math.floor(i / ch) % w;
          src = ((i % ch) * h + hh) * w + ww;
        }
        wt[o * inF + i] =
          alpha * (b.values as Float32Array)[transB ? o * inF + src : src * outF + o];
      }
    const weight = c.constant(ins[1], tensor('float32', [outF, inF], wt));
    let bias: string | undefined;
    if (ins[2]) {
      const cv = c.floatConst(ins[2], `${n.where} C`);
      const beta = at.float('beta', 1);
      if (cv.values.length !== outF) n.refuse('only a per-output bias C is supported');
      bias = c.constant(
        ins[2],
        tensor(
          'float32',
          [outF],
          (cv.values as Float32Array).map((v) => v * beta),
        ),
      );
    }
    return c.g.dense(x, weight, { bias, name: n.out });
  },
});
