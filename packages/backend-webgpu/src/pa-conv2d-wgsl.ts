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
 * One invocation per channel slot of a (pixel, group, 32-channel word), a workgroup = two such
 * words: each invocation reads its one value (consecutive invocations read consecutive floats,
 * so the loads coalesce; an invocation per word reading its 32 values made every warp-wide
 * load touch 32 cache lines, 128 bytes apart) and leaves in workgroup
 * memory which thresholds it lies below and its Q_a. Lane nn < N of each word then gathers the
 * word of plane nn (bit b = 1 = -1 where channel b lies below threshold nn), reading the 32
 * lanes' entries as 8 vec4s, and lane 0 also sums the word's Q_a in channel order (qsum:
 * [pixel][group][w32], the conv adds the words).
 * No per-thread arrays: dynamically indexed ones live in slow local memory on GPUs.
 */
export const BINARIZE_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> planes: array<u32>;
@group(0) @binding(4) var<storage, read_write> qsum: array<f32>;

/**
 * Per invocation (4 a vec4, read back 4 at a time): bit j set where its value lies below
 * threshold j (N <= 16), and its Q_a.
 */
var<workgroup> below: array<vec4u, 16>;
var<workgroup> qa: array<vec4f, 16>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = id.y * p.threadsX + id.x;
  let words = p.batch * p.inH * p.inW * p.groups * p.w32;
  let word = idx / 32u; // (pixel * groups + g) * w32 + w
  let lane = idx % 32u;
  let w = word % p.w32;
  let pg = word / p.w32;
  let g = pg % p.groups;
  let pix = pg / p.groups;
  let cinG = p.cin / p.groups;
  let c = w * 32u + lane;
  // no early return: every invocation must reach the barrier
  var mask = 0u;
  var q = 0.0; // channels past the group's end add nothing
  if (word < words && c < cinG) {
    let v = x[pix * p.cin + g * cinG + c];
    var piece = 0u;
    for (var j = 0u; j < p.n; j++) {
      if (v >= consts[p.offThr + j]) { piece++; } else { mask = mask | (1u << j); }
    }
    q = consts[p.offLvl + piece];
  }
  below[lid / 4u][lid % 4u] = mask;
  qa[lid / 4u][lid % 4u] = q;
  workgroupBarrier();
  if (word >= words || lane >= p.n) { return; }
  let first = (lid - lane) / 4u;
  var bits = 0u;
  var sum = 0.0;
  for (var b = 0u; b < 8u; b++) {
    let m = (below[first + b] >> vec4u(lane)) & vec4u(1u);
    bits = bits | (m.x << (4u * b)) | (m.y << (4u * b + 1u)) | (m.z << (4u * b + 2u)) | (m.w << (4u * b + 3u));
    // in channel order, one add at a time: the same sum as adding the word's values in turn
    let v = qa[first + b];
    sum += v.x;
    sum += v.y;
    sum += v.z;
    sum += v.w;
  }
  planes[(pg * p.n + lane) * p.w32 + w] = bits;
  if (lane == 0u) { qsum[word] = sum; }
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
