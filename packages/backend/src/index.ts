export * from './errors.js';
export { foldBatchNorm, transposeDense } from './float-constants.js';
export { inputsByName } from './kernel-inputs.js';
export {
  CONV_GEOMETRY_FIELDS,
  type ConvGeometry,
  convGeometry,
  PA_ACTIVATION_CODES,
  paConvGeometry,
} from './pa-conv-geometry.js';
export * from './registry.js';
export * from './tensors.js';
export type * from './types.js';
