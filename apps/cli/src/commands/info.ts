import { formatShape, save, validateGraph } from '@pabnn/ir';
import { costOf } from '@pabnn/zoo';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { loadModel } from '../load-model.js';

export const info: Command = {
  name: 'info',
  summary: 'ops, inputs, outputs, size and cost (params, memory, FLOPs, BOPs, OPs) of a model',
  usage: 'pabnn info <model.pabnn|model.onnx|model.json> [--json]',
  options: { json: { type: 'boolean', description: 'print the report as JSON' } },
  examples: [
    'pabnn info models/fashion-mnist__resnet8__pa-4x5.pabnn',
    'pabnn info model.onnx --json',
  ],
  async run([path], values) {
    if (!path) throw new UsageError('info needs a model file');
    const graph = loadModel(path);
    const { values: shapes } = validateGraph(graph);
    const ops: Record<string, number> = {};
    for (const n of graph.nodes) ops[n.op] = (ops[n.op] ?? 0) + 1;
    const cost = costOf(graph);
    const report = {
      name: graph.name,
      inputs: graph.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })),
      outputs: graph.outputs.map((o) => ({ name: o, shape: shapes.get(o)!.shape })),
      nodes: graph.nodes.length,
      ops,
      fileBytes: save(graph).length,
      cost,
      quantization: graph.metadata.quantization ?? null,
    };
    if (values.json) {
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `model      ${report.name} (${report.nodes} nodes, ${(report.fileBytes / 1e6).toFixed(2)} MB as .pabnn)`,
      ...report.inputs.map((i) => `input      ${i.name} ${i.dtype} ${formatShape(i.shape)}`),
      ...report.outputs.map((o) => `output     ${o.name} ${formatShape(o.shape)}`),
      `ops        ${Object.entries(ops)
        .map(([op, count]) => `${op} x${count}`)
        .join(', ')}`,
      `params     ${(cost.params / 1e6).toFixed(3)}M (${(cost.binaryParams / 1e6).toFixed(3)}M binary)`,
      `memory     ${cost.memoryMbit.toFixed(2)} Mbit`,
      `FLOPs      ${cost.flops.toExponential(3)}   BOPs ${cost.bops.toExponential(3)}   OPs ${cost.ops.toExponential(3)} (batch 1)`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
