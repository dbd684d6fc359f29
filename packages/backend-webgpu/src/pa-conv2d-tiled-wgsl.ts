// WGSL of the tiled multi-base PAConv2D (groups 1). The M x N popcount convs share their
// operands: a workgroup stages the activation bit-plane words of tilePixels(ppi) output pixels
// and the weight words of TILE_CHANNELS output channels in workgroup memory, a chunk of the
// reduction axis r = (tap, 32-channel word) at a time, and each invocation computes ppi pixels
// x 8 channels for every (m, n) pair from those staged words.
// The host side is pa-conv2d-tiled.ts; the formula is docs/PA-METHOD.md's, with the border
// correction of its "Zero padding" section (taps outside the input are staged as 0 bits).

/** Pixel lanes of a workgroup (x 4 channel lanes = its 64 invocations). */
const PIXEL_LANES = 16;
/**
 * Output pixels an invocation computes: 2 ('tiled', 32-pixel tiles) or 4 ('tiled-wide', 64:
 * each staged weight word feeds twice the popcounts, for twice the counters in registers).
 */
export type PixelsPerInvocation = 2 | 4;
/** Output pixels of one workgroup's tile. */
export const tilePixels = (ppi: PixelsPerInvocation) => PIXEL_LANES * ppi;
/** Output channels of one workgroup's tile (4 channel lanes x 8 channels an invocation). */
export const TILE_CHANNELS = 32;
/** The WebGPU default of maxComputeWorkgroupStorageSize (WebGPU spec, "Limits"): always there. */
const WORKGROUP_BYTES = 16384;
/** Bytes of the per-pixel and per-step tables (vec3i, 16-byte strides) next to the staged words. */
const tableBytes = (tp: number) => (tp + 8) * 16;

/**
 * Reduction steps (r values) staged at once for M weight and N activation planes: up to 8, as
 * many as fit the 16 KiB of workgroup memory every WebGPU device has (0 when none fit), and for
 * a layer of `steps` steps (taps x words) no more than even chunks need: 18 steps (3x3, 64
 * channels) stage 6 at a time, not 8, 8 and 2 with 6 of zeros.
 */
export function stagedSteps(m: number, n: number, steps = 8, ppi: PixelsPerInvocation = 2): number {
  const tp = tilePixels(ppi);
  const perStep = 4 * n * tp + 4 * m * TILE_CHANNELS;
  const most = Math.min(8, Math.floor((WORKGROUP_BYTES - tableBytes(tp)) / perStep));
  return most < 1 ? 0 : Math.ceil(steps / Math.ceil(steps / most));
}

/**
 * The uniform block; per-channel float arrays (a, c_w, the window constant and the per-tap
 * border fix, see pa-conv2d-tiled.ts) are padded to coutPad channels and read as vec4s,
 * offsets in floats.
 */
const PARAMS = /* wgsl */ `
struct Params {
  batch: u32, inH: u32, inW: u32, cin: u32,
  cout: u32, kh: u32, kw: u32, sh: u32,
  sw: u32, dh: u32, dw: u32, padTop: i32,
  padLeft: i32, outH: u32, outW: u32, w32: u32,
  act: u32, hasScale: u32, hasBias: u32, coutPad: u32,
  offA: u32, offCw: u32, offFull: u32, offFix: u32,
  offB: u32, offCa: u32, tilesX: u32,
}`;

const range = (k: number) => Array.from({ length: k }, (_, i) => i);

/** Names of the per-(n, pixel, half) popcount counters and their unrolled statements. */
const each = (n: number, ppi: number, body: (nn: number, pp: number) => string) =>
  range(n)
    .map((nn) =>
      range(ppi)
        .map((pp) => body(nn, pp))
        .join('\n'),
    )
    .join('\n');

/**
 * The kernel for M weight and N activation planes, staging `rc` steps a chunk (stagedSteps; all
 * fixed: the counters are unrolled variables, since dynamically indexed per-invocation arrays
 * live in slow local memory on GPUs).
 * Dispatch: (pixel tiles folded into x and y by tilesX, channel tiles in z), 64 invocations.
 */
