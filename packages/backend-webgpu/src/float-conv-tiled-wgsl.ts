// WGSL of the tiled float conv (groups 1) as an implicit matrix product: the output is
// [pixels = batch x outH x outW] x [cout], the reduction axis k = (ky, kx, c) runs over the
// window's taps and channels in the input's NHWC order. A workgroup of 16 x 16 invocations owns a
// tile of 16 TM pixels x 64 channels; each step stages KS values of k for the tile's pixels
// (gathered from the input, 0 outside it: zero padding) and its channels' weights in workgroup
// memory, and each invocation multiplies TM pixels x 4 channels out of registers. Staging
// reuses every loaded value 64 (input) or 16 TM (weight) times; the direct float kernel
// (float-ops-wgsl.ts CONV_F32_WGSL) reads each from storage for 4 outputs.
//
// PAConv2D's dequantized kernel runs on it too (pa-conv2d-dequantized.ts), on the staircase
// levels of its input.

/** Reduction values (k) staged per step. */
export const KS = 16;
/** Output channels of one workgroup's tile (16 channel lanes x 4 channels an invocation). */
export const FLOAT_TILE_CHANNELS = 64;
/** Output pixels an invocation computes: 4 or 8 (a multiple of 4: the staged pixels are read as vec4). */
export type FloatPixelsPerInvocation = 4 | 8;
/** Output pixels of one workgroup's tile. */
export const floatTilePixels = (tm: FloatPixelsPerInvocation) => 16 * tm;

const PARAMS = /* wgsl */ `
struct Params {
  batch: u32, inH: u32, inW: u32, cin: u32,
  cout: u32, kh: u32, kw: u32, sh: u32,
  sw: u32, dh: u32, dw: u32, padTop: i32,
  padLeft: i32, outH: u32, outW: u32, k: u32,
  coutPad: u32, act: u32, hasScale: u32, hasBias: u32,
  tilesX: u32,
}`;

/** The input pixel (iy, ix) and channel c of reduction index k for tile pixel `pin`. */
const TAP_OF_K = /* wgsl */ `  let tap = k / p.cin;
  let c = k - tap * p.cin;
  let ky = tap / p.kw;
  let kx = tap - ky * p.kw;
  let iy = pin.y + i32(ky * p.dh);
  let ix = pin.z + i32(kx * p.dw);`;

const range = (k: number) => Array.from({ length: k }, (_, i) => i);

export interface FloatConvShaderSpec {
  /** Pixels per invocation. */
  tm: FloatPixelsPerInvocation;
  /** Whether cin is a multiple of 4, so 4 consecutive k of a pixel are one vec4 load of one tap. */
  vec4Input: boolean;
}

/**
 * The kernel for one spec. Bindings: Params, x (f32, or vec4f with vec4Input), weights
 * [k][coutPad / 4] as vec4f (0 past k and cout), scale, bias, y.
 * Dispatch: (pixel tiles folded into x and y by tilesX, channel tiles in z), 16 x 16 invocations.
 */
