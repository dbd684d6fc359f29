import { WebGpuBackend } from '@pabnn/backend-webgpu';
import * as tf from '@tensorflow/tfjs-core';
import { machineInfo } from '../machine.js';
import { preparePALayer, RESNET18_3X3_LAYERS } from '../pa-layer.js';
import { markdownTable, writeReport } from '../reports.js';
import { medianMs } from '../timing.js';

const BASES: [number, number][] = [
  [1, 1],
  [2, 2],
  [4, 5],
];

/**
 * Our WGSL PAConv2D against TF.js's webgpu backend running the float conv, on ResNet-18's 3x3
 * layers, on whatever adapter this machine has (named in the report). Both timings include
 * reading the output back. SwiftShader (a CPU) says little about GPUs: batch 32 and the real
 * comparison need a GPU (PABNN_WEBGPU_BATCHES=1,32).
 */
export async function runWebgpu(): Promise<void> {
  const backend = await WebGpuBackend.create();
  // TF.js webgpu looks for navigator.gpu: in Node, our backend's Dawn instance provides it
  const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as { gpu?: GPU };
  if (!nav.gpu) {
    const { getGpu } = await import('@pabnn/backend-webgpu/gpu');
    Object.defineProperty(nav, 'gpu', { value: await getGpu(), configurable: true });
  }
  await import('@tensorflow/tfjs-backend-webgpu');
  await tf.setBackend('webgpu');
  const software = /swiftshader|llvmpipe|lavapipe/i.test(backend.adapterName);
  const batches = (process.env.PABNN_WEBGPU_BATCHES ?? (software ? '1' : '1,32'))
    .split(',')
    .map(Number);
  const rows = [];
  for (const batch of batches) {
    for (const [size, c] of RESNET18_3X3_LAYERS) {
      let s = size * c;
      const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
      const x = Float32Array.from({ length: batch * size * size * c }, r);
      const w = Float32Array.from({ length: c * c * 9 }, () => r() * 0.1);
      const tx = tf.tensor4d(x, [batch, size, size, c]);
      const tw = tf.tensor4d(w, [3, 3, c, c]);
      const tfjsMs = await medianMs(
        async () => {
          const y = tf.conv2d(tx, tw, 1, 'same');
          await y.data();
          y.dispose();
        },
        { warmup: 2, minRuns: 3, minMs: 200 },
      );
      for (const [m, n] of BASES) {
        const pa = preparePALayer(backend, m, n, [batch, size, c], x, w);
        const oursMs = await medianMs(
          async () => {
            pa.run();
            await backend.download(pa.out);
          },
          { warmup: 2, minRuns: 3, minMs: 200 },
        );
        const layer = `${batch}x${size}x${size}x${c} -> ${c}, 3x3`;
        rows.push({
          layer,
          batch,
          M: m,
          N: n,
          oursMs,
          tfjsWebgpuMs: tfjsMs,
          speedup: tfjsMs / oursMs,
        });
        process.stderr.write(
          `${layer} (${m},${n}): ours ${oursMs.toFixed(2)} ms, TF.js webgpu float ${tfjsMs.toFixed(2)} ms\n`,
        );
        pa.free();
      }
      tx.dispose();
      tw.dispose();
    }
  }
  const machine = machineInfo();
  const name = process.env.PABNN_WEBGPU_REPORT ?? 'webgpu';
  writeReport(`${name}.json`, { adapter: backend.adapterName, software, machine, rows });
  const table = markdownTable(
    ['layer', 'M x N', 'ours (ms)', 'TF.js webgpu float (ms)', 'speed-up'],
    rows.map((row) => [
      row.layer,
      `${row.M} x ${row.N}`,
      row.oursMs.toFixed(2),
      row.tfjsWebgpuMs.toFixed(2),
      `${row.speedup.toFixed(2)}x`,
    ]),
  );
  writeReport(
    `${name}.md`,
    `# WGSL PAConv2D vs TF.js webgpu float conv\n\nAdapter: **${backend.adapterName}**${software ? ' (a software rasterizer on the CPU: these numbers say nothing about GPUs)' : ''}; ${machine.cpu}, Node ${machine.node}, ${machine.date.slice(0, 10)}. Medians, both including the read-back of the output.\n\n${table}\n\nRegenerate with \`pnpm bench webgpu\`.\n`,
  );
  process.stdout.write(`${table}\n`);
  backend.dispose();
}
