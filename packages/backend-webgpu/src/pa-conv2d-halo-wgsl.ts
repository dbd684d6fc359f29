// WGSL of the halo PAConv2D conv (groups 1), for layers of large spatial size and few bases:
// a workgroup owns a TILE_H x TILE_W block of output pixels of one image and a block of 8 CL
// output channels. It stages the bit-plane words of the input pixels that block reads (the
// tile plus its halo) and their per-pixel sums of Q_a in workgroup memory once, so each of the
// window's taps reads shared memory, not storage; each invocation then computes PIXELS output
// pixels x 8 channels, so one weight word pair (two vec4<u32>, read from storage: every
// invocation of a channel lane reads the same ones) feeds 4 PIXELS popcounts per vec4 lane.
// The kernel's geometry (window, strides, dilations, words, bases) is compiled in, so the tap
// and word loops have constant bounds and the halo offsets are constants.
// Fused ('halo-fused'): the workgroup binarizes its halo from the float input itself (one
// dispatch, no bit-planes in storage): each input float is read by the ~1.6 tiles whose halo
// covers it (8 x 8 tiles, 3x3 stride 1), mostly from L2, instead of a binarize pass writing planes
// that the conv reads back after a dispatch boundary.
// The host side is pa-conv2d-halo.ts; the formula is docs/PA-METHOD.md's, with the border
// correction of its "Zero padding" section (taps outside the input are staged as 0 bits,
// popcountConvConstants).

import { binarizeSnippets } from './pa-conv2d-binarize-words-wgsl.js';
import type { PAConvWindow } from './pa-conv2d-variant.js';

/** Output rows and columns of a workgroup's tile. */
export const TILE_H = 8;
export const TILE_W = 8;
/** Output pixels an invocation computes (rows PIXEL_LANES / TILE_W apart in the tile). */
export const PIXELS = 4;
/** Pixel lanes of a workgroup: TILE_H TILE_W / PIXELS. */
export const PIXEL_LANES = (TILE_H * TILE_W) / PIXELS;
/** The WebGPU default of maxComputeWorkgroupStorageSize (WebGPU spec, "Limits"): always there. */
const WORKGROUP_BYTES = 16384;

/** What the halo kernel is compiled for: a node's window and bases (groups 1). */
export interface HaloGeometry extends Omit<PAConvWindow, 'cin'> {
  m: number;
  n: number;
  /** 32-channel words per input pixel. */
  w32: number;
}

/** Input rows and columns a tile reads (the halo included). */
export const haloSize = (g: HaloGeometry) => ({
  rows: (TILE_H - 1) * g.sh + (g.kh - 1) * g.dh + 1,
  cols: (TILE_W - 1) * g.sw + (g.kw - 1) * g.dw + 1,
});

/**
 * Whether a tile's N w32 plane words and one Q_a sum per halo pixel fit 16 KiB (fused: and a
 * partial Q_a sum per word).
 */
export function haloFits(g: HaloGeometry, fused = false): boolean {
  const { rows, cols } = haloSize(g);
  return rows * cols * (g.n * g.w32 + 1 + (fused ? g.w32 : 0)) * 4 <= WORKGROUP_BYTES;
}

/**
 * Fused: the halo's plane words and Q_a sums from the float input, one invocation per (halo
 * pixel, word) (words fastest); whole words (vec: cin a multiple of 32) as 8 vec4 loads, the
 * 128 bytes of a word in one cache line. Partial sums per word, then one per pixel.
 */
