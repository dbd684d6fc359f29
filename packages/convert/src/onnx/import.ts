import { type Graph, GraphBuilder, PabnnError } from '@pabnn/ir';
import { ConvertError } from '../errors.js';
import { importInputs } from './graph-inputs.js';
import { ImportContext, onnxNode } from './import-context.js';
import { ONNX_IMPORTERS } from './importers/index.js';
import { decodeOnnx, type Initializer, readInitializer } from './onnx-values.js';
import { readOpset } from './opset.js';
import { importPaConv } from './pa/import-pa-conv.js';
import { findPaPatterns, PA_PATTERN_OPS, type PaMatches } from './pa/match.js';
import type { NodeProto } from './proto.js';

export { decodeOnnx } from './onnx-values.js';
export { ONNX_OPSETS } from './opset.js';

/** The ONNX op types importOnnx maps (each by one handler in ./importers). */
export const ONNX_IMPORT_OPS: readonly string[] = [...ONNX_IMPORTERS.keys()].sort();

/**
 * An ONNX model (NCHW) as an IR graph (NHWC): 4-D inputs become [N, H, W, C], conv weights
 * OIHW become OHWI, channel axes are remapped, and a Flatten of a spatial NCHW tensor feeding
 * a Gemm is absorbed by permuting the Gemm's weight columns. Every unsupported node is
 * listed in one error; a node the importer cannot map faithfully is refused by name.
 */
export function importOnnx(bytes: Uint8Array): Graph {
  const model = decodeOnnx(bytes);
  const graph = model.graph;
  if (!graph) throw new ConvertError('onnx-graph', 'the ONNX model has no graph');
  const opset = readOpset(model);
  const nodes = graph.node ?? [];
  const unknown = nodes.filter((n) => !ONNX_IMPORTERS.has(n.opType ?? ''));
  const listed = (ns: NodeProto[]) =>
    ns.map((n) => `${n.name || n.output?.[0] || '?'} (${n.opType})`);
  if (unknown.some((n) => !PA_PATTERN_OPS.has(n.opType ?? '')))
    throw new ConvertError('unsupported', `unsupported ONNX nodes: ${listed(unknown).join(', ')}`);

  const inits = new Map<string, Initializer>();
  for (const t of graph.initializer ?? []) inits.set(t.name ?? '', readInitializer(t));
  // the PA interchange pattern (PA-ONNX.md) becomes one PAConv2D each
  const pa = findPaPatterns(graph, inits, opset);
  const left = unknown.filter((n) => !pa.consumed.has(n));
  if (left.length)
    throw new ConvertError(
      'unsupported',
      `unsupported ONNX nodes: ${listed(left).join(', ')}${pa.mismatches.length ? `; ${pa.mismatches.join('; ')}` : ''}`,
    );
  const metadata: Record<string, unknown> = { source: 'onnx', producer: model.producerName ?? '' };
  const g = new GraphBuilder(graph.name || 'onnx-model', metadata);
  const c = new ImportContext(g, graph, inits, opset);
  const { rank, nhwc, alias } = c;

  importInputs(c, graph);

  for (const node of nodes) {
    try {
      importNode(node, c, pa);
    } catch (error) {
      // a shape or attribute the IR rejects is a refusal of this node, named
      if (error instanceof PabnnError && !(error instanceof ConvertError))
        throw new ConvertError(
          'onnx-node',
          `node '${node.name || node.output?.[0]}' (${node.opType}): ${error.message}`,
        );
      throw error;
    }
  }

  // an alias chain may end in an NHWC tensor: resolve fully
  const final = (n: string): string =>
    alias.has(n) && alias.get(n) !== n ? final(alias.get(n)!) : n;
  // keep the ONNX output names: an output that is another value's alias gets an identity node
  const outputNames = (graph.output ?? []).map((o) => {
    const name = o.name ?? '';
    const value = final(name);
    if (!g.has(value))
      throw new ConvertError(
        'onnx-graph',
        `graph output '${name}' is not computed by the graph (a constant or an unknown value)`,
      );
    const rest = g.info(value).shape.slice(1);
    return value === name || g.has(name) || rest.includes(-1)
      ? value
      : g.reshape(value, [0, ...rest], name);
  });
  g.output(...outputNames);
  // the inputs and outputs ONNX holds as NCHW and the IR as NHWC, for callers feeding NCHW data
  const transposed = [
    ...(graph.input ?? [])
      .map((i) => i.name ?? '')
      .filter((n) => !inits.has(n) && rank.get(n) === 4 && !nhwc.has(n)),
    ...outputNames.filter(
      (n, i) => g.info(n).shape.length === 4 && !nhwc.has(graph.output?.[i]?.name ?? ''),
    ),
  ];
  metadata.onnxNchw = transposed;
  return g.build();
}

/** Imports one node by its op's handler, then records its outputs' names and ranks. */
function importNode(node: NodeProto, c: ImportContext, pa: PaMatches): void {
  if (pa.consumed.has(node)) {
    // a PA pattern's nodes become one PAConv2D, added at its last node
    const match = pa.byLast.get(node);
    if (match) c.rank.set(importPaConv(match, c), 4);
    return;
  }
  const importer = ONNX_IMPORTERS.get(node.opType ?? '')!;
  const n = onnxNode(node, c);
  const readsNhwc = n.ins.some((v) => c.nhwc.has(v));
  if (readsNhwc && !['Transpose', 'Flatten', 'Reshape'].includes(node.opType ?? ''))
    throw new ConvertError(
      'onnx-node',
      `${n.where} reads an NHWC tensor; only Transpose, Flatten and Reshape may`,
    );
  const result = importer.run(n, c);
  if (result !== undefined) {
    for (const o of node.output ?? [])
      if (!c.rank.has(o)) c.rank.set(o, importer.outputRank ?? n.r);
    if (result !== n.out) c.alias.set(n.out, result);
  }
  // only output 0 is imported: a node whose other outputs are read is refused
  for (const [i, o] of (node.output ?? []).entries())
    if (i > 0 && o && (c.graphOutputs.has(o) || c.readers.has(o)))
      n.refuse(`output ${i} ('${o}') is not supported`);
}
