import type { NodeTime } from '../node-profile.js';
import { markdownTable } from '../reports.js';

/**
 * The main report's profile section: each node's mean time (us) per shipped fashion-mnist
 * model on wasm at 1 thread, and the share the binary convs take, which is what bounds the
 * PA rows against the float model.
 */
export function profileSection(
  profiles: ReadonlyMap<string, { nodes: NodeTime[]; runMs: number }>,
): string {
  const schemes = [...profiles.keys()];
  if (schemes.length === 0) return '';
  const first = profiles.get(schemes[0])!;
  const rows = first.nodes.map((n) => [
    n.node,
    n.op,
    ...schemes.map((s) => {
      const t = profiles.get(s)!.nodes.find((m) => m.node === n.node);
      return t ? `${t.op === 'PAConv2D' ? 'PA ' : ''}${(1000 * t.ms).toFixed(0)}` : '-';
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

Each node's mean time over 300 runs of one image (\`Session#profile\`; "PA" marks the binary convs of the binarized
models, which replace the float model's Conv2D nodes except the stem). The PA rows are bounded by their binary convs:
an M x N layer is M x N popcount passes over rows of 3 words (16 channels) to 9 (64), and on such short rows the
per-pass epilogue (counts to floats times a_m b_n) and the gather cost about as much as the popcounts
(reports/conv.md has the kernel's rates on these layers).

${table}
`;
}

function sumMs(nodes: NodeTime[]): string {
  return nodes.reduce((a, n) => a + n.ms, 0).toFixed(3);
}
