import { JsBackend } from '@pabnn/backend-js';
import { tensor } from '@pabnn/ir';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { machineInfo } from '../machine.js';
import { preparePALayer } from '../pa-layer.js';
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
  const wr = seeded(7);
  const w = Float32Array.from({ length: cout * k * k * cin }, () => wr() * 0.1);
  const rows = [];
  for (const [m, n] of BASES) {
    const layer = preparePALayer(
      new JsBackend(),
      m,
      n,
      [batch, size, cin],
      x.data as Float32Array,
      w,
    );
    const ms = await medianMs(layer.run);
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
