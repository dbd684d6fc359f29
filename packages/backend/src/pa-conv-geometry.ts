import { type Attrs, resolveWindow } from '@pabnn/ir';

/** The activation after a PAConv2D's epilogue, as the integer code kernels switch on. */
export const PA_ACTIVATION_CODES: Record<string, number> = { none: 0, relu: 1, hardtanh: 2 };

/**
 * The loop bounds of a conv for one input shape, by name, in the order every conv kernel's
 * parameter block starts with (the wasm kernels' generated field indices and the WGSL Params
 * structs are both laid out from this list).
 */
export const CONV_GEOMETRY_FIELDS = [
  'batch',
  'inH',
  'inW',
  'cin',
  'groups',
  'cout',
  'kh',
  'kw',
  'sh',
  'sw',
  'dh',
  'dw',
  'padTop',
  'padLeft',
  'outH',
  'outW',
] as const;

export type ConvGeometry = Record<(typeof CONV_GEOMETRY_FIELDS)[number], number>;

/** The named loop bounds of a conv (PAConv2D or float) with these attributes on this input. */
export function convGeometry(
  attrs: Attrs,
  xShape: readonly number[],
  cout: number,
  kh: number,
  kw: number,
): ConvGeometry {
  const [batch, inH, inW, cin] = xShape;
  const [sh, sw] = attrs.strides as number[];
  const [dh, dw] = attrs.dilations as number[];
  const win = resolveWindow(inH, inW, [kh, kw], attrs, [dh, dw]);
  return {
    batch,
    inH,
    inW,
    cin,
    groups: attrs.groups as number,
    cout,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
    padTop: win.padTop,
    padLeft: win.padLeft,
    outH: win.outH,
    outW: win.outW,
  };
}

/** convGeometry as the i32 words of a parameter block's head, in CONV_GEOMETRY_FIELDS order. */
export function paConvGeometry(
  attrs: Attrs,
  xShape: readonly number[],
  cout: number,
  kh: number,
  kw: number,
): number[] {
  const g = convGeometry(attrs, xShape, cout, kh, kw);
  return CONV_GEOMETRY_FIELDS.map((f) => g[f]);
}
