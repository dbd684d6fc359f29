import * as tf from '@tensorflow/tfjs-core';
import { ownConvGradients } from '../tf-setup.js';
import {
  convFilterGradient,
  convInputGradient,
  depthwiseFilterGradient,
} from './conv-gradients.js';
import { customGrad } from './custom-grad.js';
import { type ConvWindow, tfPads } from './window.js';

/**
 * Trainable conv: x NHWC, w HWIO ([kh, kw, C, 1] when depthwise). On backends without fast
 * conv backward kernels (wasm, cpu) the gradients are our forward-conv formulation.
 */
export function conv2d(
  x: tf.Tensor4D,
  w: tf.Tensor4D,
  win: ConvWindow,
  depthwise = false,
): tf.Tensor4D {
  const [pt, pl, pb, pr] = win.pads;
  const pads = tfPads(pt, pb, pl, pr);
  const forward = (a: tf.Tensor4D, f: tf.Tensor4D) =>
    depthwise ? tf.depthwiseConv2d(a, f, win.strides, pads) : tf.conv2d(a, f, win.strides, pads);
  if (!ownConvGradients()) return forward(x, w);
  const op = customGrad(([a, f], save) => {
    save([a, f]);
    return {
      value: forward(a as tf.Tensor4D, f as tf.Tensor4D),
      gradFunc: (dy, saved) => {
        const [sa, sf] = saved as tf.Tensor4D[];
        const d = dy as tf.Tensor4D;
        return [
          convInputGradient(d, sf, sa.shape, win, depthwise),
          depthwise
            ? depthwiseFilterGradient(sa, d, sf.shape, win)
            : convFilterGradient(sa, d, sf.shape, win),
        ];
      },
    };
  });
  return op(x, w) as tf.Tensor4D;
}
