import { outputBlock, TAPS } from './wgsl-snippets.js';

// WGSL for PAConv2D. Bits are 32 to a u32 word, bit 1 = -1.
// Activation planes: [pixel][group][n][w32]. Weights (re-laid out in prepare):
// [tap][w32][m][group][block of 4 output channels], see CONV_WGSL.
// `consts` holds the float parameters at the offsets given in Params.

const PARAMS = /* wgsl */ `
struct Params {
  threadsX: u32,
  batch: u32, inH: u32, inW: u32, cin: u32,
  groups: u32, cout: u32, kh: u32, kw: u32,
  sh: u32, sw: u32, dh: u32, dw: u32,
  padTop: i32, padLeft: i32, outH: u32, outW: u32,
  m: u32, n: u32, w32: u32, act: u32,
  offA: u32, offCw: u32, offTapSum: u32, offB: u32,
  offCa: u32, offThr: u32, offLvl: u32, offFullSum: u32,
  hasScale: u32, hasBias: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> consts: array<f32>;
`;

/**
 * A workgroup per 64 words of (pixel, group, 32 channels); each invocation computes (word,
 * plane n) pairs, r * 64 + lid for r < N: plane n's bit b is 1 (= -1) where channel b lies
 * below threshold n, and the plane-0 pair also writes the word's sum of Q_a (qsum:
 * [pixel][group][w32], the conv adds the words). Where a group's channels fill whole words
 * (ResNet-18's 64 to 512 channels), the 64 words are one run of 2048 floats: the workgroup
 * first copies it into workgroup memory with consecutive invocations reading consecutive
 * floats (an invocation reading its word's 32 floats itself makes each warp-wide load touch 32
 * cache lines), rows padded to 33 floats so the reads back hit 32 different banks. Other
 * layers read storage. No per-thread arrays: dynamically indexed ones live in slow local
 * memory on GPUs.
 */
export const BINARIZE_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> planes: array<u32>;
@group(0) @binding(4) var<storage, read_write> qsum: array<f32>;