export function tiledFloatConvWgsl({ tm, vec4Input }: FloatConvShaderSpec): string {
  const tp = floatTilePixels(tm);
  const accs = range(tm);
  // staging the tile's inputs: every invocation writes whole vec4s (4 pixels of one k), as
  // writes of single components by different invocations may become read-modify-writes of the
  // vec4 and race
  const gather = vec4Input
    ? /* wgsl */ `
  if (lid < ${tp}u) {
    let kq = lid % ${KS / 4}u;
    let pq = lid / ${KS / 4}u;
${range(4)
  .map((e) => `    let v${e} = gather4(pq * 4u + ${e}u, k0 + kq * 4u);`)
  .join('\n')}
${range(4)
  .map(
    (e) =>
      `    as_[(kq * 4u + ${e}u) * ${tp / 4}u + pq] = vec4f(v0[${e}], v1[${e}], v2[${e}], v3[${e}]);`,
  )
  .join('\n')}
  }`
    : /* wgsl */ `
  for (var r = 0u; r < ${tp / 64}u; r++) {
    let idx = lid + 256u * r;
    let kk = idx % ${KS}u;
    let pq = idx / ${KS}u;
    as_[kk * ${tp / 4}u + pq] = vec4f(${range(4)
      .map((e) => `gather1(pq * 4u + ${e}u, k0 + kk)`)
      .join(', ')});
  }`;
  // the input value(s) of tile pixel px at reduction index k (4 consecutive ones: the same tap)
  const gatherFn = vec4Input
    ? /* wgsl */ `
fn gather4(px: u32, k: u32) -> vec4f {
  let pin = pixIn[px];
  if (k >= p.k || pin.x < 0) { return vec4f(0.0); }
${TAP_OF_K}
  if (iy < 0 || iy >= i32(p.inH) || ix < 0 || ix >= i32(p.inW)) { return vec4f(0.0); }
  return x[(((u32(pin.x) + u32(iy)) * p.inW + u32(ix)) * p.cin + c) / 4u];
}`
    : /* wgsl */ `
fn gather1(px: u32, k: u32) -> f32 {
  let pin = pixIn[px];
  if (k >= p.k || pin.x < 0) { return 0.0; }
${TAP_OF_K}
  if (iy < 0 || iy >= i32(p.inH) || ix < 0 || ix >= i32(p.inW)) { return 0.0; }
  return x[((u32(pin.x) + u32(iy)) * p.inW + u32(ix)) * p.cin + c];
}`;
  return /* wgsl */ `${PARAMS}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<${vec4Input ? 'vec4f' : 'f32'}>;
@group(0) @binding(2) var<storage, read> w: array<vec4f>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> y: array<f32>;

// staged inputs [k][pixel] (4 pixels a vec4) and weights [k][64 channels] (4 channels a vec4)
var<workgroup> as_: array<vec4f, ${(KS * tp) / 4}>;
var<workgroup> bs: array<vec4f, ${(KS * FLOAT_TILE_CHANNELS) / 4}>;
// per tile pixel: (b * inH, oy * sh - padTop, ox * sw - padLeft), x = -1 past the last pixel
var<workgroup> pixIn: array<vec3i, ${tp}>;
${gatherFn}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) l: vec3u) {
  let lid = l.y * 16u + l.x;
  let tile = wid.y * p.tilesX + wid.x;
  let pix0 = tile * ${tp}u;
  let pixels = p.batch * p.outH * p.outW;
  for (var r = lid; r < ${tp}u; r += 256u) {
    let gp = pix0 + r;
    if (gp < pixels) {
      let ox = gp % p.outW;
      let oy = (gp / p.outW) % p.outH;
      let b = gp / (p.outW * p.outH);
      pixIn[r] = vec3i(i32(b * p.inH), i32(oy * p.sh) - p.padTop, i32(ox * p.sw) - p.padLeft);
    } else {
      pixIn[r] = vec3i(-1, 0, 0);
    }
  }
  let ch4 = wid.z * ${FLOAT_TILE_CHANNELS / 4}u;
${accs.map((i) => `  var acc${i} = vec4f(0.0);`).join('\n')}
  for (var k0 = 0u; k0 < p.k; k0 += ${KS}u) {
    workgroupBarrier();
${gather}
    {
      let kk = lid / 16u;
      let q = lid % 16u;
      var wv = vec4f(0.0);
      if (k0 + kk < p.k) { wv = w[(k0 + kk) * (p.coutPad / 4u) + ch4 + q]; }
      bs[kk * 16u + q] = wv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${KS}u; kk++) {
      let wv = bs[kk * 16u + l.x];
${range(tm / 4)
  .map(
    (j) => `      let a${j} = as_[kk * ${tp / 4}u + l.y * ${tm / 4}u + ${j}u];
${range(4)
  .map((e) => `      acc${4 * j + e} += a${j}[${e}] * wv;`)
  .join('\n')}`,
  )
  .join('\n')}
    }
  }
  let o0 = wid.z * ${FLOAT_TILE_CHANNELS}u + l.x * 4u;
  var sc = vec4f(1.0);
  var bi = vec4f(0.0);
  for (var e = 0u; e < 4u; e++) {
    let o = min(o0 + e, p.cout - 1u);
    if (p.hasScale == 1u) { sc[e] = scale[o]; }
    if (p.hasBias == 1u) { bi[e] = bias[o]; }
  }
${accs
  .map(
    (i) => `  {
    let gp = pix0 + l.y * ${tm}u + ${i}u;
    if (gp < pixels) {
      var v = acc${i} * sc + bi;
      if (p.act == 1u) { v = max(v, vec4f(0.0)); } else if (p.act == 2u) { v = clamp(v, vec4f(-1.0), vec4f(1.0)); }
      for (var e = 0u; e < 4u; e++) { if (o0 + e < p.cout) { y[gp * p.cout + o0 + e] = v[e]; } }
    }
  }`,
  )
  .join('\n')}
}
`;
}
