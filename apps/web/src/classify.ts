import { type Graph, load, tensor } from '@pabnn/ir';
import { modelLabels, modelPreprocess, normalizePixels, Session, topK } from '@pabnn/runtime';

export interface Prediction {
  classIndex: number;
  label: string;
  score: number;
}

export interface Classification {
  top5: Prediction[];
  /** Median of a few runs of the same input, after one warm-up run. */
  ms: number;
  backend: string;
  /** Ops that ran on js because the backend lacks them. */
  fallbacks: number;
}

/** A model opened on one backend; sessions are cached per (model, backend) by the caller. */
export class Classifier {
  private constructor(
    readonly graph: Graph,
    private readonly session: Session,
  ) {}

  /** `threads`: the wasm backend's thread count (it fails where threads are impossible). */
  static async open(bytes: Uint8Array, backend: string, threads = 1): Promise<Classifier> {
    const graph = load(bytes);
    // no silent fallback: the page shows which backend really runs, or why it cannot
    const session = await Session.create(graph, {
      backend,
      fallback: false,
      backendOptions: backend === 'wasm' ? { threads } : undefined,
    });
    return new Classifier(graph, session);
  }

  /**
   * The input as the model was trained on it: (pixel * scale - mean) / std from its
   * metadata.preprocess (@pabnn/runtime, as `pabnn run` does), else pixels / 255.
   */
  private input(pixels: Uint8Array) {
    const p = modelPreprocess(this.graph.metadata, 1) ?? { scale: 1 / 255, mean: [0], std: [1] };
    const x = normalizePixels(pixels, 1, p);
    return { [this.graph.inputs[0].name]: tensor('float32', [1, 28, 28, 1], x) };
  }

  async classify(pixels: Uint8Array, repeats = 5): Promise<Classification> {
    const feeds = this.input(pixels);
    let out = await this.session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const started = performance.now();
      out = await this.session.run(feeds);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const logits = out[this.graph.outputs[0]].data;
    // softmax of the logits, so the numbers read as probabilities (as `pabnn run` prints them)
    const top5 = topK(logits, 5, modelLabels(this.graph.metadata)).map((p) => ({
      classIndex: p.classIndex,
      label: p.label,
      score: p.probability,
    }));
    const profile = this.session.profile();
    return {
      top5,
      ms: times[times.length >> 1],
      backend: profile.backend,
      fallbacks: profile.fallbacks.length,
    };
  }

  dispose(): void {
    this.session.dispose();
  }
}
