import { CONV_GEOMETRY_FIELDS } from '@pabnn/backend';
import { outputBlock, TAPS } from './wgsl-snippets.js';

// WGSL for the float ops, one invocation per output element unless said otherwise. Every
// shader starts with the same Params shape: threadsX (the row width of the 2-D dispatch grid,
// recorder.ts), total (invocations that do work), then its own u32 fields; floats travel as
// their bits (f32Bits) and are bitcast back. Binding 0 is Params, storage buffers follow
// ('access name [element type]', f32 by default).

function shader(fields: string[], bindings: string[], body: string): string {
  const members = ['threadsX', 'total', ...fields].map((f) => `${f}: u32,`).join(' ');
  const vars = bindings
    .map((b, i) => {
      const [access, name, element = 'f32'] = b.split(' ');
      return `@group(0) @binding(${i + 1}) var<storage, ${access}> ${name}: array<${element}>;`;
    })
    .join('\n');
  return /* wgsl */ `
struct Params { ${members} }
@group(0) @binding(0) var<uniform> p: Params;
${vars}
fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.y * p.threadsX + id.x;
  if (i >= p.total) { return; }
${body}
}
`;
}

/** The window geometry of convs and pools: @pabnn/backend's list, in its order. */
const GEOMETRY = CONV_GEOMETRY_FIELDS;

/** Output element i = ((b, oy, ox), o) (the pools). */
const WINDOW = /* wgsl */ `
  let o = i % p.cout;
  let pix = i / p.cout;
  let ox = pix % p.outW;
  let oy = (pix / p.outW) % p.outH;
  let b = pix / (p.outW * p.outH);`;

/**
 * Grouped direct conv (Conv2D; DepthwiseConv2D = C groups), one invocation per (output pixel,
 * 4 output channels of one group). Weights [tap][cinG][group][4-channel block] as vec4, blocks
 * padded past the group's last channel (as PAConv2D's): one input value feeds 4 multiply-adds
 * and consecutive invocations read consecutive vec4s.
 */
export const CONV_F32_WGSL = shader(
  [...GEOMETRY, 'hasBias'],
  ['read x', 'read w vec4f', 'read bias', 'read_write y'],
  /* wgsl */ `${outputBlock(4)}
  let xc = g * cinG;
  var acc = vec4f(0.0);
${TAPS(/* wgsl */ `      let xi = at * p.cin + xc;
      let wi = (ky * p.kw + kx) * cinG * blocks + blk;
      for (var c = 0u; c < cinG; c++) { acc += x[xi + c] * w[wi + c * blocks]; }`)}
  let out = pix * p.cout + g * coutG;
  for (var l = 0u; l < 4u; l++) {
    if (og[l] < coutG) {
      var v = acc[l];
      if (p.hasBias == 1u) { v += bias[g * coutG + og[l]]; }
      y[out + og[l]] = v;
    }
  }`,
);

/** MaxPool (mode 0), AvgPool over the taps inside (1) or over the whole window (2). Here cout = cin = channels. */
export const POOL_WGSL = shader(
  [...GEOMETRY, 'mode'],
  ['read x', 'read_write y'],
  /* wgsl */ `${WINDOW}
  var best = 0.0;
  var sum = 0.0;
  var count = 0.0;
  var nan = false;
  var nanValue = 0.0;
${TAPS(/* wgsl */ `      let v = x[at * p.cin + o];
      if (isNan(v)) { nan = true; nanValue = v; }
      if (count == 0.0 || v > best) { best = v; }
      sum += v;
      count += 1.0;`)}
  if (p.mode == 0u) {
    y[i] = select(best, nanValue, nan); // a NaN tap makes the max NaN
  } else if (p.mode == 1u) {
    y[i] = sum / count;
  } else {
    y[i] = sum / f32(p.kh * p.kw);
  }`,
);

/** One invocation per (image, channel): the mean over h * w pixels. */
export const GLOBAL_AVG_POOL_WGSL = shader(
  ['pixels', 'channels'],
  ['read x', 'read_write y'],
  /* wgsl */ `
  let c = i % p.channels;
  let base = (i / p.channels) * p.pixels * p.channels + c;
  var sum = 0.0;
  for (var q = 0u; q < p.pixels; q++) { sum += x[base + q * p.channels]; }
  y[i] = sum / f32(p.pixels);`,
);

/** Zero padding of H and W: [batch, h, w, c] -> [batch, oh, ow, c]. */
export const PAD_WGSL = shader(
  ['h', 'w', 'c', 'oh', 'ow', 'top', 'left'],
  ['read x', 'read_write y'],
  /* wgsl */ `
  let ch = i % p.c;
  let ox = (i / p.c) % p.ow;
  let oy = (i / (p.c * p.ow)) % p.oh;
  let b = i / (p.c * p.ow * p.oh);
  let iy = i32(oy) - i32(p.top);
  let ix = i32(ox) - i32(p.left);
  var v = 0.0;
  if (iy >= 0 && iy < i32(p.h) && ix >= 0 && ix < i32(p.w)) {
    v = x[((b * p.h + u32(iy)) * p.w + u32(ix)) * p.c + ch];
  }
  y[i] = v;`,
);

