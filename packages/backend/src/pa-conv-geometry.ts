import { type Attrs, resolveWindow } from '@pabnn/ir';

/** The activation after a PAConv2D's epilogue, as the integer code kernels switch on. */
export const PA_ACTIVATION_CODES: Record<string, number> = { none: 0, relu: 1, hardtanh: 2 };

/**
 * The loop bounds every PAConv2D kernel needs for one input shape, in the order the wasm and
 * WGSL kernels read them from their parameter blocks: batch, inH, inW, cin, groups, cout, kh,
 * kw, sh, sw, dh, dw, padTop, padLeft, outH, outW.
 */
export function paConvGeometry(
  attrs: Attrs,
  xShape: readonly number[],
  cout: number,
  kh: number,
  kw: number,
): number[] {
  const [batch, inH, inW, cin] = xShape;
  const [sh, sw] = attrs.strides as number[];
  const [dh, dw] = attrs.dilations as number[];
  const win = resolveWindow(inH, inW, [kh, kw], attrs, [dh, dw]);
  return [
    batch,
    inH,
    inW,
    cin,
    attrs.groups as number,
    cout,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
    win.padTop,
    win.padLeft,
    win.outH,
    win.outW,
  ];
}
