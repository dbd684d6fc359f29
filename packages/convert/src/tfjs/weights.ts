import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { permute } from '@pabnn/ir';
import { ConvertError } from '../errors.js';

export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

export interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

/** A TF.js layers model as read from disk: its model.json and its weights by name. */
export interface TfjsModel {
  modelJson: { modelTopology?: unknown; weightsManifest?: ManifestGroup[]; [key: string]: unknown };
  weights: Map<string, NamedWeight>;
}

/**
 * Cuts the weights out of a manifest's shards: each group's shards are concatenated and
 * read in manifest order. Only float32 weights are supported; anything else is named.
 */
export function parseWeights(
  manifest: unknown,
  shard: (path: string) => Uint8Array,
): Map<string, NamedWeight> {
  if (!Array.isArray(manifest))
    throw new ConvertError(
      'tfjs-manifest',
      'model.json has no weightsManifest array: not a TF.js layers model',
    );
  const weights = new Map<string, NamedWeight>();
  for (const group of manifest as ManifestGroup[]) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ConvertError(
        'tfjs-manifest',
        'a weightsManifest entry needs paths and weights arrays',
      );
    }
    const shards = group.paths.map((p) => shard(String(p)));
    const bytes = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
    let at = 0;
    for (const s of shards) {
      bytes.set(s, at);
      at += s.byteLength;
    }
    let offset = 0;
    for (const entry of group.weights) {
      const name = String(entry?.name);
      if (entry?.dtype !== 'float32' || entry.quantization) {
        throw new ConvertError(
          'tfjs-weight',
          `weight '${name}' is ${entry?.dtype}${entry?.quantization ? ' (quantized)' : ''}; only float32 is supported`,
        );
      }
      if (
        !Array.isArray(entry.shape) ||
        !entry.shape.every((d) => Number.isSafeInteger(d) && d >= 0)
      ) {
        throw new ConvertError(
          'tfjs-weight',
          `weight '${name}' has an invalid shape ${JSON.stringify(entry.shape)}`,
        );
      }
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const end = offset + count * 4;
      if (end > bytes.byteLength) {
        throw new ConvertError(
          'tfjs-weight',
          `weight '${name}' runs past the end of its shards (${end} > ${bytes.byteLength} bytes)`,
        );
      }
      weights.set(name, {
        shape: entry.shape,
        data: new Float32Array(bytes.slice(offset, end).buffer),
      });
      offset = end;
    }
    if (offset !== bytes.byteLength) {
      throw new ConvertError(
        'tfjs-weight',
        `shards of ${group.paths[0]} hold ${bytes.byteLength} bytes, the manifest describes ${offset}`,
      );
    }
  }
  return weights;
}

/** Reads model.json and its shards from disk (Node). */
export function readTfjsModel(modelJsonPath: string): TfjsModel {
  let modelJson: TfjsModel['modelJson'];
  try {
    modelJson = JSON.parse(readFileSync(modelJsonPath, 'utf8'));
  } catch (error) {
    throw new ConvertError(
      'tfjs-json',
      `${modelJsonPath} is not readable JSON: ${(error as Error).message}`,
    );
  }
  const dir = dirname(modelJsonPath);
  return {
    modelJson,
    weights: parseWeights(modelJson?.weightsManifest, (p) => readFileSync(join(dir, p))),
  };
}

/** Keras conv kernel [kh, kw, Cin, Cout] (HWIO) -> our OHWI [Cout, kh, kw, Cin]. */
export function hwioToOhwi(w: NamedWeight): NamedWeight {
  const [kh, kw, cin, cout] = w.shape;
  return { shape: [cout, kh, kw, cin], data: permute(w.data, w.shape, [3, 0, 1, 2]) };
}
