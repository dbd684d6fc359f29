export { ConvertError } from './errors.js';
export { exportOnnx } from './onnx/export.js';
export { decodeOnnx, importOnnx } from './onnx/import.js';
export { importTfjsLayers } from './tfjs/import.js';
export {
  hwioToOhwi,
  type NamedWeight,
  parseWeights,
  readTfjsModel,
  type TfjsModel,
} from './tfjs/weights.js';
