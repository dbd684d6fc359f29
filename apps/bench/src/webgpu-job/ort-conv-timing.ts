import { exportOnnx } from '@pabnn/convert';
import { GraphBuilder, tensor } from '@pabnn/ir';
import { medianMs, type TimingOptions } from '../timing.js';
import type { OrtGpuTensor, OrtModule } from './ort-webgpu.js';
import { relativeDifference } from './relative-difference.js';

/** What one ORT layer timing gives: ms per conv, and its output against ours (if given one). */
export interface OrtConvTiming {
  ms: number;
  /** max |ORT - reference| / max |reference| on the same input and weights. */
  differenceVsReference?: number;
}

/**
 * onnxruntime-web WebGPU EP's float conv of one ResNet-18 3x3 layer (stride 1, pad 1, no bias):
 * the one-Conv graph of our float layer (input NHWC [batch, size, size, c], weights OHWI
 * [c, 3, 3, c] = `w`) exported to ONNX as the whole-model rows are (exportOnnx: Transposes at the
 * edges), its input in a GPU buffer of ORT's own device and its output left there
 * (preferredOutputLocation 'gpu-buffer'), so a run is ORT's dispatches and host work, with no
 * upload or read-back. ORT takes one session.run at a time, so a sample awaits `repeat` runs in a
 * row and then the queue (TF.js's and our samples queue their convs without awaiting each): the
 * time per conv is the larger of ORT's GPU time and its host time per run. `reference` (our
 * float conv's output on the same input and weights) checks that ORT computed the same conv.
 */
export async function ortConv3x3Ms(
  ort: OrtModule,
  [batch, size, c]: [number, number, number],
  x: Float32Array,
  w: Float32Array,
  timing: TimingOptions & { repeat: number },
  reference?: Float32Array,
): Promise<OrtConvTiming> {
  const g = new GraphBuilder('conv3x3');
  const input = g.input('x', 'float32', [batch, size, size, c]);
  const weight = g.constant(tensor('float32', [c, 3, 3, c], w), 'w');
  g.output(g.conv2d(input, weight, { padding: 1 }));
  const session = await ort.InferenceSession.create(exportOnnx(g.build()), {
    executionProviders: ['webgpu'],
    preferredOutputLocation: 'gpu-buffer',
  });
  const device = await ort.env.webgpu.device;
  const buffer = device.createBuffer({
    size: x.byteLength,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buffer, 0, x as Float32Array<ArrayBuffer>);
  const feeds = {
    [session.inputNames[0]]: ort.Tensor.fromGpuBuffer(buffer, {
      dataType: 'float32',
      dims: [batch, size, size, c],
    }),
  };
  const run = async () => (await session.run(feeds))[session.outputNames[0]] as OrtGpuTensor;
  try {
    const ms =
      (await medianMs(
        async () => {
          for (let i = 0; i < timing.repeat; i++) (await run()).dispose();
          await device.queue.onSubmittedWorkDone();
        },
        { warmup: 1, ...timing },
      )) / timing.repeat;
    let differenceVsReference: number | undefined;
    if (reference) {
      const out = await run();
      differenceVsReference = relativeDifference((await out.getData()) as Float32Array, reference);
      out.dispose();
    }
    return { ms, differenceVsReference };
  } finally {
    buffer.destroy();
    await session.release();
  }
}
