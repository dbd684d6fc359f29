// WGSL of the binarize the halo conv (pa-conv2d-halo-wgsl.ts) reads: one invocation per
// 32-channel word, all N bit-planes of it and its sum of Q_a in one pass. The generic
// BINARIZE_WGSL (pa-conv2d-wgsl.ts) walks (word, plane) pairs and, per float, loops over the
// thresholds and looks the level up in storage: dependent loads in the inner loop. Here N is a
// constant, so the thresholds and levels are loaded into registers once (unrolled, no
// per-invocation arrays: dynamically indexed ones live in slow local memory on GPUs), and each
// float is compared N times with no load.

const range = (k: number) => Array.from({ length: k }, (_, i) => i);

/** Words (32 channels of one pixel) a workgroup binarizes: its invocations. */
export const BINARIZE_WORDS = 64;

/**
 * WGSL pieces of the per-word binarize, shared with the fused halo conv: `thresholds` loads the
 * N thresholds thr0.. and N + 1 levels lvl0.. from `consts` at offThr / offLvl (Params fields)
 * into registers and declares the plane words bits0..; `float` binarizes float v into bit
 * `bit` of each and adds its level to `sum`; `planeWords` lists the words.
 */
export const binarizeSnippets = (n: number) => ({
  thresholds: [
    ...range(n).map((j) => `  let thr${j} = consts[p.offThr + ${j}u];`),
    ...range(n + 1).map((j) => `  let lvl${j} = consts[p.offLvl + ${j}u];`),
  ].join('\n'),
  words: range(n)
    .map((j) => `  var bits${j} = 0u;`)
    .join('\n'),
  float: [
    '    var piece = 0u;',
    ...range(n).map(
      (j) => `    let above${j} = v >= thr${j};
    bits${j} = bits${j} | select(bit, 0u, above${j});
    piece += select(0u, 1u, above${j});`,
    ),
    '    var level = lvl0;',
    ...range(n).map((j) => `    level = select(level, lvl${j + 1}, piece == ${j + 1}u);`),
    '    sum += level;',
  ].join('\n'),
  planeWords: range(n).map((j) => `bits${j}`),
});

/**
 * The kernel for N thresholds, groups 1. `staged` (cin a multiple of 32): the workgroup's 64
 * words are one run of 2048 floats, copied into workgroup memory by consecutive invocations
 * reading consecutive floats (coalesced), rows padded to 33 floats so each invocation's reads of
 * its own row hit distinct banks; otherwise each invocation reads its word's floats from storage.
 * Planes [pixel][n][w32], qsum [pixel][w32]; bit 1 = -1 where the float is not >= the threshold
 * (NaN too). Dispatch: words / 64 workgroups folded into x and y (groupsX).
 */
export function binarizeWordsWgsl(n: number, staged: boolean): string {
  const snip = binarizeSnippets(n);
  const stores = snip.planeWords
    .map((bits, j) => `  planes[(pix * ${n}u + ${j}u) * p.w32 + w] = ${bits};`)
    .join('\n');
  return /* wgsl */ `
struct Params {
  words: u32, cin: u32, w32: u32, groupsX: u32,
  offThr: u32, offLvl: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> consts: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> planes: array<u32>;
@group(0) @binding(4) var<storage, read_write> qsum: array<f32>;
${staged ? 'var<workgroup> tile: array<f32, 2112>; // 64 words x 33' : ''}

@compute @workgroup_size(${BINARIZE_WORDS})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let first = (wg.y * p.groupsX + wg.x) * ${BINARIZE_WORDS}u;
${
  staged
    ? `  for (var k = 0u; k < 32u; k++) {
    let f = k * ${BINARIZE_WORDS}u + lid;
    if (first + f / 32u < p.words) { tile[(f / 32u) * 33u + f % 32u] = x[first * 32u + f]; }
  }
  workgroupBarrier();`
    : ''
}
  let word = first + lid;
  if (word >= p.words) { return; }
  let w = word % p.w32;
  let pix = word / p.w32;
${staged ? '' : '  let count = min(32u, p.cin - w * 32u);'}
${snip.thresholds}
${snip.words}
  var sum = 0.0;
  for (var b = 0u; b < ${staged ? '32u' : 'count'}; b++) {
    let v = ${staged ? 'tile[lid * 33u + b]' : 'x[pix * p.cin + w * 32u + b]'};
    let bit = 1u << b;
${snip.float}
  }
${stores}
  qsum[word] = sum;
}
`;
}
