import * as tf from '@tensorflow/tfjs-core';
import { type ConvWindow, tfPads } from './window.js';

// TF.js's wasm backend has fast forward convs (XNNPACK) but no Conv2DBackpropFilter and no
// depthwise backprop kernels. Both gradients are convolutions themselves, so we write them
// as forward convs, which XNNPACK runs fast (about 250 images/s of training on 2 cores here):
//   dx: a stride-1 conv of the zero-dilated dy with the spatially flipped, transposed filter;
//   dW: a conv of x (batch and channels swapped) with dy as the filter, dilated by the stride.
// Negative "padding" (rows the forward conv never read) is cropped instead.

/** Inserts stride-1 zeros between the rows and columns of dy: [B, (Ho-1)sh+1, (Wo-1)sw+1, C]. */
function dilate(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [b, ho, wo, c] = dy.shape;
  const padded = tf.pad(tf.reshape(dy, [b, ho, 1, wo, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sh - 1],
    [0, 0],
    [0, sw - 1],
    [0, 0],
  ]);
  const spread = tf.reshape(padded, [b, ho * sh, wo * sw, c]) as tf.Tensor4D;
  return tf.slice(spread, [0, 0, 0, 0], [b, (ho - 1) * sh + 1, (wo - 1) * sw + 1, c]);
}

/** Pads (positive amounts) or crops (negative amounts) H and W of an NHWC tensor. */
function padOrCrop(x: tf.Tensor4D, top: number, bottom: number, left: number, right: number) {
  const [b, h, w, c] = x.shape;
  const cropTop = Math.max(0, -top);
  const cropLeft = Math.max(0, -left);
  const keepH = h - cropTop - Math.max(0, -bottom);
  const keepW = w - cropLeft - Math.max(0, -right);
  const cropped =
    cropTop || cropLeft || keepH !== h || keepW !== w
      ? tf.slice(x, [0, cropTop, cropLeft, 0], [b, keepH, keepW, c])
      : x;
  const pads = [Math.max(0, top), Math.max(0, bottom), Math.max(0, left), Math.max(0, right)];
  return { x: cropped, pads: tfPads(pads[0], pads[1], pads[2], pads[3]) };
}

/** Gradient of conv2d(x, w) w.r.t. x, with w HWIO and the input's spatial size h x w. */
export function convInputGradient(
  dy: tf.Tensor4D,
  w: tf.Tensor4D,
  inputShape: [number, number, number, number],
  win: ConvWindow,
  depthwise: boolean,
): tf.Tensor4D {
  const [kh, kw] = w.shape;
  const [sh, sw] = win.strides;
  const [pt, pl] = win.pads;
  const [, ho, wo] = dy.shape;
  const h = inputShape[1];
  const wIn = inputShape[2];
  const dyd = dilate(dy, sh, sw);
  const flipped = tf.reverse(w, [0, 1]);
  const { x, pads } = padOrCrop(
    dyd,
    kh - 1 - pt,
    h + pt - (ho - 1) * sh - 1,
    kw - 1 - pl,
    wIn + pl - (wo - 1) * sw - 1,
  );
  return depthwise
    ? tf.depthwiseConv2d(x, flipped, 1, pads)
    : tf.conv2d(x, tf.transpose(flipped, [0, 1, 3, 2]), 1, pads);
}

/** Gradient of conv2d(x, w) w.r.t. the HWIO filter of shape [kh, kw, ci, co]. */
export function convFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  win: ConvWindow,
): tf.Tensor4D {
  const [kh, kw] = filterShape;
  const [sh, sw] = win.strides;
  const [pt, pl] = win.pads;
  const [, h, wIn] = x.shape;
  const [, ho, wo] = dy.shape;
  // out[ci, i, j, co] = sum_{o, b} xpad[ci, i + o * s, b] * dy[o, b, co]
  const { x: xt, pads } = padOrCrop(
    tf.transpose(x, [3, 1, 2, 0]),
    pt,
    kh + (ho - 1) * sh - h - pt,
    pl,
    kw + (wo - 1) * sw - wIn - pl,
  );
  const filter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  const out = tf.conv2d(xt, filter, 1, pads, 'NHWC', [sh, sw]);
  return tf.transpose(out, [1, 2, 0, 3]);
}

/** Gradient of depthwiseConv2d(x, w) w.r.t. the [kh, kw, C, 1] filter: one reduction per tap. */
export function depthwiseFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  win: ConvWindow,
): tf.Tensor4D {
  const [kh, kw, c] = filterShape;
  const [sh, sw] = win.strides;
  const [pt, pl, pb, pr] = win.pads;
  const [b, ho, wo] = dy.shape;
  const xp = tf.pad(x, tfPads(pt, pb, pl, pr));
  const taps: tf.Tensor1D[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const window = tf.stridedSlice(
        xp,
        [0, i, j, 0],
        [b, i + (ho - 1) * sh + 1, j + (wo - 1) * sw + 1, c],
        [1, sh, sw, 1],
      ) as tf.Tensor4D;
      taps.push(tf.sum(tf.mul(window, dy), [0, 1, 2]));
    }
  }
  return tf.reshape(tf.stack(taps), [kh, kw, c, 1]);
}
