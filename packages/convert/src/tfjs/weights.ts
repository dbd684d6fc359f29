import { checkLimit, type Limits, permute, resolveLimits } from '@pabnn/ir';
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

/** A TF.js layers model: its model.json and its weights by name (read-model.ts reads one from disk). */
export interface TfjsModel {
  modelJson: { modelTopology?: unknown; weightsManifest?: ManifestGroup[]; [key: string]: unknown };
  weights: Map<string, NamedWeight>;
}

/** Checks a group's entries and returns the bytes its shards must hold together. */
function groupBytes(group: ManifestGroup, limits: Limits): number {
  let bytes = 0;
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
    checkLimit(limits, 'maxTensorElements', count, `weight '${name}': its element count`);
    bytes += count * 4;
  }
  return bytes;
}

/**
 * Cuts the weights out of a manifest's shards: each group's shards are concatenated and
 * read in manifest order. Only float32 weights are supported; anything else is named. With
 * `size`, the shards' sizes are checked against the manifest before any shard is read.
 */
export function parseWeights(
  manifest: unknown,
  shard: (path: string) => Uint8Array,
  size?: (path: string) => number,
  limits: Limits = resolveLimits(),
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
    const paths = group.paths.map(String);
    const described = groupBytes(group, limits);
    if (size) {
      const held = paths.reduce((n, p) => n + size(p), 0);
      if (held !== described) {
        throw new ConvertError(
          'tfjs-shard',
          `shards ${paths.join(', ')} hold ${held} bytes, the manifest describes ${described}`,
        );
      }
    }
    const shards = paths.map((p) => shard(p));
    const bytes = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
    let at = 0;
    for (const s of shards) {
      bytes.set(s, at);
      at += s.byteLength;
    }
    let offset = 0;
    for (const entry of group.weights) {
      const name = String(entry.name);
      const end = offset + entry.shape.reduce((a, b) => a * b, 1) * 4;
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

/** Keras conv kernel [kh, kw, Cin, Cout] (HWIO) -> our OHWI [Cout, kh, kw, Cin]. */
export function hwioToOhwi(w: NamedWeight): NamedWeight {
  const [kh, kw, cin, cout] = w.shape;
  return { shape: [cout, kh, kw, cin], data: permute(w.data, w.shape, [3, 0, 1, 2]) };
}