export function tiledConvWgsl(
  m: number,
  n: number,
  rc: number,
  ppi: PixelsPerInvocation = 2,
): string {
  if (rc < 1) throw new Error(`internal: no tiled PAConv2D for M ${m}, N ${n}`);
  const tp = tilePixels(ppi);
  return /* wgsl */ `${PARAMS}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> cv: array<vec4f>;
@group(0) @binding(2) var<storage, read> cs: array<f32>;
@group(0) @binding(3) var<storage, read> planes: array<u32>;
@group(0) @binding(4) var<storage, read> qsum: array<f32>;
@group(0) @binding(5) var<storage, read> wts: array<vec4u>;
@group(0) @binding(6) var<storage, read> scale: array<f32>;
@group(0) @binding(7) var<storage, read> bias: array<f32>;
@group(0) @binding(8) var<storage, read_write> y: array<f32>;

const TP = ${tp}u;
const RC = ${rc}u;
const NB = ${n}u;
const MB = ${m}u;
// staged plane words [r][n][pixel] (pixels fastest: the lanes of a read are consecutive words)
var<workgroup> hs: array<u32, ${rc * n * tp}>;
// staged weights [r][m][8 vec4 = the tile's 32 channels] (one lane group reads the same ones)
var<workgroup> ws: array<vec4u, ${rc * m * (TILE_CHANNELS / 4)}>;
// per tile pixel: (b * inH, oy * sh - padTop, ox * sw - padLeft), x = -1 past the last pixel
var<workgroup> pixIn: array<vec3i, TP>;
// per staged step of the chunk: (tap row offset ky dh, column offset kx dw, word w), x = -1 past
// the last step: the divisions by kw and w32 (runtime values, slow on GPUs) once per step
var<workgroup> stepIn: array<vec3i, RC>;

/** A count below 2^23 as f32 through its bits (an OR and a subtraction, not an int-to-float conversion). */
fn toF32(c: vec4u) -> vec4f {
  return bitcast<vec4f>(c | vec4u(0x4B000000u)) - vec4f(8388608.0);
}

/**
 * sum over a chunk's valid bits (its valid (tap, channel) pairs) of (1 - 2 (h xor w)), from
 * the popcount c: small exact integers, so the float sums stay near the output's size (a sum of
 * a_m b_n popcounts is ~K C large and loses the 1e-4 the conformance suite asks for when the
 * window is cancelled out). The zero padding bits of partial words and of steps past the last
 * (0 in planes and weights: no popcount) are left out, not counted as +1 and taken back in the
 * epilogue's constant: with 16 channels half the bits are padding, and that cancellation cost
 * the f32 sums ~20x the direct kernel's error (enough to move an activation across a
 * threshold of the next layer).
 */
fn signedSum(c: vec4u, valid: u32) -> vec4f {
  return toF32(vec4u(64u * RC + valid) - 2u * c) - vec4f(f32(64u * RC));
}

fn insideRow(iy: i32) -> bool { return iy >= 0 && iy < i32(p.inH); }
fn insideCol(ix: i32) -> bool { return ix >= 0 && ix < i32(p.inW); }

/** scale, bias, activation and the store of 4 channels from o (those below cout). */
fn store(v0: vec4f, o: u32, pix: u32) {
  var v = v0;
  for (var l = 0u; l < 4u; l++) {
    let c = o + l;
    if (c >= p.cout) { break; }
    var x = v[l];
    if (p.hasScale == 1u) { x = x * scale[c]; }
    if (p.hasBias == 1u) { x = x + bias[c]; }
    if (p.act == 1u) { x = max(x, 0.0); } else if (p.act == 2u) { x = clamp(x, -1.0, 1.0); }
    y[pix * p.cout + c] = x;
  }
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  let total = p.batch * p.outH * p.outW;
  let pix0 = (wg.y * p.tilesX + wg.x) * TP;
  if (pix0 >= total) { return; }
  if (li < TP) {
    let pix = pix0 + li;
    var info = vec3i(-1, 0, 0);
    if (pix < total) {
      let ox = pix % p.outW;
      let oy = (pix / p.outW) % p.outH;
      let b = pix / (p.outW * p.outH);
      info = vec3i(i32(b * p.inH), i32(oy * p.sh) - p.padTop, i32(ox * p.sw) - p.padLeft);
    }
    pixIn[li] = info;
  }
  let pl = li % ${PIXEL_LANES}u;
  let cl = li / ${PIXEL_LANES}u;
  let ch0 = wg.z * ${TILE_CHANNELS}u;
  let wRow = p.coutPad / 4u;
  let taps = p.kh * p.kw;
  let steps = taps * p.w32;
${range(ppi)
  .map((pp) => `  var acc${pp}a = vec4f(0.0);\n  var acc${pp}b = vec4f(0.0);`)
  .join('\n')}
  for (var r0 = 0u; r0 < steps; r0 += RC) {
    workgroupBarrier();
    if (li < RC) {
      let r = r0 + li;
      let tap = r / p.w32;
      var step = vec3i(-1, 0, 0);
      if (r < steps) {
        step = vec3i(i32((tap / p.kw) * p.dh), i32((tap % p.kw) * p.dw), i32(r % p.w32));
      }
      stepIn[li] = step;
    }
    workgroupBarrier();
    // TP and NB are constants: these divisions are shifts and multiplications
    for (var e = li; e < RC * NB * TP; e += 64u) {
      let px = e % TP;
      let nn = (e / TP) % NB;
      let step = stepIn[e / (TP * NB)];
      let info = pixIn[px];
      var v = 0u;
      if (step.x >= 0 && info.x >= 0) {
        let iy = info.y + step.x;
        let ix = info.z + step.y;
        if (insideRow(iy) && insideCol(ix)) {
          let at = u32(info.x + iy) * p.inW + u32(ix);
          v = planes[(at * NB + nn) * p.w32 + u32(step.z)];
        }
      }
      hs[e] = v;
    }
    for (var e = li; e < RC * MB * 8u; e += 64u) {
      let r = r0 + e / (MB * 8u);
      var v = vec4u(0u);
      if (r < steps) { v = wts[(r * MB + (e / 8u) % MB) * wRow + wg.z * 8u + e % 8u]; }
      ws[e] = v;
    }
    workgroupBarrier();
    // the chunk's valid bits: cin's bits of each step's word, none past the last step
    var valid = 0u;
    for (var rr = 0u; rr < RC; rr++) {
      let step = stepIn[rr];
      if (step.x >= 0) { valid += min(32u, p.cin - u32(step.z) * 32u); }
    }
    // zero words past the last step add popcount(0 ^ 0) = 0
    for (var mm = 0u; mm < MB; mm++) {
${each(n, ppi, (nn, pp) => `      var c${nn}_${pp}a = vec4u(0u);\n      var c${nn}_${pp}b = vec4u(0u);`)}
      for (var rr = 0u; rr < RC; rr++) {
        let wi = (rr * MB + mm) * 8u + cl * 2u;
        let wa = ws[wi];
        let wb = ws[wi + 1u];
${each(
  n,
  ppi,
  (
    nn,
    pp,
  ) => `        let h${nn}_${pp} = vec4u(hs[(rr * NB + ${nn}u) * TP + pl + ${PIXEL_LANES * pp}u]);
        c${nn}_${pp}a += countOneBits(h${nn}_${pp} ^ wa);
        c${nn}_${pp}b += countOneBits(h${nn}_${pp} ^ wb);`,
)}
      }
      let ai = p.offA / 4u + mm * wRow + (ch0 / 4u) + cl * 2u;
      let aa = cv[ai];
      let ab = cv[ai + 1u];
${Array.from(
  { length: n },
  (_, nn) => `      let b${nn} = cs[p.offB + ${nn}u];
${range(ppi)
  .map(
    (pp) => `      acc${pp}a += (aa * b${nn}) * signedSum(c${nn}_${pp}a, valid);
      acc${pp}b += (ab * b${nn}) * signedSum(c${nn}_${pp}b, valid);`,
  )
  .join('\n')}`,
).join('\n')}
    }
  }
  let o = ch0 + cl * 8u;
  if (o >= p.cout) { return; }
  let o4 = o / 4u;
  let ca = cs[p.offCa];
${range(ppi)
  .map(
    (pp) => `  {
    let pix = pix0 + pl + ${PIXEL_LANES * pp}u;
    let info = pixIn[pl + ${PIXEL_LANES * pp}u];
    if (info.x >= 0) {
      var k = 0u;
      var boxQa = 0.0;
      var fixA = vec4f(0.0);
      var fixB = vec4f(0.0);
      for (var t = 0u; t < taps; t++) {
        let iy = info.y + i32((t / p.kw) * p.dh);
        let ix = info.z + i32((t % p.kw) * p.dw);
        if (insideRow(iy) && insideCol(ix)) {
          k++;
          let q = (u32(info.x + iy) * p.inW + u32(ix)) * p.w32;
          for (var w = 0u; w < p.w32; w++) { boxQa += qsum[q + w]; }
        } else {
          let f = p.offFix / 4u + t * wRow + o4;
          fixA += cv[f];
          fixB += cv[f + 1u];
        }
      }
      let kc = f32(k * p.cin);
      let qa = boxQa - ca * kc;
      store(cv[p.offFull / 4u + o4] + cv[p.offCw / 4u + o4] * qa + acc${pp}a + fixA, o, pix);
      store(cv[p.offFull / 4u + o4 + 1u] + cv[p.offCw / 4u + o4 + 1u] * qa + acc${pp}b + fixB, o + 4u, pix);
    }
  }`,
  )
  .join('\n')}
}
`;
}
