import type { Graph } from '@pabnn/ir';
import { binaryConvMacs } from '@pabnn/zoo';
import type { CpuPeak } from '../cpu-peak.js';
import type { NodeTime } from '../node-profile.js';
import { markdownTable } from '../reports.js';
import { paConvPaths } from './main-bound.js';

/** One PA model's PAConv2D nodes as profiled (1 thread). */
export interface LayerProfile {
  scheme: string;
  graph: Graph;
  nodes: NodeTime[];
}

/** "56x56x64 -> 64, 3x3 s1": a PAConv2D's input, output channels, kernel and stride. */
function layerShape(graph: Graph, name: string, macs: number): string {
  const node = graph.nodes.find((n) => n.name === name)!;
  const [, cout, kh, kw, cin] = graph.constants.get(node.inputs[1])!.shape;
  const [sh] = (node.attrs.strides as number[] | undefined) ?? [1, 1];
  const outPixels = macs / (cout * kh * kw * cin);
  const side = Math.round(Math.sqrt(outPixels)) * sh;
  return `${side}x${side}x${cin} -> ${cout}, ${kh}x${kw} s${sh}`;
}

/**
 * Each PAConv2D of the PA models with its profiled time and, on the binary path, its binary
 * MACs per second against the CPU's peak (the shared tool's best loop, this run): where in the
 * model the binary convs fall short of the peak, which the bound table sums over the model.
 */
export function layerSection(profiles: LayerProfile[], peak: CpuPeak | undefined): string {
  if (!peak || profiles.length === 0) return '';
  const first = profiles[0].graph;
  const macs = binaryConvMacs(first);
  const names = first.nodes.filter((n) => n.op === 'PAConv2D').map((n) => n.name);
  // each model's paths once: a PA model of other bases may run a layer on the other path
  const columns = profiles.map((p) => ({ ...p, paths: paConvPaths(p.graph) }));
  const cell = (p: (typeof columns)[number], name: string) => {
    const t = p.nodes.find((n) => n.node === name);
    if (!t) return '-';
    if (p.paths.get(name) !== 'binary') return `${t.ms.toFixed(2)} (f)`;
    const node = p.graph.nodes.find((n) => n.name === name)!;
    const m = node.attrs.weightBases as number;
    const n = node.attrs.activationBases as number;
    // the MACs of one plane pair depend on the shapes only, the same in every column
    const rate = (m * n * macs[name]) / (t.ms / 1000);
    return `${t.ms.toFixed(2)} / ${((100 * rate) / peak.perThread).toFixed(0)} %`;
  };
  const table = markdownTable(
    ['layer', 'input -> output', ...profiles.map((p) => `${p.scheme}: ms / % of peak`)],
    names.map((name) => [
      name,
      layerShape(first, name, macs[name]),
      ...columns.map((p) => cell(p, name)),
    ]),
  );
  return `
## The binary convs layer by layer (1 thread)

Each PAConv2D's median time over the profile's runs and, on the binary path, its binary MACs a second against the
peak above (${(peak.perThread / 1e9).toFixed(1)} G/s); "(f)": the dequantized path, no binary work. The 1x1
downsampling convs (stride 2) binarize every input pixel but read a quarter of them, and their rows are short (1 to 4
words): they run far below the peak but take little of a run. The 64-channel layers at 56x56 (rows of 9 words) stay
below the wider layers: the per-block epilogue and the pixel pair's gathering weigh more against a short row
(reports/conv.md shows the same layers alone).

${table}
`;
}