function stageFromFloats(n: number, vec: boolean): string {
  const snip = binarizeSnippets(n);
  const load = vec
    ? `      let base = (((b * p.inH + u32(iy)) * p.inW + u32(ix)) * p.cin + w * 32u) / 4u;
      for (var k = 0u; k < 8u; k++) {
        let v4 = x[base + k];
        for (var l = 0u; l < 4u; l++) {
          let v = v4[l];
          let bit = 1u << (k * 4u + l);
${snip.float.replace(/^/gm, '      ')}
        }
      }`
    : `      let base = ((b * p.inH + u32(iy)) * p.inW + u32(ix)) * p.cin + w * 32u;
      for (var c = 0u; c < min(32u, p.cin - w * 32u); c++) {
        let v = x[base + c];
        let bit = 1u << c;
${snip.float.replace(/^/gm, '    ')}
      }`;
  return `${snip.thresholds}
  for (var e = li; e < HP * W32; e += WG) {
    let w = e % W32;
    let h = e / W32;
    let iy = iy0 + i32(h / HW);
    let ix = ix0 + i32(h % HW);
${snip.words.replace(/^/gm, '  ')}
    var sum = 0.0;
    if (iy >= 0 && iy < i32(p.inH) && ix >= 0 && ix < i32(p.inW)) {
${load}
    }
${snip.planeWords.map((bits, j) => `    hs[(${j}u * W32 + w) * HP + h] = ${bits};`).join('\n')}
    hqw[w * HP + h] = sum;
  }
  workgroupBarrier();
  for (var h = li; h < HP; h += WG) {
    var s = 0.0;
    for (var w = 0u; w < W32; w++) { s += hqw[w * HP + h]; }
    hq[h] = s;
  }`;
}

/** Not fused: the halo's plane words and Q_a sums from the binarize's planes and qsum. */
const STAGE_FROM_PLANES = /* wgsl */ `
  // the halo's plane words, (n, w) fastest: a halo row is one run of storage
  for (var e = li; e < HP * NB * W32; e += WG) {
    let nw = e % (NB * W32);
    let h = e / (NB * W32);
    let iy = iy0 + i32(h / HW);
    let ix = ix0 + i32(h % HW);
    var v = 0u;
    if (iy >= 0 && iy < i32(p.inH) && ix >= 0 && ix < i32(p.inW)) {
      v = planes[((b * p.inH + u32(iy)) * p.inW + u32(ix)) * NB * W32 + nw];
    }
    hs[nw * HP + h] = v;
  }
  for (var h = li; h < HP; h += WG) {
    let iy = iy0 + i32(h / HW);
    let ix = ix0 + i32(h % HW);
    var s = 0.0;
    if (iy >= 0 && iy < i32(p.inH) && ix >= 0 && ix < i32(p.inW)) {
      let q = ((b * p.inH + u32(iy)) * p.inW + u32(ix)) * W32;
      for (var w = 0u; w < W32; w++) { s += qsum[q + w]; }
    }
    hq[h] = s;
  }`;

const range = (k: number) => Array.from({ length: k }, (_, i) => i);
const each = (body: (q: number) => string) => range(PIXELS).map(body).join('\n');

/**
 * The uniform block; per-channel float arrays (a, c_w, the window constant and the per-tap
 * border fix, popcountConvConstants) are padded to coutPad channels and read as vec4s, offsets
 * in floats. Tiles: batch x tilesH x tilesW, folded into x and y by groupsX; channel blocks in z.
 */
const PARAMS = /* wgsl */ `
struct Params {
  batch: u32, inH: u32, inW: u32, cin: u32,
  cout: u32, padTop: i32, padLeft: i32, outH: u32,
  outW: u32, act: u32, hasScale: u32, hasBias: u32,
  coutPad: u32, offA: u32, offCw: u32, offFull: u32,
  offFix: u32, offB: u32, offCa: u32, groupsX: u32,
  tilesW: u32, tilesH: u32, offThr: u32, offLvl: u32,
}`;

/**
 * The kernel for one geometry with `lanes` channel lanes (8 lanes channels a workgroup) and, for
 * cout a multiple of 4, vec4 stores (`vecOut`: an invocation's 8 channels are two 16-byte
 * stores, not 8 scattered 4-byte ones). `fused`: binarize the halo from the float input x (for
 * cin a multiple of 32 read as vec4s); offThr / offLvl then index `consts`, the node's
 * thresholds and levels (unused otherwise).
 */
