import { JsBackend } from '@pabnn/backend-js';
import { getOpSchema, resolveAttrs, type Tensor, tensor } from '@pabnn/ir';
import { calibrateFromBatchNorm, quantizeWeights } from '@pabnn/quantizer';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { machineInfo } from '../machine.js';
import { markdownTable, writeReport } from '../reports.js';
import { medianMs } from '../timing.js';

/** The ResNet-18/34 stage-1 layer: 1x56x56x64 -> 64, 3x3, stride 1, pad 1. */
const SHAPE = { batch: 1, size: 56, cin: 64, cout: 64, k: 3 };
const BASES: [number, number][] = [
  [1, 1],
  [2, 2],
  [4, 5],
];

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** The PAConv2D node, prepared once on the js backend, and a run() that computes it. */
function paConv(m: number, n: number, x: Tensor) {
  const r = seeded(7);
  const { cin, cout, k } = SHAPE;
  const w = Float32Array.from({ length: cout * k * k * cin }, () => r() * 0.1);
  const q = quantizeWeights(w, [cout, k, k, cin], { name: 'pa', bases: m });
  const act = calibrateFromBatchNorm(
    { gamma: new Array(cin).fill(1), beta: new Array(cin).fill(0) },
    { name: 'pa', bases: n },
  );
  const inputs = [x, q.bits, q.scales, q.offset, act.thresholds, act.levels];
  const attrs = resolveAttrs(getOpSchema('PAConv2D')!, {
    weightBases: m,
    activationBases: n,
    pads: [1, 1, 1, 1],
  });
  const outInfo = { dtype: 'float32' as const, shape: [1, SHAPE.size, SHAPE.size, cout] };
  const backend = new JsBackend();
  const prepared = backend.prepare(
    {
      name: 'pa',
      op: 'PAConv2D',
      attrs,
      inputs: inputs.map((t) => ({ dtype: t.dtype, shape: t.shape })),
      outputs: [outInfo],
    },
    inputs.map((t, i) => (i > 0 ? t : undefined)),
  );
  const uploaded = inputs.map((t) => backend.upload(t));
  const out = { ...outInfo, buffer: backend.alloc(4 * SHAPE.size * SHAPE.size * cout) };
  return () => backend.run(prepared, uploaded, [out]);
}

/**
 * JS backend PAConv2D against TF.js backend-cpu's float conv2d on the same layer, in this
 * process, one thread each.
 */
export async function runConvJs(): Promise<void> {
  const { batch, size, cin, cout, k } = SHAPE;
  const r = seeded(3);
  const x = tensor(
    'float32',
    [batch, size, size, cin],
    Float32Array.from({ length: batch * size * size * cin }, () => r()),
  );
  await tf.setBackend('cpu');
  const tx = tf.tensor4d(x.data as Float32Array, [batch, size, size, cin]);
  const tw = tf.randomNormal([k, k, cin, cout]) as tf.Tensor4D;
  const tfjsMs = await medianMs(() => {
    const y = tf.conv2d(tx, tw, 1, 'same');
    y.dataSync();
    y.dispose();
  });
  const rows = [];
  for (const [m, n] of BASES) {
    const ms = await medianMs(paConv(m, n, x));
    rows.push({
      weightBases: m,
      activationBases: n,
      ms,
      tfjsCpuFloatMs: tfjsMs,
      speedup: tfjsMs / ms,
    });
    process.stderr.write(
      `PAConv2D (${m},${n}): ${ms.toFixed(2)} ms, tfjs-cpu float ${tfjsMs.toFixed(2)} ms\n`,
    );
  }
  const machine = machineInfo();
  const report = { layer: '1x56x56x64 -> 64, 3x3, stride 1, pad 1', machine, threads: 1, rows };
  writeReport('conv-js.json', report);
  const table = markdownTable(
    ['M x N', 'js PAConv2D (ms)', 'TF.js cpu float conv2d (ms)', 'speed-up'],
    rows.map((row) => [
      `${row.weightBases} x ${row.activationBases}`,
      row.ms.toFixed(2),
      row.tfjsCpuFloatMs.toFixed(2),
      `${row.speedup.toFixed(2)}x`,
    ]),
  );
  writeReport(
    'conv-js.md',
    `# JS backend PAConv2D vs TF.js cpu float conv2d\n\nLayer ${report.layer}, medians, same process, one thread each, on ${machine.cpu} (${machine.cores} cores), Node ${machine.node}, ${machine.date.slice(0, 10)}.\n\n${table}\n\nRegenerate with \`pnpm bench conv-js\`.\n`,
  );
  process.stdout.write(`${table}\n`);
}
