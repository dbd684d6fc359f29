import type { PAConvPath } from '@pabnn/backend-wasm';
import type { NodeTime } from '../node-profile.js';
import { markdownTable } from '../reports.js';

/**
 * The main report's profile section: each node's mean time (us) per shipped fashion-mnist
 * model on wasm at 1 thread, and the share the binary convs take, which is what bounds the
 * PA rows against the float model.
 */
export function profileSection(
  profiles: ReadonlyMap<string, { nodes: NodeTime[]; runMs: number }>,
  paths: ReadonlyMap<string, ReadonlyMap<string, PAConvPath>>,
): string {
  const schemes = [...profiles.keys()];
  if (schemes.length === 0) return '';
  const first = profiles.get(schemes[0])!;
  const rows = first.nodes.map((n) => [
    n.node,
    n.op,
    ...schemes.map((s) => {
      const t = profiles.get(s)!.nodes.find((m) => m.node === n.node);
      if (!t) return '-';
      const path = paths.get(s)?.get(n.node);
      const mark = path ? { binary: 'PA ', dequantized: 'PA f ' }[path] : '';
      return `${mark}${(1000 * t.ms).toFixed(0)}`;
    }),
  ]);
  const share = (s: string, op: string) => {
    const p = profiles.get(s)!;
    const total = p.nodes.reduce((a, n) => a + n.ms, 0);
    return p.nodes.filter((n) => n.op === op).reduce((a, n) => a + n.ms, 0) / total;
  };
  rows.push(['all nodes (ms)', '', ...schemes.map((s) => sumMs(profiles.get(s)!.nodes))]);
  rows.push(['one run (ms)', '', ...schemes.map((s) => profiles.get(s)!.runMs.toFixed(3))]);
  rows.push([
    'PAConv2D share',
    '',
    ...schemes.map((s) => `${(100 * share(s, 'PAConv2D')).toFixed(0)} %`),
  ]);
  const table = markdownTable(['node', 'op (float model)', ...schemes.map((s) => `${s} us`)], rows);
  return `
## Where the time goes (fashion-mnist models, wasm, 1 thread)

Each node's median time over 300 runs of one image (\`Session#profile\`; "PA" marks the binary convs of the binarized
models, which replace the float model's Conv2D nodes except the stem, "PA f" those the wasm backend runs on its
dequantized path: the float conv of the staircase levels, which costs less than M x N popcount passes there,
packages/backend-wasm/README.md). The session folds each BatchNorm that follows a
conv into it (\`foldBatchNorm\`, docs/DESIGN.md), so no BatchNorm node runs. A binary-path ("PA") layer is
M x N popcount passes over rows of 3 words (16 channels: 2 words and a 16-bit tail, which the
tail micro-kernel counts in 16-bit lanes for 8 channels at once, asm/pa-short-tail.ts) to 9 (64). Timed with parts of the
kernel removed (on this VM, PA 3x3, the 3x3 layers at 28x28x16, 14x14x32 and 7x7x64 and the 1x1 downsampling at
16 channels together, before the 1x1 layers got their one-word micro-kernel): the popcount loop takes about 64 % of their time, the per-(m, n) epilogue (byte counts
reduced, converted, times a_m b_n) about 16 %, and binarizing, gathering and the output epilogue the remaining ~20 %;
on the 28x28x16 layer alone the loop is about half. The loop is the one that reaches 40-79 % of the shared peak tool's
best loop on ResNet-18's wider layers (reports/conv.md): at M x N = 9 (PA 3x3) to 20 (PA 4x5) passes the popcount
loop alone would take about 0.6 to 1.2 ms a run here, about the float model's whole time: which is why those layers
(every layer of PA 4x5, PA 3x3 below 64 channels, the 1x1 downsampling from 2x2 up) now run on the dequantized path
("PA f") at about the float conv's cost; binary layers remain at 1x1, 2x2 and PA 3x3's 64-channel layers.

${table}
`;
}

function sumMs(nodes: NodeTime[]): string {
  return nodes.reduce((a, n) => a + n.ms, 0).toFixed(3);
}
