import type { Tensor } from '@pabnn/ir';

/** What the staged convs need of a prepared PAConv2D (weights as stored, staircase decomposed). */
export interface TiledConvParts {
  bits: Tensor; // [M, cout, kh, kw, cin] packed
  scales: ArrayLike<number>; // [cout][M]
  offset: ArrayLike<number>; // [cout]
  perTap: ArrayLike<number>; // sum of Q_w per [cout][tap]
  fullSums: ArrayLike<number>; // per cout, over all taps
  coefficients: ArrayLike<number>; // b_n
  constant: number; // c_a
}

/**
 * Weights and epilogue constants of a conv that counts over every staged bit, taps outside the
 * input staged as 0 (the tiled and halo kernels, groups 1). Weights are re-laid out as
 * [r = (tap, word)][m][cout padded to coutPad] (a block of channels is adjacent vec4s). The
 * shader sums S = sum_{m,n} a_m b_n sum (1 - 2 xor) over `stagedBits` bits per output; the
 * staged bits that are no valid (tap, channel) pair are taken back here, as in
 * docs/PA-METHOD.md ("Zero padding"):
 * - padding channels of a word and steps past the last are 0 in planes and weights: +1 each,
 *   E = stagedBits - taps C of them, so S has sab E too much (sab = sum_m a_m sum_n b_n);
 * - a tap outside the input is staged as 0 bits: its C channels add sab C - 2 sumB aw_{o,t}
 *   with aw_{o,t} = sum_m a_{o,m} popcount(B_{m,o,t}); the sum of Q_w over the valid taps is
 *   the window's minus tapSum_{o,t}. Per invalid tap the shader adds
 *   fix_{o,t} = 2 sumB aw_{o,t} - sab C - c_a tapSum_{o,t}.
 * So y = c_a sumQw_window - sab E + c_w (sum Q_a - c_a k C) + S + sum_{t invalid} fix_{o,t}.
 * `consts` holds a [m][coutPad], c_w, that window constant ('full') and fix [tap][coutPad]
 * at `offsets` (multiples of 4: vec4-aligned), then b_n at offB and c_a at offCa.
 */
export function popcountConvConstants(parts: TiledConvParts, coutPad: number, stagedBits: number) {
  const [m, cout, kh, kw, cin] = parts.bits.shape;
  const n = parts.coefficients.length;
  const taps = kh * kw;
  const w32 = Math.ceil(cin / 32);
  const src = parts.bits.data as Uint32Array;
  const relaid = new Uint32Array(taps * w32 * m * coutPad);
  const aw = new Float64Array(taps * coutPad);
  for (let j = 0; j < m; j++)
    for (let o = 0; o < cout; o++)
      for (let t = 0; t < taps; t++)
        for (let w = 0; w < w32; w++) {
          const word = src[((j * cout + o) * taps + t) * w32 + w];
          relaid[((t * w32 + w) * m + j) * coutPad + o] = word;
          aw[t * coutPad + o] += parts.scales[o * m + j] * popcount(word);
        }
  const extra = stagedBits - taps * cin; // E above
  let sumB = 0;
  for (let i = 0; i < n; i++) sumB += parts.coefficients[i];
  const ca = parts.constant;
  const a = new Float32Array(m * coutPad);
  const cw = new Float32Array(coutPad);
  const full = new Float32Array(coutPad);
  const fix = new Float32Array(taps * coutPad);
  for (let o = 0; o < cout; o++) {
    let sumA = 0;
    for (let j = 0; j < m; j++) {
      a[j * coutPad + o] = parts.scales[o * m + j];
      sumA += parts.scales[o * m + j];
    }
    cw[o] = parts.offset[o];
    const sab = sumA * sumB;
    full[o] = ca * parts.fullSums[o] - sab * extra;
    for (let t = 0; t < taps; t++)
      fix[t * coutPad + o] =
        2 * sumB * aw[t * coutPad + o] - sab * cin - ca * parts.perTap[o * taps + t];
  }
  // per-channel arrays first (lengths multiples of 4: vec4-aligned), the scalars last
  const arrays = [a, cw, full, fix];
  const offsets: number[] = [];
  let at = 0;
  for (const part of arrays) {
    offsets.push(at);
    at += part.length;
  }
  const consts = new Float32Array(at + n + 1);
  arrays.forEach((part, i) => consts.set(part, offsets[i]));
  consts.set(Array.from(parts.coefficients), at);
  consts[at + n] = ca;
  return { relaid, consts, offsets, offB: at, offCa: at + n };
}

function popcount(v: number): number {
  let count = 0;
  for (let x = v >>> 0; x; x &= x - 1) count++;
  return count;
}
