export { ConvertError } from './errors.js';
export { exportOnnx, ONNX_EXPORT_OPS } from './onnx/export.js';
export type { ExportOnnxOptions } from './onnx/export-context.js';
export { decodeOnnx, importOnnx, ONNX_IMPORT_OPS, ONNX_OPSETS } from './onnx/import.js';
export { foldBatchNorm } from './passes/fold-batchnorm.js';
export { foldPad } from './passes/fold-pad.js';
export { type SimplifyReport, simplify } from './passes/simplify.js';
export { imageToInput, type Preprocess, type RgbaImage } from './preprocess.js';
export { type PTQOptions, quantizeGraph } from './quantize/ptq.js';
export { importTfjsLayers, TFJS_LAYERS } from './tfjs/import.js';
export {
  hwioToOhwi,
  type NamedWeight,
  parseWeights,
  type TfjsModel,
} from './tfjs/weights.js';
