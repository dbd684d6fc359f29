// WGSL pieces shared by the conv shaders (float and PA), spliced into their bodies. They read
// the Params fields every conv has (the order of paConvGeometry: batch, inH, inW, cin, groups,
// cout, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW) and the invocation index `i`.

/** Output channels one conv invocation computes: one vec4 block, or two. */
export type Lanes = 4 | 8;

/**
 * The host side of outputBlock: the padded channel layout a conv's weights are re-laid into
 * ([...][group][4-channel block]). `lanes` is the padded channel count per pixel (what a weight
 * row holds), `laneOf(o)` where output channel o sits in it, `threadsPerPixel` the invocations.
 */
export function channelBlocks(cout: number, groups: number, lanesPerThread: Lanes) {
  const coutG = cout / groups;
  const perGroup = Math.ceil(coutG / lanesPerThread) * (lanesPerThread / 4);
  const lanes = groups * perGroup * 4;
  return {
    lanes,
    threadsPerPixel: lanes / lanesPerThread,
    laneOf: (o: number) => {
      const g = Math.floor(o / coutG);
      return g * perGroup * 4 + (o - g * coutG);
    },
  };
}

/**
 * Invocation i = (output pixel, `lanes` output channels of one group, lanes 4 or 8): defines
 * pix, ox, oy, b, g (group), coutG, cinG, blocks (4-channel blocks per pixel, a group's rounded
 * up to a multiple of lanes / 4), blk (the invocation's first block) and og (the first block's 4
 * channels within the group; lanes past its end are not written). Weights are laid out per
 * 4-channel block, so an 8-lane invocation reads two adjacent vec4s.
 */
export const outputBlock = (lanes: Lanes) => /* wgsl */ `
  let coutG = p.cout / p.groups;
  let cinG = p.cin / p.groups;
  let perGroup = ((coutG + ${lanes - 1}u) / ${lanes}u) * ${lanes / 4}u;
  let blocks = p.groups * perGroup;
  let perPixel = blocks / ${lanes / 4}u;
  if (i >= p.batch * p.outH * p.outW * perPixel) { return; }
  let blk = (i % perPixel) * ${lanes / 4}u;
  let pix = i / perPixel;
  let ox = pix % p.outW;
  let oy = (pix / p.outW) % p.outH;
  let b = pix / (p.outW * p.outH);
  let g = blk / perGroup;
  let og = (blk % perGroup) * 4u + vec4u(0u, 1u, 2u, 3u);`;

/** `inner` once per tap of the window inside the input, with ky, kx and `at` (its input pixel). */
export const TAPS = (inner: string) => /* wgsl */ `
  for (var ky = 0u; ky < p.kh; ky++) {
    let iy = i32(oy * p.sh + ky * p.dh) - i32(p.padTop);
    if (iy < 0 || iy >= i32(p.inH)) { continue; }
    for (var kx = 0u; kx < p.kw; kx++) {
      let ix = i32(ox * p.sw + kx * p.dw) - i32(p.padLeft);
      if (ix < 0 || ix >= i32(p.inW)) { continue; }
      let at = (b * p.inH + u32(iy)) * p.inW + u32(ix);
${inner}
    }
  }`;
