import { relativeMaxError } from '@pabnn/backend/conformance';
import { exportOnnx } from '@pabnn/convert';
import { type Graph, save, tensor } from '@pabnn/ir';
import { Session } from '@pabnn/runtime';
import { TrainableModel } from '@pabnn/train';
import { createModel, type InputKind } from '@pabnn/zoo';
import * as tf from '@tensorflow/tfjs-core';
import { wave } from '../tfjs-conv-timing.js';
import { medianMs, type TimingOptions } from '../timing.js';
import { BASES } from './layers.js';
import { type OrtModule, ortLimitMs, within } from './ort-webgpu.js';
import type { ModelRow } from './results.js';

export interface ModelPlan {
  input: InputKind;
  batches: number[];
  timing: TimingOptions;
  /** onnxruntime-web with its WebGPU EP, or why it cannot run (then no ORT rows). */
  ort: OrtModule | { unavailable: string };
  onRow(row: ModelRow): void;
  onNote(note: string): void;
  /** performance.now() past which no further model is started (the rows so far are kept). */
  deadline: number;
}

const row = (r: Omit<ModelRow, 'imagesPerSecond'>): ModelRow => ({
  ...r,
  imagesPerSecond: (1000 * r.batch) / r.ms,
});

/**
 * Whole ResNet-18, end to end at each batch (host input in, host logits out: upload, every
 * layer, read-back), as latency (ms a batch) and throughput (images/s): TF.js webgpu running the
 * zoo's float ResNet-18 (seeded weights) through @pabnn/train's TrainableModel, our Session on
 * the webgpu backend (the same float weights and the zoo's PA models at (1,1), (2,2), (4,5)),
 * then onnxruntime-web's WebGPU EP on the same float weights exported to ONNX.
 */
export async function timeModels(plan: ModelPlan): Promise<void> {
  const tfModel = new TrainableModel('resnet18', { input: plan.input });
  await tfModel.prepare();
  const shapeOf = (batch: number) =>
    [batch, ...tfModel.graph.inputs[0].shape.slice(1)] as [number, number, number, number];
  const inputs = new Map(
    plan.batches.map((b) => [
      b,
      wave(
        shapeOf(b).reduce((a, c) => a * c, 1),
        3,
      ),
    ]),
  );
  const reference = new Map<number, Float32Array>();
  for (const batch of plan.batches) {
    const x = inputs.get(batch)!;
    const run = async () => {
      const logits = tf.tidy(() => tfModel.forward(tf.tensor4d(x, shapeOf(batch)), false));
      const data = (await logits.data()) as Float32Array;
      logits.dispose();
      return data;
    };
    const ms = await medianMs(run, plan.timing);
    reference.set(batch, await run());
    plan.onRow(row({ runtime: 'tfjs-webgpu', model: 'resnet18', M: null, N: null, batch, ms }));
    process.stderr.write(`TF.js webgpu float batch ${batch}: ${ms.toFixed(2)} ms\n`);
  }
  const floatGraph = await tfModel.toGraph();
  tfModel.dispose();
  const models: [Graph, number | null, number | null][] = [
    [floatGraph, null, null],
    ...BASES.map(([m, n]): [Graph, number, number] => [
      createModel('pa_resnet18', { input: plan.input, weightBases: m, activationBases: n }),
      m,
      n,
    ]),
  ];
  for (const [graph, m, n] of models) {
    if (performance.now() > plan.deadline) {
      plan.onNote(
        `time budget spent: ${m === null ? 'float' : `PA ${m}x${n}`} and later models skipped.`,
      );
      break;
    }
    const session = await Session.create(graph, { backend: 'webgpu' });
    const output = graph.outputs[0];
    for (const batch of plan.batches) {
      const feeds = {
        [graph.inputs[0].name]: tensor('float32', shapeOf(batch), inputs.get(batch)!),
      };
      const ms = await medianMs(() => session.run(feeds, { outputs: [output] }), plan.timing);
      const logits = m === null ? (await session.run(feeds))[output].data : undefined;
      plan.onRow(
        row({
          runtime: 'ours',
          model: m === null ? 'resnet18' : 'pa_resnet18',
          M: m,
          N: n,
          batch,
          ms,
          modelBytes: save(graph).length,
          fallbacks: session.profile().fallbacks.length,
          errorVsTfjs: logits ? relativeMaxError(logits, reference.get(batch)!) : undefined,
        }),
      );
      process.stderr.write(
        `ours ${m === null ? 'float' : `PA ${m}x${n}`} batch ${batch}: ${ms.toFixed(2)} ms\n`,
      );
    }
    session.dispose();
  }
  // last of the models: a third-party WebGPU runtime in Node is the part most likely to fail or
  // hang (its layer timings, layers.ts, run under the same time limit)
  if ('unavailable' in plan.ort) plan.onNote(plan.ort.unavailable);
  else if (performance.now() > plan.deadline)
    plan.onNote('time budget spent: onnxruntime-web WebGPU EP skipped.');
  else await timeOrt(plan, plan.ort, floatGraph, inputs, reference, shapeOf);
}

/** onnxruntime-web's WebGPU EP on the float model, one session for every batch (the export keeps the batch dim free). */
async function timeOrt(
  plan: ModelPlan,
  ort: OrtModule,
  graph: Graph,
  inputs: Map<number, Float32Array>,
  reference: Map<number, Float32Array>,
  shapeOf: (batch: number) => number[],
): Promise<void> {
  let session: Awaited<ReturnType<OrtModule['InferenceSession']['create']>>;
  try {
    session = await within(
      ort.InferenceSession.create(exportOnnx(graph), { executionProviders: ['webgpu'] }),
      ortLimitMs() * 1.5,
      'creating the session',
    );
  } catch (error) {
    plan.onNote(
      `onnxruntime-web WebGPU EP: the session failed to start: ${(error as Error).message}`,
    );
    return;
  }
  for (const batch of plan.batches) {
    if (performance.now() > plan.deadline) {
      plan.onNote(`time budget spent: onnxruntime-web WebGPU EP from batch ${batch} on skipped.`);
      break;
    }
    try {
      const feeds = {
        [session.inputNames[0]]: new ort.Tensor('float32', inputs.get(batch)!, shapeOf(batch)),
      };
      const run = () => session.run(feeds);
      const ms = await within(medianMs(run, plan.timing), ortLimitMs(), `timing batch ${batch}`);
      // CPU outputs (the default location): a tensor with its data
      const logits = ((await run())[session.outputNames[0]] as { data: Float32Array }).data;
      plan.onRow(
        row({
          runtime: 'ort-webgpu',
          model: 'resnet18',
          M: null,
          N: null,
          batch,
          ms,
          errorVsTfjs: relativeMaxError(logits, reference.get(batch)!),
        }),
      );
      process.stderr.write(`onnxruntime-web webgpu float batch ${batch}: ${ms.toFixed(2)} ms\n`);
    } catch (error) {
      plan.onNote(
        `onnxruntime-web WebGPU EP failed at batch ${batch}: ${(error as Error).message}`,
      );
    }
  }
  await within(session.release(), 30_000, 'releasing the session').catch(() => undefined);
}
