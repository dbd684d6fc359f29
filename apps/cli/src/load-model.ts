import { readFileSync, statSync } from 'node:fs';
import { importOnnx, importTfjsLayers, readTfjsModel } from '@pabnn/convert/node';
import { checkLimit, type Graph, load, resolveLimits } from '@pabnn/ir';
import { UsageError } from './errors.js';

/**
 * Reads a .pabnn, .onnx or TF.js model.json file as an IR graph, by its extension. The file
 * must be a regular file within maxFileBytes, checked before it is read.
 */
export function loadModel(path: string): Graph {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new UsageError(`not a regular file: ${path}`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`no such file: ${path}`);
  }
  checkLimit(resolveLimits(), 'maxFileBytes', size, `${path}: the file size in bytes`);
  if (path.endsWith('.pabnn')) return load(readFileSync(path));
  if (path.endsWith('.onnx')) return importOnnx(readFileSync(path));
  if (path.endsWith('.json')) return importTfjsLayers(readTfjsModel(path));
  throw new UsageError(`${path}: expected a .pabnn, .onnx or TF.js model.json file`);
}
