// PAConv2D's activations by code (PA_ACTIVATION_CODES of @pabnn/backend: 0 none, 1 relu,
// 2 hardtanh), applied in the epilogue of every kernel that writes a PAConv2D's output.

/** activate4() on one value. */
@inline export function activate(v: f32, act: i32): f32 {
  if (act == 1) return v > 0 ? v : 0;
  if (act == 2) return v < -1 ? -1 : v > 1 ? 1 : v;
  return v;
}

/** The PAConv2D activation (PA_ACTIVATION_CODES: 0 none, 1 relu, 2 hardtanh) on four lanes. */
@inline export function activate4(v: v128, act: i32): v128 {
  if (act == 1) return f32x4.pmax(v, f32x4.splat(0));
  if (act == 2) return f32x4.pmin(f32x4.pmax(v, f32x4.splat(-1)), f32x4.splat(1));
  return v;
}
