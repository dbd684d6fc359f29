export * from './errors.js';
export { foldBatchNorm, isChannelBroadcast, transposeDense } from './float-constants.js';
export { batchNormInputs, hasConstantParameters, inputsByName } from './kernel-inputs.js';
export {
  CONV_GEOMETRY_FIELDS,
  type ConvGeometry,
  convGeometry,
  PA_ACTIVATION_CODES,
  paConvGeometry,
} from './pa-conv-geometry.js';
export {
  type DequantizedPAConv,
  dequantizedPAConv,
  isPackablePAConv,
  PA_PARAMETER_INPUTS,
  type PAConvInputs,
  type PAConvParameters,
  paConvInputs,
  paConvParameters,
} from './pa-conv-inputs.js';
export * from './registry.js';
export { loadedCopies, type RegistryCopy } from './registry-copies.js';
export * from './tensors.js';
export type * from './types.js';