export function haloConvWgsl(
  g: HaloGeometry,
  lanes: number,
  vecOut: boolean,
  fused = false,
  cinWhole = false,
): string {
  if (!haloFits(g, fused)) throw new Error('internal: the halo PAConv2D tile does not fit');
  const { rows, cols } = haloSize(g);
  const hp = rows * cols;
  // halo offset between an invocation's pixels: PIXEL_LANES / TILE_W output rows
  const pixelStep = (PIXEL_LANES / TILE_W) * g.sh * cols;
  const store = vecOut
    ? `fn store(v0: vec4f, o: u32, pix: u32) {
  if (o >= p.cout) { return; }
  var v = v0;
  if (p.hasScale == 1u) { v = v * vec4f(scale[o], scale[o + 1u], scale[o + 2u], scale[o + 3u]); }
  if (p.hasBias == 1u) { v = v + vec4f(bias[o], bias[o + 1u], bias[o + 2u], bias[o + 3u]); }
  if (p.act == 1u) { v = max(v, vec4f(0.0)); } else if (p.act == 2u) { v = clamp(v, vec4f(-1.0), vec4f(1.0)); }
  y[(pix * p.cout + o) / 4u] = v;
}`
    : `fn store(v0: vec4f, o: u32, pix: u32) {
  for (var l = 0u; l < 4u; l++) {
    let c = o + l;
    if (c >= p.cout) { break; }
    var v = v0[l];
    if (p.hasScale == 1u) { v = v * scale[c]; }
    if (p.hasBias == 1u) { v = v + bias[c]; }
    if (p.act == 1u) { v = max(v, 0.0); } else if (p.act == 2u) { v = clamp(v, -1.0, 1.0); }
    y[pix * p.cout + c] = v;
  }
}`;
  return /* wgsl */ `${PARAMS}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> cv: array<vec4f>;
@group(0) @binding(2) var<storage, read> cs: array<f32>;
${
  fused
    ? `@group(0) @binding(3) var<storage, read> x: array<${cinWhole ? 'vec4f' : 'f32'}>;
@group(0) @binding(4) var<storage, read> consts: array<f32>;`
    : `@group(0) @binding(3) var<storage, read> planes: array<u32>;
@group(0) @binding(4) var<storage, read> qsum: array<f32>;`
}
@group(0) @binding(5) var<storage, read> wts: array<vec4u>;
@group(0) @binding(6) var<storage, read> scale: array<f32>;
@group(0) @binding(7) var<storage, read> bias: array<f32>;
@group(0) @binding(8) var<storage, read_write> y: array<${vecOut ? 'vec4f' : 'f32'}>;

const MB = ${g.m}u;
const NB = ${g.n}u;
const KH = ${g.kh}u;
const KW = ${g.kw}u;
const W32 = ${g.w32}u;
const HW = ${cols}u; // halo columns
const HP = ${hp}u; // halo pixels
const WG = ${PIXEL_LANES * lanes}u;
// staged plane words [n][w][halo row][halo column] (columns fastest: neighbouring pixel lanes
// read neighbouring words, distinct banks at stride 1)
var<workgroup> hs: array<u32, ${g.n * g.w32 * hp}>;
// per halo pixel: sum over its words of Q_a (0 outside the input)
var<workgroup> hq: array<f32, ${hp}>;
${fused ? `// fused: per word and halo pixel, the word's sum of Q_a\nvar<workgroup> hqw: array<f32, ${g.w32 * hp}>;` : ''}

${store}

@compute @workgroup_size(${PIXEL_LANES * lanes})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) li: u32) {
  let perImage = p.tilesW * p.tilesH;
  let tile = wg.y * p.groupsX + wg.x;
  if (tile >= p.batch * perImage) { return; }
  let b = tile / perImage;
  let oy0 = ((tile % perImage) / p.tilesW) * ${TILE_H}u;
  let ox0 = (tile % p.tilesW) * ${TILE_W}u;
  let iy0 = i32(oy0 * ${g.sh}u) - p.padTop;
  let ix0 = i32(ox0 * ${g.sw}u) - p.padLeft;
${fused ? stageFromFloats(g.n, cinWhole) : STAGE_FROM_PLANES}
  workgroupBarrier();
  let pl = li % ${PIXEL_LANES}u;
  let cl = li / ${PIXEL_LANES}u;
  let o = wg.z * ${8 * lanes}u + cl * 8u;
  let wRow = p.coutPad / 4u;
  let o4 = o / 4u;
  // tile pixel pl + PIXEL_LANES q: row pl / TILE_W + q PIXEL_LANES / TILE_W, column pl % TILE_W
  let ty = pl / ${TILE_W}u;
  let tx = pl % ${TILE_W}u;
  let hb = ty * ${g.sh}u * HW + tx * ${g.sw}u;
${each((q) => `  var acc${q}a = vec4f(0.0);\n  var acc${q}b = vec4f(0.0);`)}
  // the valid (tap, channel) bits of a window: the zero padding bits of a partial last word
  // (0 in planes and weights) are left out of the sums, not counted as +1 and taken back in the
  // epilogue's constant: that cancellation cost f32 digits (popcountConvConstants)
  let valid = vec4f(f32(KH * KW * p.cin));
  for (var mm = 0u; mm < MB; mm++) {
    let aa = cv[p.offA / 4u + mm * wRow + o4];
    let ab = cv[p.offA / 4u + mm * wRow + o4 + 1u];
    for (var nn = 0u; nn < NB; nn++) {
${each((q) => `      var c${q}a = vec4u(0u);\n      var c${q}b = vec4u(0u);`)}
      for (var ky = 0u; ky < KH; ky++) {
        for (var kx = 0u; kx < KW; kx++) {
          let tap = ky * KW + kx;
          let hat = hb + ky * ${g.dh}u * HW + kx * ${g.dw}u;
          for (var w = 0u; w < W32; w++) {
            let wi = ((tap * W32 + w) * MB + mm) * wRow + o4;
            let wa = wts[wi];
            let wb = wts[wi + 1u];
            let row = (nn * W32 + w) * HP + hat;
${each(
  (q) => `            let h${q} = vec4u(hs[row + ${q * pixelStep}u]);
            c${q}a += countOneBits(h${q} ^ wa);
            c${q}b += countOneBits(h${q} ^ wb);`,
)}
          }
        }
      }
      // sum over the valid bits of (1 - 2 (h xor w)): small exact integers
      let bn = cs[p.offB + nn];
${each(
  (q) => `      acc${q}a += (aa * bn) * (valid - 2.0 * vec4f(c${q}a));
      acc${q}b += (ab * bn) * (valid - 2.0 * vec4f(c${q}b));`,
)}
    }
  }
  if (o >= p.cout) { return; }
  let ca = cs[p.offCa];
${each(
  (q) => `  {
    let oy = oy0 + ty + ${(q * PIXEL_LANES) / TILE_W}u;
    let ox = ox0 + tx;
    if (oy < p.outH && ox < p.outW) {
      let base = hb + ${q * pixelStep}u;
      let iy = iy0 + i32((ty + ${(q * PIXEL_LANES) / TILE_W}u) * ${g.sh}u);
      let ix = ix0 + i32(tx * ${g.sw}u);
      var boxQa = 0.0;
      var k = 0u;
      var fixA = vec4f(0.0);
      var fixB = vec4f(0.0);
      for (var ky = 0u; ky < KH; ky++) {
        let rowIn = iy + i32(ky * ${g.dh}u) >= 0 && iy + i32(ky * ${g.dh}u) < i32(p.inH);
        for (var kx = 0u; kx < KW; kx++) {
          boxQa += hq[base + ky * ${g.dh}u * HW + kx * ${g.dw}u];
          if (rowIn && ix + i32(kx * ${g.dw}u) >= 0 && ix + i32(kx * ${g.dw}u) < i32(p.inW)) {
            k++;
          } else {
            let f = p.offFix / 4u + (ky * KW + kx) * wRow + o4;
            fixA += cv[f];
            fixB += cv[f + 1u];
          }
        }
      }
      let qa = boxQa - ca * f32(k * p.cin);
      let pix = (b * p.outH + oy) * p.outW + ox;
      store(cv[p.offFull / 4u + o4] + cv[p.offCw / 4u + o4] * qa + acc${q}a + fixA, o, pix);
      store(cv[p.offFull / 4u + o4 + 1u] + cv[p.offCw / 4u + o4 + 1u] * qa + acc${q}b + fixB, o + 4u, pix);
    }
  }`,
)}
}
`;
}
