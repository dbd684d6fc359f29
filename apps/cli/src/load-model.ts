import { readFileSync, statSync } from 'node:fs';
import { importOnnx, importTfjsLayers, readTfjsModel } from '@pabnn/convert';
import { type Graph, load } from '@pabnn/ir';
import { UsageError } from './errors.js';

/** Reads a .pabnn, .onnx or TF.js model.json file as an IR graph, by its extension. */
export function loadModel(path: string): Graph {
  try {
    statSync(path);
  } catch {
    throw new UsageError(`no such file: ${path}`);
  }
  if (path.endsWith('.pabnn')) return load(readFileSync(path));
  if (path.endsWith('.onnx')) return importOnnx(readFileSync(path));
  if (path.endsWith('.json')) return importTfjsLayers(readTfjsModel(path));
  throw new UsageError(`${path}: expected a .pabnn, .onnx or TF.js model.json file`);
}
