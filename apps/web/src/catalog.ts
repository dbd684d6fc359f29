// What the app offers: the shipped models and sample images that scripts/prepare-assets.mjs
// copied into public/ at build time (the app makes no other requests).

export interface ModelEntry {
  file: string;
  dataset: string;
  model: string;
  /** 'float', 'xnor-1x1', 'abc-3x3', 'pa-4x5', ... */
  scheme: string;
  bytes: number;
  /** Top-1 on the full test set, measured by TF.js when the model was trained. */
  top1?: number;
}

export interface Sample {
  id: string;
  dataset: string;
  label: number;
  className: string;
  /** 28x28 grey pixels. */
  pixels: Uint8Array;
}

async function json<T>(path: string): Promise<T> {
  const response = await fetch(new URL(path, document.baseURI));
  if (!response.ok) throw new Error(`could not load ${path}: HTTP ${response.status}`);
  return response.json() as Promise<T>;
}

export async function loadCatalog(): Promise<{ models: ModelEntry[]; samples: Sample[] }> {
  const models = await json<ModelEntry[]>('models/index.json');
  const raw = await json<(Omit<Sample, 'pixels'> & { pixels: string })[]>('samples.json');
  const samples = raw.map((s) => ({
    ...s,
    pixels: Uint8Array.from(atob(s.pixels), (c) => c.charCodeAt(0)),
  }));
  return { models, samples };
}

// One request per model file, however many backends and the histogram ask for it at once:
// two parallel fetches of the 12.7 MB MobileNet once failed in Chromium's cache (issue #28).
const fetched = new Map<string, Promise<Uint8Array>>();

export function fetchModel(entry: ModelEntry): Promise<Uint8Array> {
  let bytes = fetched.get(entry.file);
  if (!bytes) {
    bytes = fetch(new URL(entry.file, document.baseURI)).then(async (response) => {
      if (!response.ok) throw new Error(`could not load ${entry.file}: HTTP ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    });
    bytes.catch(() => fetched.delete(entry.file)); // a failed fetch can be retried
    fetched.set(entry.file, bytes);
  }
  return bytes;
}

/**
 * The model the page opens with: Fashion-MNIST ResNet-8 at PA (2, 2), fine-tuned at its best rate
 * of the learning-rate sweep (1.2e-2): 89.85 % on the test set, above the shipped float model's
 * 88.68 % (3 epochs; at equal training length float reaches 91.74 %), about twice as fast as
 * onnxruntime-web runs the float model on wasm, and 6.6x smaller (reports/accuracy.md,
 * reports/ablation.md, reports/main.md).
 */
export const RECOMMENDED = 'models/fashion-mnist__resnet8__pa-2x2-lr1.2e-2-bn.pabnn';

/** Top-1 at or below this (10 classes: chance is 10 %) marks a model as no better than chance. */
export const CHANCE_TOP1 = 0.2;
