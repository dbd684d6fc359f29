import { type Metadata, PabnnError } from '@pabnn/ir';

/**
 * A model's metadata (`preprocess`, `labels`) is not usable: wrong types, lengths or values.
 * The metadata comes from the model file, so it is untrusted input (SECURITY.md).
 */
export class MetadataError extends PabnnError {}

/**
 * How a model wants its pixels, from its `metadata.preprocess`: input = (pixel * scale -
 * mean[c]) / std[c] for channel c, pixels being 0..255. `mean` and `std` have one value (all
 * channels) or one per channel.
 */
export interface PixelPreprocess {
  scale: number;
  mean: number[];
  std: number[];
}

function finiteList(value: unknown, what: string, channels: number): number[] {
  if (
    !Array.isArray(value) ||
    (value.length !== 1 && value.length !== channels) ||
    !value.every((v) => typeof v === 'number' && Number.isFinite(v))
  ) {
    throw new MetadataError(
      'metadata',
      `metadata.preprocess.${what} must be ${channels === 1 ? '1 finite number' : `1 or ${channels} finite numbers`} (a list), got ${JSON.stringify(value)?.slice(0, 80)}`,
    );
  }
  return value;
}

/**
 * The model's own preprocessing (`metadata.preprocess`), checked, or undefined when the
 * metadata has none. `channels` is the model input's channel count. A malformed entry is a
 * MetadataError (code `metadata`), never NaN inputs.
 */
export function modelPreprocess(metadata: Metadata, channels: number): PixelPreprocess | undefined {
  const p = metadata.preprocess;
  if (p === undefined) return undefined;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw new MetadataError('metadata', 'metadata.preprocess must be an object');
  }
  const { scale = 1 / 255, mean = [0], std = [1] } = p as Record<string, unknown>;
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0) {
    throw new MetadataError('metadata', `metadata.preprocess.scale must be a finite number > 0`);
  }
  const stds = finiteList(std, 'std', channels);
  if (stds.some((s) => s <= 0)) {
    throw new MetadataError('metadata', 'metadata.preprocess.std must be > 0');
  }
  return { scale, mean: finiteList(mean, 'mean', channels), std: stds };
}

/**
 * The model's class names (`metadata.labels`, index = class), or undefined when it has none.
 * Anything but an array of strings is a MetadataError.
 */
export function modelLabels(metadata: Metadata): string[] | undefined {
  const labels = metadata.labels;
  if (labels === undefined) return undefined;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) {
    throw new MetadataError('metadata', 'metadata.labels must be an array of strings');
  }
  return labels;
}

/**
 * Pixels (0..255, interleaved channels: HWC) as the model's input: (v * scale - mean[c]) /
 * std[c]. Without a preprocess the pixels are copied as they are.
 */
export function normalizePixels(
  pixels: ArrayLike<number>,
  channels: number,
  preprocess?: PixelPreprocess,
): Float32Array {
  if (!preprocess) return Float32Array.from(pixels);
  const { scale, mean, std } = preprocess;
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const c = i % channels;
    out[i] = (pixels[i] * scale - mean[mean.length === 1 ? 0 : c]) / std[std.length === 1 ? 0 : c];
  }
  return out;
}

/** Softmax: exp(x_i - max) / sum_j exp(x_j - max), in float64 (subtracting the max avoids overflow). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = Float64Array.from(logits, (v) => Math.exp(v - max));
  const total = out.reduce((a, b) => a + b, 0);
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}

/** One class of a classification: its index, name (the index as text without labels) and probability. */
export interface Prediction {
  classIndex: number;
  label: string;
  probability: number;
}

/**
 * The `k` most probable classes of one image's scores, best first (ties: the lower index).
 * `probabilities: false` (the default) applies softmax to logits; pass true when the model's
 * output already is probabilities (it ends with a Softmax node).
 */
export function topK(
  scores: ArrayLike<number>,
  k: number,
  labels?: readonly string[],
  options: { probabilities?: boolean } = {},
): Prediction[] {
  const p = options.probabilities ? Float64Array.from(scores) : softmax(scores);
  return Array.from(p, (probability, classIndex) => ({
    classIndex,
    label: labels?.[classIndex] ?? String(classIndex),
    probability,
  }))
    .sort((a, b) => b.probability - a.probability || a.classIndex - b.classIndex)
    .slice(0, k);
}