/** BatchNorm folded to y = x * scale[c] + shift[c]; consts = [scale..., shift...]. */
export const AFFINE_WGSL = shader(
  ['channels'],
  ['read x', 'read consts', 'read_write y'],
  /* wgsl */ `
  let c = i % p.channels;
  y[i] = x[i] * consts[c] + consts[p.channels + c];`,
);

/** Relu (mode 0, NaN stays NaN), Clip to [lo, hi] (1), PRelu with a per-channel or shared slope (2). */
export const UNARY_WGSL = shader(
  ['mode', 'lo', 'hi', 'slopes'],
  ['read x', 'read slope', 'read_write y'],
  /* wgsl */ `
  let v = x[i];
  var r = v;
  if (isNan(v)) {
    r = v;
  } else if (p.mode == 0u) {
    r = select(0.0, v, v > 0.0);
  } else if (p.mode == 1u) {
    r = min(max(v, bitcast<f32>(p.lo)), bitcast<f32>(p.hi));
  } else if (v < 0.0) {
    r = v * slope[i % p.slopes];
  }
  y[i] = r;`,
);

/** a + b where b has a's shape or is a vector over a's last axis (bLength = its size). */
export const ADD_WGSL = shader(
  ['bLength'],
  ['read a', 'read bv', 'read_write y'],
  /* wgsl */ `
  y[i] = a[i] + bv[i % p.bLength];`,
);

/** One input of a Concat: its rows (of `row` elements) land at `offset` in rows of `rowOut`. */
export const CONCAT_WGSL = shader(
  ['row', 'rowOut', 'offset'],
  ['read x', 'read_write y'],
  /* wgsl */ `
  y[(i / p.row) * p.rowOut + p.offset + i % p.row] = x[i];`,
);

/** One invocation per (image, output); weights [in][out] so neighbours read neighbouring words. */
export const DENSE_WGSL = shader(
  ['inF', 'outF', 'hasBias'],
  ['read x', 'read w', 'read bias', 'read_write y'],
  /* wgsl */ `
  let o = i % p.outF;
  let xb = (i / p.outF) * p.inF;
  var acc = 0.0;
  for (var k = 0u; k < p.inF; k++) { acc += x[xb + k] * w[k * p.outF + o]; }
  if (p.hasBias == 1u) { acc += bias[o]; }
  y[i] = acc;`,
);

/** One invocation per softmax row (outer * inner of them), stable: exp(v - max) / sum. */
export const SOFTMAX_WGSL = shader(
  ['len', 'inner'],
  ['read x', 'read_write y'],
  /* wgsl */ `
  let base = (i / p.inner) * p.len * p.inner + i % p.inner;
  var best = x[base];
  for (var k = 1u; k < p.len; k++) { best = max(best, x[base + k * p.inner]); }
  var sum = 0.0;
  for (var k = 0u; k < p.len; k++) { sum += exp(x[base + k * p.inner] - best); }
  for (var k = 0u; k < p.len; k++) { y[base + k * p.inner] = exp(x[base + k * p.inner] - best) / sum; }`,
);

/** Every float shader, compiled when a backend is created. */
/**
 * The activation staircase of a dequantized PAConv2D (docs/PA-METHOD.md): y = v_k with
 * k = #{j : x >= t_j}, channel c = i % channels; thresholds [n] for the layer or [channels][n]
 * (perChannel), levels after them at offLevels ([n + 1] or [channels][n + 1]). A NaN compares
 * false everywhere and takes v_0, as the binarize kernels give it no set bit.
 */
export const QUANTIZE_WGSL = shader(
  ['channels', 'n', 'perChannel', 'offLevels'],
  ['read x', 'read stairs', 'read_write y'],
  /* wgsl */ `
  let c = i % p.channels;
  let v = x[i];
  let t0 = select(0u, c * p.n, p.perChannel == 1u);
  var level = 0u;
  for (var j = 0u; j < p.n; j++) { level += select(0u, 1u, v >= stairs[t0 + j]); }
  y[i] = stairs[p.offLevels + select(0u, c * (p.n + 1u), p.perChannel == 1u) + level];`,
);

export const FLOAT_SHADERS = [
  QUANTIZE_WGSL,
  CONV_F32_WGSL,
  POOL_WGSL,
  GLOBAL_AVG_POOL_WGSL,
  PAD_WGSL,
  AFFINE_WGSL,
  UNARY_WGSL,
  ADD_WGSL,
  CONCAT_WGSL,
  DENSE_WGSL,
  SOFTMAX_WGSL,
];
