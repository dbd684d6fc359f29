import * as tf from '@tensorflow/tfjs-core';
import { TrainError } from '../errors.js';
import { readBack } from '../read-back.js';

export type OptimizerName = 'adam' | 'sgd';

/**
 * Adam (Kingma & Ba) or SGD with momentum 0.9, written out so that the learning rate can
 * change every step (schedules) and the moments can be checkpointed and restored exactly.
 */
export class Optimizer {
  private readonly slots: tf.Variable[][];
  step = 0;

  constructor(
    readonly name: OptimizerName,
    private readonly variables: tf.Variable[],
    private readonly weightDecay = 0,
  ) {
    if (name !== 'adam' && name !== 'sgd') {
      throw new TrainError('options', `unknown optimizer '${name}' (use adam or sgd)`);
    }
    const count = name === 'adam' ? 2 : 1;
    this.slots = variables.map((v) =>
      Array.from({ length: count }, () => tf.variable(tf.zerosLike(v), false)),
    );
  }

  apply(grads: tf.NamedTensorMap | tf.Tensor[], learningRate: number): void {
    this.step++;
    const t = this.step;
    tf.tidy(() => {
      this.variables.forEach((v, i) => {
        let g = (Array.isArray(grads) ? grads[i] : grads[v.name]) as tf.Tensor | undefined;
        if (!g) return;
        if (this.weightDecay) g = tf.add(g, tf.mul(v, this.weightDecay));
        const slots = this.slots[i];
        if (this.name === 'sgd') {
          slots[0].assign(tf.add(tf.mul(slots[0], 0.9), g));
          v.assign(tf.sub(v, tf.mul(slots[0], learningRate)));
          return;
        }
        const [m, s] = slots;
        m.assign(tf.add(tf.mul(m, 0.9), tf.mul(g, 0.1)));
        s.assign(tf.add(tf.mul(s, 0.999), tf.mul(tf.square(g), 0.001)));
        const mHat = tf.div(m, 1 - 0.9 ** t);
        const sHat = tf.div(s, 1 - 0.999 ** t);
        v.assign(tf.sub(v, tf.mul(tf.div(mHat, tf.add(tf.sqrt(sHat), 1e-8)), learningRate)));
      });
    });
  }

  async state(): Promise<Float32Array[]> {
    return Promise.all(this.slots.flat().map(async (s) => (await readBack(s)) as Float32Array));
  }

  load(step: number, slots: Float32Array[]): void {
    const flat = this.slots.flat();
    if (slots.length !== flat.length || slots.some((s, i) => s.length !== flat[i].size)) {
      throw new TrainError('checkpoint', 'optimizer state does not match the model');
    }
    flat.forEach((v, i) => {
      v.assign(tf.tensor(slots[i], v.shape));
    });
    this.step = step;
  }

  dispose(): void {
    for (const s of this.slots.flat()) s.dispose();
  }
}
