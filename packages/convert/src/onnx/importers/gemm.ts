import { tensor } from '@pabnn/ir';
import { defineImporter } from '../import-context.js';
import { batchedMatMul } from './batched-matmul.js';

/**
 * Gemm and MatMul with a constant B as Dense (transA: A transposed first); any other MatMul as
 * the IR's batched MatMul. A Flatten of an NCHW map before it is absorbed
 * here: the IR's features are in HWC order, ONNX's in CHW, so the weight columns are permuted.
 */
export const gemm = defineImporter({
  ops: ['Gemm', 'MatMul'],
  outputRank: 2,
  run(n, c) {
    const { at, ins } = n;
    const isGemm = n.node.opType === 'Gemm';
    const b0 = c.inits.get(ins[1]);
    const denseB = b0?.values instanceof Float32Array && b0.dims.length === 2;
    if (!isGemm && !c.inits.has(ins[0]) && (c.g.info(n.x).shape.length !== 2 || !denseB))
      return batchedMatMul(n, c);
    const rankA = c.g.info(n.x).shape.length;
    if (rankA !== 2) n.refuse(`only 2-D inputs A are supported, got rank ${rankA}`);
    const transA = isGemm && at.int('transA', 0) !== 0;
    const x = transA ? c.g.node('Transpose', [n.x], { perm: [1, 0] }) : n.x;
    const b = c.floatConst(ins[1], `${n.where} B`);
    if (b.dims.length !== 2) n.refuse(`only a 2-D B is supported, got [${b.dims.join(', ')}]`);
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
    // C: one value or one per output is the bias; a matrix, or a runtime C, is added after
    const beta = at.float('beta', 1);
    const cName = isGemm && beta !== 0 ? ins[2] : '';
    if (!cName) return c.g.dense(x, weight, { name: n.out });
    const cInit = c.inits.get(cName);
    if (!cInit) {
      if (beta !== 1) n.refuse('a runtime C is supported with beta 1 only');
      return c.g.add(c.g.dense(x, weight), c.resolve(cName), n.out);
    }
    const cv = c.floatConst(cName, `${n.where} C`).values as Float32Array;
    const perOutput = cv.length === 1 || (cv.length === outF && cInit.dims.at(-1) === outF);
    if (perOutput) {
      const bias = Float32Array.from(
        { length: outF },
        (_, o) => cv[cv.length === 1 ? 0 : o] * beta,
      );
      return c.g.dense(x, weight, {
        bias: c.constant(
          beta === 1 && cv.length === outF ? cName : `${cName}__${outF}x${beta}`,
          tensor('float32', [outF], bias),
        ),
        name: n.out,
      });
    }
    if (cInit.dims.length !== 2) n.refuse(`C of shape [${cInit.dims.join(', ')}] is not supported`);
    const matrix = tensor(
      'float32',
      cInit.dims,
      cv.map((v) => v * beta),
    );
    return c.g.add(c.g.dense(x, weight), c.constant(`${cName}__x${beta}`, matrix), n.out);
  },
});
