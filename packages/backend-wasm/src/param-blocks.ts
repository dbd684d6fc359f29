import { BackendError, CONV_GEOMETRY_FIELDS } from '@pabnn/backend';

/**
 * The i32 parameter blocks the kernels of asm/ read their arguments from, by name. This list is
 * the one source of each block's layout: the build (scripts/build-wasm.mjs) generates the
 * field indices the AssemblyScript kernels use (asm/generated/), and `writeParams` fills a
 * block from an object whose keys TypeScript checks against the same list, so no field is
 * wired by position on either side.
 */
export interface ParamBlock<F extends string = string> {
  /** The generated AssemblyScript file's name (asm/generated/<name>.ts). */
  name: string;
  fields: readonly F[];
}

function block<const F extends string>(name: string, fields: readonly F[]): ParamBlock<F> {
  return { name, fields };
}

/** Every conv block ends with the output rows [rowBegin, rowEnd) one thread computes. */
const ROWS = ['rowBegin', 'rowEnd'] as const;

/** asm/pa-conv-tiled.ts convTiled(): one-group PAConv2D (pa-conv2d.ts lays out the data). */
export const PA_TILED_PARAMS = block('pa-tiled-params', [
  ...CONV_GEOMETRY_FIELDS,
  'm', // weight bases
  'n', // activation bases (planes)
  'tapBits', // bits a tap takes in a gathered row: cin rounded up to 8, 16, 32 or a multiple of 64
  'rowWords', // u64 words of a gathered row: taps * tapBits / 64, rounded up
  'micro', // the micro-kernel: MICRO_KERNELS of kernel-choice.ts
  'act', // PA_ACTIVATION_CODES
  'planes', // u64 [pixel][n][w64] activation bit-planes (binarize())
  'qsum', // f64 [pixel]: the staircase's constant part summed over channels
  'weights', // u64 [block of 8][m][rowWords][12] (asm/pa-tiled-block.ts WORD_BYTES)
  'tailWeights', // [block][m][32 bytes]: the rows' last words in lanes (asm/pa-short-tail.ts), or 0
  'ab', // f32 [block][m][n][8]: -2 a_{o,m} b_n
  'cw', // f32 [cout rounded up to 8]: weight offsets c_w
  'gTap', // f64 [cout][taps]: per-tap part of E
  'g0', // f64 [cout]: whole-window part of E
  'ca', // f64 scalar: the activation staircase's constant
  'scale', // f32 [cout] or 0
  'bias', // f32 [cout] or 0
  'out', // f32 NHWC
  'scratch', // one thread's work bytes (workBytes() in pa-conv2d.ts)
  'blockBegin', // the blocks of 8 output channels [blockBegin, blockEnd) this thread computes
  'blockEnd',
  ...ROWS,
]);

/** asm/pa-conv.ts conv(): grouped and depthwise PAConv2D. */
export const PA_GROUPED_PARAMS = block('pa-grouped-params', [
  ...CONV_GEOMETRY_FIELDS,
  'm',
  'n',
  'w64', // u64 words per tap and plane
  'act',
  'planes',
  'qsum',
  'weights', // u64 [o][m][tap][w64]
  'a', // f64 [cout][m]
  'cw', // f64 [cout]
  'tapSum', // f64 [cout][taps]
  'b', // f64 [n]
  'ca', // f64 scalar
  'scale',
  'bias',
  'out',
  'scratch',
  'fullTapSum', // f64 [cout]: tap sums over the whole window (interior pixels)
  ...ROWS,
]);

/** asm/float-ops.ts conv2dF32(): float convs. */
export const CONV_F32_PARAMS = block('conv-f32-params', [
  ...CONV_GEOMETRY_FIELDS,
  'x', // f32 NHWC
  'weights', // f32 [group][ky][kx][cinG][coutG]; [ky][kx][c] when depthwise
  'bias', // f32 [cout] or 0
  'y', // f32 NHWC
  'patches', // f32 [4][kh * kw * cin] scratch (the patches path), or 0
  'path', // FLOAT_CONV_PATHS of kernel-choice.ts
  'act', // PA_ACTIVATION_CODES, applied by the patches path only (0 on every other)
  ...ROWS,
]);

/** asm/float-ops.ts poolF32(). */
export const POOL_F32_PARAMS = block('pool-f32-params', [
  'batch',
  'inH',
  'inW',
  'c',
  'kh',
  'kw',
  'sh',
  'sw',
  'padTop',
  'padLeft',
  'outH',
  'outW',
  'mode', // 0 max, 1 average over the taps inside, 2 average counting the padding
  'x',
  'y',
]);

export const PARAM_BLOCKS: readonly ParamBlock[] = [
  PA_TILED_PARAMS,
  PA_GROUPED_PARAMS,
  CONV_F32_PARAMS,
  POOL_F32_PARAMS,
];

/** Bytes of one block. */
export function paramBytes(b: ParamBlock): number {
  return b.fields.length * 4;
}

/** Writes every field of block `b` at byte offset `at` of `memory`. */
export function writeParams<F extends string>(
  memory: WebAssembly.Memory,
  at: number,
  b: ParamBlock<F>,
  values: Record<F, number>,
): void {
  const words = new Int32Array(memory.buffer, at, b.fields.length);
  b.fields.forEach((f, i) => {
    const v = values[f];
    // a missing or fractional field would be read as 0 or truncated: a silently wrong conv
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31)
      throw new BackendError('invalid-params', `${b.name}: field '${f}' is ${v}, not an i32`);
    words[i] = v;
  });
}

/** 'rowBegin' -> 'ROW_BEGIN', 'w64' -> 'W64'. */
export function constantName(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/** The AssemblyScript source of a block's field indices (what the build writes to asm/generated/). */
export function asmSource(b: ParamBlock): string {
  const lines = b.fields.map((f, i) => `export const ${constantName(f)}: i32 = ${i};`);
  return `// Generated from src/param-blocks.ts by scripts/build-wasm.mjs: do not edit.\n${lines.join('\n')}\nexport const FIELDS: i32 = ${b.fields.length};\n`;
}
