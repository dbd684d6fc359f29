import { type PAConvPath, paConvPathFor } from '@pabnn/backend-wasm';
import type { Graph } from '@pabnn/ir';
import { binaryConvMacs } from '@pabnn/zoo';
import type { CpuPeak } from '../cpu-peak.js';
import type { NodeTime } from '../node-profile.js';
import { markdownTable } from '../reports.js';

/**
 * The path the wasm backend's 'auto' choice runs each PAConv2D on (one thread, SIMD build):
 * `binary` (M x N popcount passes) or `dequantized` (the float conv of the staircase levels),
 * by @pabnn/backend-wasm's own cost rule (its src/kernel-choice.ts).
 */
export function paConvPaths(graph: Graph): Map<string, PAConvPath> {
  const paths = new Map<string, PAConvPath>();
  for (const node of graph.nodes) {
    if (node.op !== 'PAConv2D') continue;
    const [m, , kh, kw, cinG] = graph.constants.get(node.inputs[1])!.shape;
    const n = node.attrs.activationBases as number;
    const groups = (node.attrs.groups as number | undefined) ?? 1;
    paths.set(node.name, paConvPathFor(groups, m, n, cinG, kh, kw));
  }
  return paths;
}

/**
 * Binary multiply-accumulates of one batch-1 run: each PAConv2D's MACs times its own M x N
 * (per-layer bases, docs/PA-METHOD.md), the work the popcount loop cannot skip; the layers the
 * backend runs on the dequantized path do none.
 */
export function binaryMacsPerRun(graph: Graph): number {
  const macs = binaryConvMacs(graph);
  const paths = paConvPaths(graph);
  let total = 0;
  for (const node of graph.nodes) {
    if (node.op !== 'PAConv2D' || paths.get(node.name) !== 'binary') continue;
    const m = node.attrs.weightBases as number;
    const n = node.attrs.activationBases as number;
    total += m * n * macs[node.name];
  }
  return total;
}

export interface BoundRow {
  scheme: string;
  /** Binary MACs of one run. */
  binaryMacs: number;
  /** Our measured batch-1 time and onnxruntime-web's, wasm at 1 thread (ms). */
  batch1Ms: number;
  ortFloatMs: number;
  /** The profile's nodes. */
  nodes: NodeTime[];
  /** The PAConv2D nodes on the binary path (the rest run as float convs). */
  binaryNodes: ReadonlySet<string>;
}

/**
 * What bounds each binarized row against onnxruntime-web: its binary convs can go no faster
 * than the CPU's peak binary rate (the shared peak tool's best loop, measured in this run), so
 * even with every other node free a row cannot beat ORT's time divided by that floor; with the
 * other nodes at their profiled times it cannot beat the second figure.
 */
export function boundSection(
  rows: BoundRow[],
  peak: CpuPeak | undefined,
  title = 'fashion-mnist models, wasm, 1 thread',
): string {
  if (!peak || rows.length === 0) return '';
  const table = markdownTable(
    [
      'scheme',
      'binary MACs a run (M)',
      'binary convs at peak (ms)',
      'binary convs, profiled (ms)',
      'their % of peak',
      'other nodes, profiled (ms)',
      'ORT float (ms)',
      'best possible vs ORT: convs alone / with the other nodes',
      'measured vs ORT',
    ],
    rows.map((r) => {
      const atPeakMs = (1000 * r.binaryMacs) / peak.perThread;
      const sum = (binary: boolean) =>
        r.nodes.filter((n) => r.binaryNodes.has(n.node) === binary).reduce((a, n) => a + n.ms, 0);
      const otherMs = sum(false);
      return [
        r.scheme,
        (r.binaryMacs / 1e6).toFixed(1),
        atPeakMs.toFixed(3),
        sum(true).toFixed(3),
        r.binaryMacs > 0 ? `${((100 * atPeakMs) / sum(true)).toFixed(0)} %` : '-',
        otherMs.toFixed(3),
        r.ortFloatMs.toFixed(2),
        `${r.binaryMacs > 0 ? `${(r.ortFloatMs / atPeakMs).toFixed(2)}x` : '-'} / ${(r.ortFloatMs / (atPeakMs + otherMs)).toFixed(2)}x`,
        `${(r.ortFloatMs / r.batch1Ms).toFixed(2)}x`,
      ];
    }),
  );
  return `
## The bound (${title})

The CPU's peak binary rate, measured in this run by the shared peak tool's fastest loops (src/cpu-peak.ts, quick
mode): ${(peak.perThread / 1e9).toFixed(1)} G binary MAC/s on one thread (${peak.kernel1}). A binarized row's convs
take at least its binary MACs over that rate; "best possible" is ORT's time over that floor alone, then over the
floor plus the row's other nodes at their profiled times (the float stem, pooling, the classifier, and the PAConv2D
layers the backend runs on the dequantized path, which do no binary work: "PA f" in the profile above). A row whose best
possible figure is below a target cannot meet it on this CPU with XOR/popcount convs, however good the kernel; one
above it misses by the share of the peak its binary convs reach ("their % of peak": the profiled PAConv2D nodes,
binarizing and gathering included, against the floor).

${table}
`;
}
