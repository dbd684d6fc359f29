import { exportOnnx } from '@pabnn/convert';
import { GraphBuilder, tensor } from '@pabnn/ir';
import { medianMs, type TimingOptions } from '../timing.js';
import { type OrtGpuTensor, type OrtModule, within } from './ort-webgpu.js';
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
 * row (TF.js's and our samples queue their convs without awaiting each), then waits for all of
 * them on the GPU: ORT's WebGPU backend keeps dispatches in its own encoder and submits them only
 * every 16 or when something is read back, so a one-element run of a second session whose output
 * is read back (flushSession) submits whatever is pending and resolves once the GPU has done it.
 * `reference` (our float conv's output on the same input and weights) checks that ORT computed the
 * same conv.
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
  let buffer: GPUBuffer | undefined;
  let flush: Awaited<ReturnType<typeof flushSession>> | undefined;
  try {
    flush = await flushSession(ort);
    const device = await ort.env.webgpu.device;
    buffer = device.createBuffer({
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
    // each output is a GPU buffer of ORT's: disposed as soon as it is not needed
    const run = async () => (await session.run(feeds))[session.outputNames[0]] as OrtGpuTensor;
    const ms =
      (await medianMs(
        async () => {
          for (let i = 0; i < timing.repeat; i++) (await run()).dispose();
          await flush?.wait();
        },
        { warmup: 1, ...timing },
      )) / timing.repeat;
    if (!reference) return { ms };
    const out = await run();
    try {
      return {
        ms,
        differenceVsReference: relativeDifference(await out.getData(), reference),
      };
    } finally {
      out.dispose();
    }
  } finally {
    buffer?.destroy();
    await within(session.release(), 30_000, 'releasing the session').catch(() => undefined);
    if (flush)
      await within(flush.release(), 30_000, 'releasing the session').catch(() => undefined);
  }
}

/**
 * A second session on ORT's WebGPU backend (one device and one command encoder for all sessions
 * of the process): Relu of one element, its output read back to the CPU. `wait()` runs it, which
 * submits every dispatch queued before it and resolves after the GPU has run them (the read-back
 * waits for the queue), at the cost of one tiny dispatch and a 4-byte read a sample.
 */
async function flushSession(ort: OrtModule) {
  const g = new GraphBuilder('flush');
  g.output(g.relu(g.input('y', 'float32', [1, 1, 1, 1])));
  const session = await ort.InferenceSession.create(exportOnnx(g.build()), {
    executionProviders: ['webgpu'],
  });
  const feeds = {
    [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(1), [1, 1, 1, 1]),
  };
  return {
    wait: () => session.run(feeds),
    release: () => session.release(),
  };
}
