import { ShapeError } from '../errors.js';
import { checkFloatConvInputs, FLOAT_CONV_INPUTS } from './conv.js';
import { registerOp } from './schema.js';
import { DILATION_ATTR, UNKNOWN_DIM } from './shape-utils.js';

/** Output size of a transposed conv along one axis (ONNX ConvTranspose with explicit pads). */
export function convTransposeSize(
  inDim: number,
  kernel: number,
  stride: number,
  dilation: number,
  padBegin: number,
  padEnd: number,
  outputPadding: number,
): number {
  if (inDim === UNKNOWN_DIM) return UNKNOWN_DIM;
  return (inDim - 1) * stride + (kernel - 1) * dilation + 1 + outputPadding - padBegin - padEnd;
}

/**
 * The transpose (gradient) of a strided conv, as ONNX ConvTranspose and Keras Conv2DTranspose:
 * input pixel (y, x) adds its taps' weights into the output at (y * stride - pad + k * dilation).
 * Weights are OHWI like Conv2D's: [Cout, kh, kw, Cin / groups].
 */
export const ConvTranspose2D = registerOp({
  type: 'ConvTranspose2D',
  doc: 'transposed 2-D convolution (upsampling conv), NHWC input, OHWI weight, optional bias',
  inputs: FLOAT_CONV_INPUTS,
  numOutputs: 1,
  attrs: {
    strides: { type: 'ints', length: 2, min: 1, default: [1, 1], doc: 'step [h, w] of the input' },
    pads: {
      type: 'ints',
      length: 4,
      min: 0,
      default: [0, 0, 0, 0],
      doc: 'output cropped [top, left, bottom, right]',
    },
    dilations: DILATION_ATTR,
    groups: { type: 'int', min: 1, default: 1, doc: 'channel groups' },
    outputPadding: {
      type: 'ints',
      length: 2,
      min: 0,
      default: [0, 0],
      doc: 'rows and columns added at the bottom and right [h, w]',
    },
  },
  inferShapes(inputs, attrs) {
    const { x, cout, kh, kw } = checkFloatConvInputs(inputs, attrs.groups as number);
    const [sh, sw] = attrs.strides as number[];
    const [dh, dw] = attrs.dilations as number[];
    const [t, l, b, r] = attrs.pads as number[];
    const [oph, opw] = attrs.outputPadding as number[];
    if (oph >= Math.max(sh, dh) || opw >= Math.max(sw, dw))
      throw new ShapeError(
        `outputPadding [${oph}, ${opw}] must be below the stride or the dilation of its axis`,
      );
    const outH = convTransposeSize(x.shape[1], kh, sh, dh, t, b, oph);
    const outW = convTransposeSize(x.shape[2], kw, sw, dw, l, r, opw);
    if ((outH !== UNKNOWN_DIM && outH < 1) || (outW !== UNKNOWN_DIM && outW < 1))
      throw new ShapeError(`pads [${t}, ${l}, ${b}, ${r}] crop the whole ${outH}x${outW} output`);
    return [{ dtype: 'float32', shape: [x.shape[0], outH, outW, cout] }];
  },
});
