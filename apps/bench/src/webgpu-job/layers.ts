import type { WebGpuBackend } from '@pabnn/backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { preparePALayer } from '../pa-layer.js';
import { medianQueuedMs, type TimingOptions } from '../timing.js';
import type { LayerRow } from './results.js';

export const BASES: [number, number][] = [
  [1, 1],
  [2, 2],
  [4, 5],
];

const wave = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.01 + seed));

/** The kernel 'auto' picks for a 3x3 groups-1 layer at M x N (pa-conv2d-variant.ts: tiled from M N = 4). */
const autoKernel = (m: number, n: number) => (m * n >= 4 ? 'tiled' : 'direct');

/**
 * One ResNet-18 3x3 layer (stride 1, pad 1) at one batch: GPU time per conv with the input on
 * the device, TF.js's float conv against our PAConv2D at each (M, N) on each conv kernel
 * (binarize + popcount conv with the fused epilogue). Each sample queues the conv `repeat`
 * times and waits for the queue: ours with WebGpuBackend#finish, TF.js by reading one element
 * of the last output (it has no public queue wait).
 */
export async function timeLayer(
  backends: Record<'direct' | 'tiled', WebGpuBackend>,
  [batch, size, c]: [number, number, number],
  timing: TimingOptions & { repeat: number },
  onRow: (row: LayerRow) => void,
): Promise<void> {
  const x = wave(batch * size * size * c, 1);
  const w = wave(c * c * 9, 2).map((v) => v * 0.1);
  const tx = tf.tensor4d(x, [batch, size, size, c]);
  const tw = tf.tensor4d(w, [3, 3, c, c]);
  let last: tf.Tensor | undefined;
  const tfjsMs = await medianQueuedMs(
    () => {
      last?.dispose();
      last = tf.conv2d(tx, tw, 1, 'same');
    },
    async () => {
      const one = tf.slice(last!, [0, 0, 0, 0], [1, 1, 1, 1]);
      await one.data();
      one.dispose();
    },
    timing,
  );
  last?.dispose();
  tx.dispose();
  tw.dispose();
  const layer = `${batch}x${size}x${size}x${c} -> ${c}, 3x3`;
  for (const [m, n] of BASES)
    for (const kernel of ['direct', 'tiled'] as const) {
      const backend = backends[kernel];
      const pa = preparePALayer(backend, m, n, [batch, size, c], x, w);
      const oursMs = await medianQueuedMs(
        () => pa.run(),
        () => backend.finish(),
        timing,
      );
      pa.free();
      onRow({
        layer,
        batch,
        M: m,
        N: n,
        kernel,
        autoKernel: autoKernel(m, n),
        oursMs,
        tfjsWebgpuMs: tfjsMs,
        speedup: tfjsMs / oursMs,
      });
      process.stderr.write(
        `${layer} (${m},${n}) ${kernel}: ours ${oursMs.toFixed(3)} ms, TF.js ${tfjsMs.toFixed(3)} ms\n`,
      );
    }
}
