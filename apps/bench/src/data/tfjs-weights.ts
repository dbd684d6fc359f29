import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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

interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

/**
 * Reads the weights of a TF.js layers model (model.json + binary shards) from disk, with no
 * TF.js involved: each manifest group's shards are concatenated and cut in manifest order.
 * Only float32 weights are read; anything else is reported by name.
 */
export function readTfjsWeights(modelJsonPath: string): Map<string, NamedWeight> {
  const model = JSON.parse(readFileSync(modelJsonPath, 'utf8')) as {
    weightsManifest?: ManifestGroup[];
  };
  if (!Array.isArray(model.weightsManifest)) {
    throw new Error(`${modelJsonPath} has no weightsManifest: not a TF.js layers model`);
  }
  const dir = dirname(modelJsonPath);
  const weights = new Map<string, NamedWeight>();
  for (const group of model.weightsManifest) {
    const shards = group.paths.map((p) => readFileSync(join(dir, p)));
    const bytes = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
    let at = 0;
    for (const shard of shards) {
      bytes.set(shard, at);
      at += shard.byteLength;
    }
    let offset = 0;
    for (const entry of group.weights) {
      if (entry.dtype !== 'float32' || entry.quantization) {
        throw new Error(
          `weight '${entry.name}' is ${entry.dtype}${entry.quantization ? ' (quantized)' : ''}; only float32 is supported`,
        );
      }
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const end = offset + count * 4;
      if (end > bytes.byteLength) {
        throw new Error(
          `weight '${entry.name}' runs past the end of its shards (${end} > ${bytes.byteLength} bytes)`,
        );
      }
      weights.set(entry.name, {
        shape: entry.shape,
        data: new Float32Array(bytes.slice(offset, end).buffer),
      });
      offset = end;
    }
    if (offset !== bytes.byteLength) {
      throw new Error(
        `shards of ${group.paths[0]} hold ${bytes.byteLength} bytes, the manifest describes ${offset}`,
      );
    }
  }
  return weights;
}

/** Keras conv kernel [kh, kw, Cin, Cout] (HWIO) -> our OHWI [Cout, kh, kw, Cin]. */
export function hwioToOhwi(w: NamedWeight): NamedWeight {
  const [kh, kw, cin, cout] = w.shape;
  const out = new Float32Array(w.data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) {
          out[((o * kh + y) * kw + x) * cin + i] = w.data[((y * kw + x) * cin + i) * cout + o];
        }
  return { shape: [cout, kh, kw, cin], data: out };
}
