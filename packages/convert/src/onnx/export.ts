import { type Graph, resolveWindow, type Tensor, type TensorInfo, validateGraph } from '@pabnn/ir';
import { dequantizeWeights } from '@pabnn/quantizer';
import { ConvertError } from '../errors.js';
import { DataType, onnx } from './proto.js';

type OnnxNode = ReturnType<typeof onnx.NodeProto.create>;

/** OHWI -> OIHW. */
function ohwiToOihw(values: ArrayLike<number>, [o, h, w, i]: readonly number[]): Float32Array {
  const out = new Float32Array(o * h * w * i);
  for (let a = 0; a < o; a++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let b = 0; b < i; b++)
          out[((a * i + b) * h + y) * w + x] = values[((a * h + y) * w + x) * i + b];
  return out;
}

const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1];

/**
 * The IR graph as an ONNX model (opset 13) that onnxruntime can run, for cross-checks. Inputs
 * and outputs keep the IR's NHWC layout (Transposes at the edges); inside, 4-D values are
 * NCHW. PAConv2D is simulated in float: Q_a(x) = v_0 + sum_j (v_j - v_{j-1}) [x >= t_j] and
 * the dequantized weights Q_w feed a float Conv, then scale, bias and the activation.
 */
export function exportOnnx(graph: Graph): Uint8Array {
  const { order, values } = validateGraph(graph);
  const nodes: OnnxNode[] = [];
  const initializers: ReturnType<typeof onnx.TensorProto.create>[] = [];
  const used = new Set<string>();
  let counter = 0;
  const fresh = (base: string) => {
    let n: string;
    do n = `${base}__${counter++}`;
    while (used.has(n) || values.has(n));
    used.add(n);
    return n;
  };
  const initFloat = (base: string, dims: number[], data: ArrayLike<number>) => {
    const name = fresh(base);
    initializers.push(
      onnx.TensorProto.create({
        name,
        dims,
        dataType: DataType.FLOAT,
        rawData: new Uint8Array(Float32Array.from(data).buffer),
      }),
    );
    return name;
  };
  const initInt64 = (base: string, data: number[]) => {
    const name = fresh(base);
    const raw = new BigInt64Array(data.map((v) => BigInt(v)));
    initializers.push(
      onnx.TensorProto.create({
        name,
        dims: [data.length],
        dataType: DataType.INT64,
        rawData: new Uint8Array(raw.buffer),
      }),
    );
    return name;
  };
  const add = (
    opType: string,
    inputs: string[],
    outputs: string[],
    attribute: ReturnType<typeof onnx.AttributeProto.create>[] = [],
  ) => {
    nodes.push(
      onnx.NodeProto.create({
        opType,
        input: inputs,
        output: outputs,
        name: fresh(opType),
        attribute,
      }),
    );
    return outputs[0];
  };
  const ints = (name: string, v: number[]) =>
    onnx.AttributeProto.create({ name, ints: v, type: onnx.AttributeProto.AttributeType.INTS });
  const int = (name: string, v: number) =>
    onnx.AttributeProto.create({ name, i: v, type: onnx.AttributeProto.AttributeType.INT });
  const is4d = (v: string) => values.get(v)!.shape.length === 4;
  const outputs = new Set(graph.outputs);
  // the ONNX name of an IR value (4-D graph inputs and outputs live as NCHW copies)
  const onnxName = (v: string) =>
    is4d(v) && (outputs.has(v) || graph.inputs.some((i) => i.name === v)) ? `${v}__nchw` : v;
  const constant = (v: string): Tensor | undefined => graph.constants.get(v);
  /** A constant per-channel vector, shaped to broadcast over NCHW. */
  const channelInit = (base: string, data: ArrayLike<number>, for4d: boolean) =>
    initFloat(base, for4d ? [1, data.length, 1, 1] : [data.length], data);
  const windowPads = (
    x: TensorInfo,
    kernel: number[],
    attrs: Record<string, unknown>,
    dil: number[] = [1, 1],
  ) => {
    if (attrs.padding === 'same' && (x.shape[1] < 0 || x.shape[2] < 0))
      throw new ConvertError('onnx-export', "'same' padding needs known H and W to export");
    const w = resolveWindow(x.shape[1], x.shape[2], kernel, attrs as never, dil);
    return [w.padTop, w.padLeft, w.padBottom, w.padRight];
  };

  for (const input of graph.inputs) {
    if (input.shape.length === 4)
      add('Transpose', [input.name], [`${input.name}__nchw`], [ints('perm', [0, 3, 1, 2])]);
  }
  for (const { node, attrs } of order) {
    const x = node.inputs[0];
    const xin = x ? onnxName(x) : '';
    const out = onnxName(node.outputs[0]);
    const xInfo = x ? values.get(x)! : undefined;
    switch (node.op) {
      case 'Conv2D':
      case 'DepthwiseConv2D':
      case 'PAConv2D': {
        const pa = node.op === 'PAConv2D';
        let weight: Float32Array;
        let shape: readonly number[];
        if (pa) {
          const bits = constant(node.inputs[1]);
          const scales = constant(node.inputs[2]);
          const offset = constant(node.inputs[3]);
          if (!bits || !scales || !offset)
            throw new ConvertError(
              'onnx-export',
              `node '${node.name}': PAConv2D weights must be constants to export`,
            );
          shape = bits.shape.slice(1);
          weight = dequantizeWeights({
            bits,
            scales,
            offset,
            shape: [...shape],
            bases: bits.shape[0],
          });
        } else {
          const w = constant(node.inputs[1]);
          if (!w)
            throw new ConvertError(
              'onnx-export',
              `node '${node.name}': weights must be constants to export`,
            );
          shape = w.shape;
          weight = w.data as Float32Array;
        }
        const [cout, kh, kw, cinG] = shape;
        const group =
          node.op === 'DepthwiseConv2D' ? xInfo!.shape[3] : ((attrs.groups as number) ?? 1);
        const dil = attrs.dilations as number[];
        let input = xin;
        if (pa) {
          const t = constant(node.inputs[4]);
          const v = constant(node.inputs[5]);
          if (!t || !v)
            throw new ConvertError(
              'onnx-export',
              `node '${node.name}': activation thresholds and levels must be constants`,
            );
          const n = attrs.activationBases as number;
          const perChannel = t.shape.length === 2;
          const channels = perChannel ? t.shape[0] : 1;
          const pick = (data: ArrayLike<number>, stride: number, j: number) =>
            Array.from({ length: channels }, (_, c) => data[c * stride + j]);
          const dims = perChannel ? [1, channels, 1, 1] : [];
          const terms = [initFloat(`${node.name}/v0`, dims, pick(v.data, n + 1, 0))];
          for (let j = 1; j <= n; j++) {
            const ge = add(
              'GreaterOrEqual',
              [xin, initFloat(`${node.name}/t${j}`, dims, pick(t.data, n, j - 1))],
              [fresh(`${node.name}/ge${j}`)],
            );
            const f = add(
              'Cast',
              [ge],
              [fresh(`${node.name}/step${j}`)],
              [int('to', DataType.FLOAT)],
            );
            const step = Array.from(
              { length: channels },
              (_, c) => v.data[c * (n + 1) + j] - v.data[c * (n + 1) + j - 1],
            );
            terms.push(
              add(
                'Mul',
                [f, initFloat(`${node.name}/d${j}`, dims, step)],
                [fresh(`${node.name}/term${j}`)],
              ),
            );
          }
          input = add('Sum', terms, [fresh(`${node.name}/qa`)]);
        }
        const convInputs = [
          input,
          initFloat(
            `${node.name}/weight`,
            [cout, cinG, kh, kw],
            ohwiToOihw(weight, [cout, kh, kw, cinG]),
          ),
        ];
        const bias = node.inputs[pa ? 7 : 2];
        if (!pa && bias)
          convInputs.push(initFloat(`${node.name}/bias`, [cout], constant(bias)!.data));
        const convAttrs = [
          ints('kernel_shape', [kh, kw]),
          ints('strides', attrs.strides as number[]),
          ints('pads', windowPads(xInfo!, [kh, kw], attrs, dil)),
          ints('dilations', dil),
          int('group', group),
        ];
        const act = pa ? (attrs.activation as string) : 'none';
        const scale = pa ? node.inputs[6] : undefined;
        const last = !scale && !(pa && bias) && act === 'none';
        let y = add('Conv', convInputs, [last ? out : fresh(`${node.name}/conv`)], convAttrs);
        if (scale)
          y = add(
            'Mul',
            [y, channelInit(`${node.name}/scale`, constant(scale)!.data, true)],
            [!(pa && bias) && act === 'none' ? out : fresh(`${node.name}/scaled`)],
          );
        if (pa && bias)
          y = add(
            'Add',
            [y, channelInit(`${node.name}/bias`, constant(bias)!.data, true)],
            [act === 'none' ? out : fresh(`${node.name}/biased`)],
          );
        if (act === 'relu') add('Relu', [y], [out]);
        if (act === 'hardtanh')
          add('Clip', [y, initFloat('min', [], [-1]), initFloat('max', [], [1])], [out]);
        break;
      }
      case 'BatchNorm':
        add(
          'BatchNormalization',
          [
            xin,
            ...node.inputs
              .slice(1)
              .map((v) => initFloat(v, [constant(v)!.data.length], constant(v)!.data)),
          ],
          [out],
          [
            onnx.AttributeProto.create({
              name: 'epsilon',
              f: attrs.epsilon as number,
              type: onnx.AttributeProto.AttributeType.FLOAT,
            }),
          ],
        );
        break;
      case 'Relu':
        add('Relu', [xin], [out]);
        break;
      case 'PRelu':
        add(
          'PRelu',
          [
            xin,
            channelInit(
              `${node.name}/slope`,
              constant(node.inputs[1])!.data,
              is4d(x) && constant(node.inputs[1])!.data.length > 1,
            ),
          ],
          [out],
        );
        break;
      case 'Clip':
        add(
          'Clip',
          [
            xin,
            initFloat('min', [], [attrs.min as number]),
            initFloat('max', [], [attrs.max as number]),
          ],
          [out],
        );
        break;
      case 'Add': {
        const operand = (v: string) => {
          const c = constant(v);
          if (!c) return onnxName(v);
          return is4d(node.outputs[0]) && c.shape.length === 1
            ? channelInit(v, c.data, true)
            : initFloat(v, [...c.shape], c.data);
        };
        add('Add', [operand(node.inputs[0]), operand(node.inputs[1])], [out]);
        break;
      }
      case 'Concat': {
        const rank = values.get(node.outputs[0])!.shape.length;
        const axis = ((attrs.axis as number) + rank) % rank;
        add(
          'Concat',
          node.inputs.map(onnxName),
          [out],
          [int('axis', rank === 4 ? NHWC_TO_NCHW_AXIS[axis] : axis)],
        );
        break;
      }
      case 'MaxPool':
      case 'AvgPool': {
        const kernel = attrs.kernelShape as number[];
        const a = [
          ints('kernel_shape', kernel),
          ints('strides', attrs.strides as number[]),
          ints('pads', windowPads(xInfo!, kernel, attrs)),
        ];
        if (node.op === 'AvgPool') a.push(int('count_include_pad', attrs.countIncludePad ? 1 : 0));
        add(node.op === 'MaxPool' ? 'MaxPool' : 'AveragePool', [xin], [out], a);
        break;
      }
      case 'GlobalAvgPool':
        if (attrs.keepDims) add('GlobalAveragePool', [xin], [out]);
        else
          add(
            'Flatten',
            [add('GlobalAveragePool', [xin], [fresh(`${node.name}/gap`)])],
            [out],
            [int('axis', 1)],
          );
        break;
      case 'Dense': {
        const w = constant(node.inputs[1])!;
        const inputs = [xin, initFloat(`${node.name}/weight`, [...w.shape], w.data)];
        if (node.inputs[2])
          inputs.push(initFloat(`${node.name}/bias`, [w.shape[0]], constant(node.inputs[2])!.data));
        add('Gemm', inputs, [out], [int('transB', 1)]);
        break;
      }
      case 'Flatten':
      case 'Reshape': {
        // both follow the IR's NHWC element order
        const src = is4d(x)
          ? add('Transpose', [xin], [fresh(`${node.name}/nhwc`)], [ints('perm', [0, 2, 3, 1])])
          : xin;
        const to4d = is4d(node.outputs[0]);
        const target = to4d ? fresh(`${node.name}/reshaped`) : out;
        if (node.op === 'Flatten') add('Flatten', [src], [target], [int('axis', 1)]);
        else
          add('Reshape', [src, initInt64(`${node.name}/shape`, attrs.shape as number[])], [target]);
        if (to4d) add('Transpose', [target], [out], [ints('perm', [0, 3, 1, 2])]);
        break;
      }
      case 'Softmax': {
        const rank = xInfo!.shape.length;
        const axis = ((attrs.axis as number) + rank) % rank;
        add('Softmax', [xin], [out], [int('axis', rank === 4 ? NHWC_TO_NCHW_AXIS[axis] : axis)]);
        break;
      }
      case 'Pad': {
        const [t, l, b, r] = attrs.pads as number[];
        add('Pad', [xin, initInt64(`${node.name}/pads`, [0, 0, t, l, 0, 0, b, r])], [out]);
        break;
      }
      default:
        throw new ConvertError(
          'onnx-export',
          `node '${node.name}': op ${node.op} has no ONNX export`,
        );
    }
  }
  for (const o of graph.outputs) {
    if (is4d(o)) add('Transpose', [`${o}__nchw`], [o], [ints('perm', [0, 2, 3, 1])]);
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
      node: nodes,
      initializer: initializers,
      input: graph.inputs.map((i) => valueInfo(i.name, i)),
      output: graph.outputs.map((o) => valueInfo(o, values.get(o)!)),
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