var<workgroup> tile: array<f32, 2112>; // 64 words x 33

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(local_invocation_index) lid: u32) {
  let firstWord = ((id.y * p.threadsX + id.x) / 64u) * 64u;
  let words = p.batch * p.inH * p.inW * p.groups * p.w32;
  let cinG = p.cin / p.groups;
  // uniform: the whole workgroup stages, or none of it
  let staged = cinG % 32u == 0u;
  if (staged) {
    // word firstWord + k starts at float 32 (firstWord + k) when words are whole
    for (var k = 0u; k < 32u; k++) {
      let f = k * 64u + lid;
      if (firstWord + f / 32u < words) { tile[(f / 32u) * 33u + f % 32u] = x[firstWord * 32u + f]; }
    }
  }
  workgroupBarrier();
  for (var r = 0u; r < p.n; r++) {
    let pair = r * 64u + lid;
    let local = pair / p.n;
    let nn = pair % p.n;
    let word = firstWord + local; // (pixel * groups + g) * w32 + w
    if (word >= words) { continue; }
    let w = word % p.w32;
    let pg = word / p.w32;
    let g = pg % p.groups;
    let pix = pg / p.groups;
    let base = pix * p.cin + g * cinG + w * 32u;
    let count = min(32u, cinG - w * 32u);
    let thr = consts[p.offThr + nn];
    var bits = 0u;
    var sum = 0.0;
    for (var b = 0u; b < count; b++) {
      var v: f32;
      if (staged) { v = tile[local * 33u + b]; } else { v = x[base + b]; }
      if (!(v >= thr)) { bits = bits | (1u << b); }
      if (nn == 0u) {
        var piece = 0u;
        for (var j = 0u; j < p.n; j++) { if (v >= consts[p.offThr + j]) { piece++; } }
        sum += consts[p.offLvl + piece];
      }
    }
    planes[(pg * p.n + nn) * p.w32 + w] = bits;
    if (nn == 0u) { qsum[word] = sum; }
  }
}
`;

/**
 * One thread per (output pixel, 8 output channels of one group): over the valid taps,
 *   y = c_a sum Q_w + c_w (sum Q_a - c_a K C) + sum_{m,n} a_m b_n (K C - 2 popcount(H_n xor B_m)),
 * then scale, bias, activation. Weights [tap][w32][m][group][4-channel block] as vec4<u32>,
 * blocks padded past the group's last channel to an even count: one plane word feeds 8
 * XOR/popcounts (countOneBits on two vec4s), and the per-pixel work (valid taps, box sum of
 * Q_a, index arithmetic) is shared by 8 outputs. Lanes run as two vec4 halves (suffix 0 / 1).
 */
export const CONV_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(2) var<storage, read> planes: array<u32>;
@group(0) @binding(3) var<storage, read> qsum: array<f32>;
@group(0) @binding(4) var<storage, read> wbits: array<vec4u>;
@group(0) @binding(5) var<storage, read> scale: array<f32>;
@group(0) @binding(6) var<storage, read> bias: array<f32>;
@group(0) @binding(7) var<storage, read_write> y: array<f32>;

fn lanes(base: u32, o: vec4u) -> vec4f {
  return vec4f(consts[base + o.x], consts[base + o.y], consts[base + o.z], consts[base + o.w]);
}

/** Scale, bias, activation, and the store of the half's channels inside the group. */
fn store(acc: vec4f, o: vec4u, og: vec4u, coutG: u32, out: u32) {
  var v = acc;
  if (p.hasScale == 1u) { v = v * vec4f(scale[o.x], scale[o.y], scale[o.z], scale[o.w]); }
  if (p.hasBias == 1u) { v = v + vec4f(bias[o.x], bias[o.y], bias[o.z], bias[o.w]); }
  if (p.act == 1u) { v = max(v, vec4f(0.0)); } else if (p.act == 2u) { v = clamp(v, vec4f(-1.0), vec4f(1.0)); }
  for (var l = 0u; l < 4u; l++) {
    if (og[l] < coutG) { y[out + o[l]] = v[l]; }
  }
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u) {
  let i = id.y * p.threadsX + id.x;
${outputBlock(8)}
  let og1 = og + vec4u(4u);
  // lanes past the group's end read its last channel and are not written
  let o0 = g * coutG + min(og, vec4u(coutG - 1u));
  let o1 = g * coutG + min(og1, vec4u(coutG - 1u));
  let taps = p.kh * p.kw;
  var k = 0u;
  var boxQa = 0.0;
${TAPS(/* wgsl */ `      k++;
      let q = (at * p.groups + g) * p.w32;
      for (var w = 0u; w < p.w32; w++) { boxQa += qsum[q + w]; }`)}
  // sum of Q_w over the valid taps: precomputed for a window wholly inside the input
  var sumQw0 = lanes(p.offFullSum, o0);
  var sumQw1 = lanes(p.offFullSum, o1);
  if (k < taps) {
    sumQw0 = vec4f(0.0);
    sumQw1 = vec4f(0.0);
${TAPS(/* wgsl */ `      sumQw0 += lanes(p.offTapSum + ky * p.kw + kx, o0 * taps);
      sumQw1 += lanes(p.offTapSum + ky * p.kw + kx, o1 * taps);`)}
  }
  let ca = consts[p.offCa];
  let kc = f32(k * cinG);
  var acc0 = ca * sumQw0 + lanes(p.offCw, o0) * (boxQa - ca * kc);
  var acc1 = ca * sumQw1 + lanes(p.offCw, o1) * (boxQa - ca * kc);
  for (var mm = 0u; mm < p.m; mm++) {
    let am0 = lanes(p.offA + mm, o0 * p.m);
    let am1 = lanes(p.offA + mm, o1 * p.m);
    for (var nn = 0u; nn < p.n; nn++) {
      var pop0 = vec4u(0u);
      var pop1 = vec4u(0u);
${TAPS(/* wgsl */ `      let h = ((at * p.groups + g) * p.n + nn) * p.w32;
      let tap = ky * p.kw + kx;
      for (var w = 0u; w < p.w32; w++) {
        let plane = vec4u(planes[h + w]);
        let wi = ((tap * p.w32 + w) * p.m + mm) * blocks + blk;
        pop0 += countOneBits(plane ^ wbits[wi]);
        pop1 += countOneBits(plane ^ wbits[wi + 1u]);
      }`)}
      let bn = consts[p.offB + nn];
      acc0 += am0 * bn * (kc - 2.0 * vec4f(pop0));
      acc1 += am1 * bn * (kc - 2.0 * vec4f(pop1));
    }
  }
  store(acc0, o0, og, coutG, pix * p.cout);
  store(acc1, o1, og1, coutG, pix * p.cout);
}
`;
