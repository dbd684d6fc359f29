import { type Graph, type TensorInfo, validateGraph } from '@pabnn/ir';
import { ConvertError } from '../errors.js';
import { ExportContext, type ExportOnnxOptions, ints } from './export-context.js';
import { ONNX_EXPORTERS } from './exporters/index.js';
import { DataType, onnx } from './proto.js';

/** The IR ops exportOnnx writes (each by one handler in ./exporters). */
export const ONNX_EXPORT_OPS: readonly string[] = [...ONNX_EXPORTERS.keys()].sort();

/**
 * The IR graph as an ONNX model (opset 13) that onnxruntime can run, for cross-checks. Inputs
 * and outputs keep the IR's NHWC layout (Transposes at the edges); inside, 4-D values are
 * NCHW. PAConv2D becomes the PA interchange pattern of PA-ONNX.md (standard ops only): the
 * activation staircase as a Where chain over GreaterOrEqual, the weights Q_w (bit-planes or
 * dequantized, `options.paWeights`) into a float Conv, then scale, bias and the activation.
 */
export function exportOnnx(graph: Graph, options: ExportOnnxOptions = {}): Uint8Array {
  const { order, values } = validateGraph(graph);
  const c = new ExportContext(graph, values, options);
  for (const input of graph.inputs) {
    if (input.shape.length === 4)
      c.add('Transpose', [input.name], [`${input.name}__nchw`], [ints('perm', [0, 3, 1, 2])]);
  }
  for (const { node, attrs } of order) {
    const exporter = ONNX_EXPORTERS.get(node.op);
    if (!exporter)
      throw new ConvertError(
        'onnx-export',
        `node '${node.name}': op ${node.op} has no ONNX export`,
      );
    const x = node.inputs[0];
    c.current = node.name;
    exporter.run(
      {
        node,
        attrs,
        x,
        xin: x ? c.onnxName(x) : '',
        xInfo: x ? values.get(x) : undefined,
        out: c.onnxName(node.outputs[0]),
      },
      c,
    );
  }
  c.current = '';
  for (const o of graph.outputs) {
    if (c.is4d(o)) c.add('Transpose', [`${o}__nchw`], [o], [ints('perm', [0, 2, 3, 1])]);
  }
  const valueInfo = (name: string, info: TensorInfo) =>
    onnx.ValueInfoProto.create({
      name,
      type: {
        tensorType: {
          elemType: DataType.FLOAT,
          shape: { dim: info.shape.map((d) => (d < 0 ? { dimParam: 'batch' } : { dimValue: d })) },
        },
      },
    });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: 'pabnn',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: graph.name,
      node: c.nodes,
      initializer: c.initializers,
      input: graph.inputs.map((i) => valueInfo(i.name, i)),
      output: graph.outputs.map((o) => valueInfo(o, values.get(o)!)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
