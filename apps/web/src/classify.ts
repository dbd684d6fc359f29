import { type Graph, load, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';

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

interface Preprocess {
  scale: number;
  mean: number[];
  std: number[];
}

/** A model opened on one backend; sessions are cached per (model, backend) by the caller. */
export class Classifier {
  private constructor(
    readonly graph: Graph,
    private readonly session: Session,
  ) {}

  static async open(bytes: Uint8Array, backend: string): Promise<Classifier> {
    const graph = load(bytes);
    // no silent fallback: the page shows which backend really runs, or why it cannot
    const session = await Session.create(graph, { backend, fallback: false });
    return new Classifier(graph, session);
  }

  /** The input as the model was trained on it: pixel * scale, minus mean, over std. */
  private input(pixels: Uint8Array) {
    const p = this.graph.metadata.preprocess as Preprocess | undefined;
    const scale = p?.scale ?? 1 / 255;
    const mean = p?.mean?.[0] ?? 0;
    const std = p?.std?.[0] ?? 1;
    const x = Float32Array.from(pixels, (v) => (v * scale - mean) / std);
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
    const logits = out[this.graph.outputs[0]].data as Float32Array;
    const labels = (this.graph.metadata.labels as string[] | undefined) ?? [];
    // softmax scores, so the numbers read as probabilities
    const max = Math.max(...logits);
    const exp = Array.from(logits, (v) => Math.exp(v - max));
    const total = exp.reduce((a, b) => a + b, 0);
    const top5 = exp
      .map((e, classIndex) => ({
        classIndex,
        label: labels[classIndex] ?? String(classIndex),
        score: e / total,
      }))
      .sort((a, b) => b.score - a.score)
      .slice(0, 5);
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
