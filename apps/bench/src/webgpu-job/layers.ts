import {
  choosePAConvKernel,
  PA_CONV_KERNELS,
  type PAConvKernel,
  type WebGpuBackend,
} from '@pabnn/backend-webgpu';
import { prepareFloatLayer, preparePALayer } from '../pa-layer.js';
import { tfjsConv3x3Ms } from '../tfjs-conv-timing.js';
import { medianQueuedMs, type TimingOptions } from '../timing.js';
import { type OrtConvTiming, ortConv3x3Ms } from './ort-conv-timing.js';
import { type OrtModule, ortLimitMs, within } from './ort-webgpu.js';
import { relativeDifference } from './relative-difference.js';
import type { LayerRow } from './results.js';

export const BASES: [number, number][] = [
  [1, 1],
  [2, 2],
  [3, 3],
  [4, 5],
];

/**
 * One ResNet-18 3x3 layer (stride 1, pad 1) at one batch: GPU time per conv with the input on
 * the device, TF.js's float conv against our PAConv2D at each (M, N) on each conv kernel
 * (binarize + popcount conv with the fused epilogue). Each sample queues the conv `repeat`
 * times and waits for the queue: ours with WebGpuBackend#finish, TF.js by reading one element
 * of the last output (it has no public queue wait).
 */
export async function timeLayer(
  backends: Record<PAConvKernel, WebGpuBackend>,
  [batch, size, c]: [number, number, number],
  timing: TimingOptions & { repeat: number },
  onRow: (row: LayerRow) => void,
  ort?: OrtModule,
  onNote: (text: string) => void = () => {},
): Promise<{ ortFailed: boolean }> {
  const { x, w, ms: tfjsMs } = await tfjsConv3x3Ms([batch, size, c], timing);
  const layer = `${batch}x${size}x${size}x${c} -> ${c}, 3x3`;
  // the layer's window: the halo kernel is compiled per window (and refuses a node without one)
  const window = { kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, cin: c };
  // our own float Conv2D of the same weights (its default kernel), the float side of ours
  const floatBackend = backends.direct;
  const floatLayer = prepareFloatLayer(floatBackend, [batch, size, c], x, w);
  const oursFloatMs = await medianQueuedMs(
    () => floatLayer.run(),
    () => floatBackend.finish(),
    timing,
  );
  const oursFloat = (await floatBackend.download(floatLayer.out)).data as Float32Array;
  floatLayer.free();
  process.stderr.write(
    `${batch}x${size}x${size}x${c} float Conv2D: ours ${oursFloatMs.toFixed(3)} ms\n`,
  );
  // onnxruntime-web's WebGPU EP on the same conv, checked against ours
  let ortConv: OrtConvTiming | undefined;
  if (ort) {
    try {
      // a GPU promise that never settles must not stall the job (models.ts guards ORT alike)
      ortConv = await within(
        ortConv3x3Ms(ort, [batch, size, c], x, w, timing, oursFloat),
        ortLimitMs(),
        'timing the conv',
      );
      process.stderr.write(
        `${batch}x${size}x${size}x${c} float Conv2D: onnxruntime-web ${ortConv.ms.toFixed(3)} ms, vs ours ${ortConv.differenceVsReference?.toExponential(1)}\n`,
      );
    } catch (error) {
      onNote(
        `onnxruntime-web WebGPU EP could not time the ${batch}x${size}x${size}x${c} conv: ${(error as Error).message}`,
      );
    }
  }
  for (const [m, n] of BASES) {
    // the direct kernel's output (PA_CONV_KERNELS starts with it; it takes every layer)
    let direct: Float32Array | undefined;
    for (const kernel of PA_CONV_KERNELS) {
      // a kernel that does not take this M x N would time another one under its name
      if (choosePAConvKernel({ m, n, groups: 1, window }, kernel) !== kernel) continue;
      const backend = backends[kernel];
      const pa = preparePALayer(backend, m, n, [batch, size, c], x, w);
      const oursMs = await medianQueuedMs(
        () => pa.run(),
        () => backend.finish(),
        timing,
      );
      const out = (await backend.download(pa.out)).data as Float32Array;
      pa.free();
      let differenceVsDirect: number | undefined;
      if (kernel === 'direct') direct = out;
      else if (direct) differenceVsDirect = relativeDifference(out, direct);
      onRow({
        layer,
        batch,
        M: m,
        N: n,
        kernel,
        autoKernel: choosePAConvKernel({ m, n, groups: 1, window }),
        oursMs,
        macs: batch * size * size * c * c * 9,
        tfjsWebgpuMs: tfjsMs,
        ortWebgpuMs: ortConv?.ms,
        ortDifference: ortConv?.differenceVsReference,
        oursFloatMs,
        speedup: tfjsMs / oursMs,
        differenceVsDirect,
      });
      process.stderr.write(
        `${layer} (${m},${n}) ${kernel}: ours ${oursMs.toFixed(3)} ms, TF.js ${tfjsMs.toFixed(3)} ms${differenceVsDirect === undefined ? '' : `, vs direct ${differenceVsDirect.toExponential(1)}`}\n`,
      );
    }
  }
  return { ortFailed: ort !== undefined && ortConv === undefined };
}
