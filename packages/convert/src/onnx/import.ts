import { type Graph, GraphBuilder, permute, type Tensor, tensor } from '@pabnn/ir';
import { ConvertError } from '../errors.js';
import { type AttributeProto, DataType, type NodeProto, onnx, type TensorProto } from './proto.js';

const SUPPORTED = new Set([
  'Conv',
  'Gemm',
  'MatMul',
  'BatchNormalization',
  'Relu',
  'Clip',
  'PRelu',
  'Add',
  'Concat',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'Flatten',
  'Reshape',
  'Softmax',
  'Identity',
  'Dropout',
  'Pad',
  'Transpose',
]);
const MAX_ELEMENTS = 1 << 28;

/** protobufjs gives int64 fields as numbers or Long objects. */
function num(v: unknown): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : (v as { toNumber(): number }).toNumber();
}

/** An ONNX initializer as plain data: float32 or int64 (as numbers) values. */
interface Initializer {
  dims: number[];
  values: Float32Array | number[];
}

function readInitializer(t: TensorProto): Initializer {
  const dims = (t.dims ?? []).map(num);
  if (!dims.every((d) => Number.isSafeInteger(d) && d >= 0))
    throw new ConvertError(
      'onnx-tensor',
      `initializer '${t.name}' has invalid dims ${JSON.stringify(dims)}`,
    );
  const count = dims.reduce((a, b) => a * b, 1);
  if (count > MAX_ELEMENTS)
    throw new ConvertError(
      'onnx-tensor',
      `initializer '${t.name}' has ${count} elements, more than the ${MAX_ELEMENTS} supported`,
    );
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  if (t.dataType === DataType.FLOAT) {
    let values: Float32Array;
    if (raw) {
      if (raw.length !== count * 4)
        throw new ConvertError(
          'onnx-tensor',
          `initializer '${t.name}' has ${raw.length} raw bytes, dims [${dims.join(', ')}] need ${count * 4}`,
        );
      values = new Float32Array(new Uint8Array(raw).buffer); // a copy: protobufjs may hand out a view of a Buffer pool
    } else values = Float32Array.from(t.floatData ?? []);
    if (values.length !== count)
      throw new ConvertError(
        'onnx-tensor',
        `initializer '${t.name}' has ${values.length} values, dims [${dims.join(', ')}] need ${count}`,
      );
    return { dims, values };
  }
  if (t.dataType === DataType.INT64) {
    let values: number[];
    if (raw) {
      if (raw.length !== count * 8)
        throw new ConvertError(
          'onnx-tensor',
          `initializer '${t.name}' has ${raw.length} raw bytes, need ${count * 8}`,
        );
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      values = Array.from({ length: count }, (_, i) => Number(view.getBigInt64(i * 8, true)));
    } else values = (t.int64Data ?? []).map(num);
    if (values.length !== count)
      throw new ConvertError(
        'onnx-tensor',
        `initializer '${t.name}' has ${values.length} values, need ${count}`,
      );
    return { dims, values };
  }
  throw new ConvertError(
    'onnx-tensor',
    `initializer '${t.name}' has data type ${t.dataType}; only FLOAT and INT64 are supported`,
  );
}

function attrMap(node: NodeProto) {
  const attrs = new Map<string, AttributeProto>();
  for (const a of node.attribute ?? []) attrs.set(a.name ?? '', a);
  return {
    int: (name: string, fallback: number) => (attrs.has(name) ? num(attrs.get(name)!.i) : fallback),
    float: (name: string, fallback: number) =>
      attrs.has(name) ? (attrs.get(name)!.f ?? fallback) : fallback,
    ints: (name: string, fallback: number[]) =>
      attrs.has(name) ? (attrs.get(name)!.ints ?? []).map(num) : fallback,
    string: (name: string, fallback: string) =>
      attrs.has(name) ? new TextDecoder().decode(attrs.get(name)!.s ?? new Uint8Array()) : fallback,
  };
}

/** Decodes ONNX bytes, turning every protobuf failure into a ConvertError. */
export function decodeOnnx(bytes: Uint8Array) {
  if (!(bytes instanceof Uint8Array))
    throw new ConvertError(
      'onnx-decode',
      'importOnnx takes the bytes of an .onnx file (Uint8Array)',
    );
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ConvertError('onnx-decode', `not a valid ONNX protobuf: ${(error as Error).message}`);
  }
}

/**
 * An ONNX model (NCHW) as an IR graph (NHWC): 4-D inputs become [N, H, W, C], conv weights
 * OIHW become OHWI, channel axes are remapped, and a Flatten of a spatial NCHW tensor feeding
 * a Gemm is absorbed by permuting the Gemm's weight columns. Every unsupported node is
 * listed in one error.
 */
export function importOnnx(bytes: Uint8Array): Graph {
  const model = decodeOnnx(bytes);
  const graph = model.graph;
  if (!graph) throw new ConvertError('onnx-graph', 'the ONNX model has no graph');
  const nodes = graph.node ?? [];
  const unsupported = nodes
    .filter((n) => !SUPPORTED.has(n.opType ?? ''))
    .map((n) => `${n.name || n.output?.[0] || '?'} (${n.opType})`);
  if (unsupported.length)
    throw new ConvertError('unsupported', `unsupported ONNX nodes: ${unsupported.join(', ')}`);

  const inits = new Map<string, Initializer>();
  for (const t of graph.initializer ?? []) inits.set(t.name ?? '', readInitializer(t));
  const g = new GraphBuilder(graph.name || 'onnx-model', {
    source: 'onnx',
    producer: model.producerName ?? '',
  });
  const rank = new Map<string, number>();
  // values produced by Flatten of an NCHW map with spatial size > 1: [C, H, W] order
  const flattenedChw = new Map<string, [number, number, number]>();
  const alias = new Map<string, string>();
  const resolve = (n: string) => alias.get(n) ?? n;
  // 4-D ONNX values are NCHW, except those an NHWC<->NCHW Transpose made NHWC (as our own
  // exporter writes at the graph's edges); the IR holds both as NHWC
  const nhwc = new Set<string>();
  const isLayoutTranspose = (n: (typeof nodes)[number], perm: number[]) =>
    n.opType === 'Transpose' &&
    JSON.stringify((n.attribute ?? []).find((a) => a.name === 'perm')?.ints?.map(num)) ===
      JSON.stringify(perm);

  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (inits.has(name)) continue;
    const tt = input.type?.tensorType;
    if (!tt || tt.elemType !== DataType.FLOAT)
      throw new ConvertError('onnx-input', `graph input '${name}' must be a float tensor`);
    const dims = (tt.shape?.dim ?? []).map((d) =>
      d.dimValue !== undefined && d.dimValue !== null && num(d.dimValue) > 0 ? num(d.dimValue) : -1,
    );
    const readers = nodes.filter((n) => n.input?.includes(name));
    const isNhwc =
      dims.length === 4 &&
      readers.length > 0 &&
      readers.every((n) => isLayoutTranspose(n, [0, 3, 1, 2]));
    if (isNhwc) nhwc.add(name);
    const shape = dims.length === 4 && !isNhwc ? [dims[0], dims[2], dims[3], dims[1]] : dims;
    g.input(name, 'float32', shape);
    rank.set(name, dims.length);
  }

  const floatConst = (name: string, what: string): Initializer => {
    const init = inits.get(name);
    if (!init || !(init.values instanceof Float32Array))
      throw new ConvertError('onnx-node', `${what} '${name}' must be a float initializer`);
    return init;
  };
  // an initializer read by several nodes becomes one constant
  const constant = (name: string, t: Tensor) => (g.has(name) ? name : g.constant(t, name));
  /** A per-channel vector ([C], [C,1,1] or [1,C,1,1]) as [C]. */
  const channelVector = (init: Initializer, what: string): Float32Array => {
    const nonOne = init.dims.filter((d) => d !== 1);
    if (nonOne.length > 1)
      throw new ConvertError(
        'onnx-node',
        `${what} has shape [${init.dims.join(', ')}], expected a per-channel vector`,
      );
    return init.values as Float32Array;
  };
  const valueOrConst = (name: string): string => {
    const init = inits.get(name);
    if (!init) return resolve(name);
    const shape = init.dims.length >= 3 ? [init.values.length] : init.dims;
    return constant(
      name,
      tensor('float32', shape.length ? shape : [1], init.values as Float32Array),
    );
  };

  for (const node of nodes) {
    const at = attrMap(node);
    const ins = (node.input ?? []).map((n) => n ?? '');
    const out = node.output?.[0] ?? '';
    const where = `node '${node.name || out}' (${node.opType})`;
    const xo = ins[0] ?? ''; // the ONNX name: layouts are tracked per ONNX value
    const x = resolve(xo);
    const r = rank.get(x) ?? 4;
    const window = (kernel: number[]) => {
      const autoPad = at.string('auto_pad', 'NOTSET');
      if (autoPad === 'SAME_LOWER')
        throw new ConvertError('onnx-node', `${where}: auto_pad SAME_LOWER is not supported`);
      const pads = at.ints('pads', [0, 0, 0, 0]);
      return {
        strides: at.ints('strides', [1, 1]),
        padding: autoPad === 'SAME_UPPER' ? 'same' : autoPad === 'VALID' ? 'valid' : 'explicit',
        pads: [pads[0], pads[1], pads[2], pads[3]],
        kernel,
      };
    };
    if (nhwc.has(xo) && !['Transpose', 'Flatten', 'Reshape'].includes(node.opType ?? '')) {
      throw new ConvertError(
        'onnx-node',
        `${where} reads an NHWC tensor; only Transpose, Flatten and Reshape may`,
      );
    }
    let result: string;
    switch (node.opType) {
      case 'Transpose': {
        const toNchw = isLayoutTranspose(node, [0, 3, 1, 2]) && nhwc.has(xo);
        const toNhwc = isLayoutTranspose(node, [0, 2, 3, 1]) && !nhwc.has(xo) && r === 4;
        if (!toNchw && !toNhwc)
          throw new ConvertError(
            'onnx-node',
            `${where}: only NCHW <-> NHWC transposes are supported`,
          );
        alias.set(out, x);
        if (toNhwc) nhwc.add(out);
        rank.set(out, 4);
        continue;
      }
      case 'Conv': {
        const w = floatConst(ins[1], `${where} weight`);
        if (w.dims.length !== 4)
          throw new ConvertError('onnx-node', `${where}: only 2-D convolutions are supported`);
        const groups = at.int('group', 1);
        const win = window(w.dims.slice(2));
        const attrs: Record<string, number | number[] | string> = {
          strides: win.strides,
          padding: win.padding,
          pads: win.pads,
          dilations: at.ints('dilations', [1, 1]),
        };
        if (groups !== 1) attrs.groups = groups;
        const weight = constant(
          ins[1],
          tensor(
            'float32',
            [w.dims[0], w.dims[2], w.dims[3], w.dims[1]],
            permute(w.values as Float32Array, w.dims, [0, 2, 3, 1]), // OIHW -> OHWI
          ),
        );
        const bias = ins[2]
          ? constant(
              ins[2],
              tensor(
                'float32',
                [w.dims[0]],
                floatConst(ins[2], `${where} bias`).values as Float32Array,
              ),
            )
          : undefined;
        result = g.node('Conv2D', [x, weight, bias], attrs, out);
        break;
      }
      case 'Gemm':
      case 'MatMul': {
        if (node.opType === 'Gemm' && at.int('transA', 0))
          throw new ConvertError('onnx-node', `${where}: transA is not supported`);
        const b = floatConst(ins[1], `${where} B`);
        const transB = node.opType === 'Gemm' ? at.int('transB', 0) : 0;
        const alpha = node.opType === 'Gemm' ? at.float('alpha', 1) : 1;
        const [outF, inF] = transB ? b.dims : [b.dims[1], b.dims[0]];
        const wt = new Float32Array(outF * inF);
        const chw = flattenedChw.get(x);
        for (let o = 0; o < outF; o++)
          for (let i = 0; i < inF; i++) {
            // our features are in HWC order; ONNX's are CHW: read column (c, h, w) for (h, w, c)
            let src = i;
            if (chw) {
              const [c, h, w] = chw;
              const hh = Math.floor(i / (w * c));
              const ww = Math.floor(i / c) % w;
              src = ((i % c) * h + hh) * w + ww;
            }
            wt[o * inF + i] =
              alpha * (b.values as Float32Array)[transB ? o * inF + src : src * outF + o];
          }
        const weight = constant(ins[1], tensor('float32', [outF, inF], wt));
        let bias: string | undefined;
        if (ins[2]) {
          const c = floatConst(ins[2], `${where} C`);
          const beta = at.float('beta', 1);
          if (c.values.length !== outF)
            throw new ConvertError('onnx-node', `${where}: only a per-output bias C is supported`);
          bias = constant(
            ins[2],
            tensor(
              'float32',
              [outF],
              (c.values as Float32Array).map((v) => v * beta),
            ),
          );
        }
        result = g.dense(x, weight, { bias, name: out });
        break;
      }
      case 'BatchNormalization': {
        const p = (i: number, what: string) =>
          constant(
            ins[i],
            tensor(
              'float32',
              [floatConst(ins[i], what).values.length],
              floatConst(ins[i], what).values as Float32Array,
            ),
          );
        result = g.batchNorm(
          x,
          { gamma: p(1, 'scale'), beta: p(2, 'B'), mean: p(3, 'mean'), variance: p(4, 'var') },
          { epsilon: at.float('epsilon', 1e-5), name: out },
        );
        break;
      }
      case 'Relu':
        result = g.relu(x, out);
        break;
      case 'Clip': {
        const bound = (i: number, attr: string, fallback: number) =>
          ins[i]
            ? (floatConst(ins[i], `${where} ${attr}`).values as Float32Array)[0]
            : at.float(attr, fallback);
        result = g.clip(
          x,
          Math.max(bound(1, 'min', -3.4e38), -3.4e38),
          Math.min(bound(2, 'max', 3.4e38), 3.4e38),
          out,
        );
        break;
      }
      case 'PRelu':
        result = g.prelu(
          x,
          constant(
            ins[1],
            tensor(
              'float32',
              [channelVector(floatConst(ins[1], `${where} slope`), `${where} slope`).length],
              channelVector(floatConst(ins[1], 'slope'), 'slope'),
            ),
          ),
          out,
        );
        break;
      case 'Add':
        result = g.add(valueOrConst(ins[0]), valueOrConst(ins[1]), out);
        break;
      case 'Concat': {
        const axis = at.int('axis', 1);
        const nhwcAxis = r === 4 ? [0, 3, 1, 2][(axis + 4) % 4] : axis;
        result = g.concat(ins.map(resolve), { axis: nhwcAxis, name: out });
        break;
      }
      case 'MaxPool':
      case 'AveragePool': {
        if (at.int('ceil_mode', 0))
          throw new ConvertError('onnx-node', `${where}: ceil_mode is not supported`);
        const win = window(at.ints('kernel_shape', []));
        const attrs: Record<string, number[] | string | boolean> = {
          kernelShape: win.kernel,
          strides: win.strides,
          padding: win.padding,
          pads: win.pads,
        };
        if (node.opType === 'AveragePool')
          attrs.countIncludePad = at.int('count_include_pad', 0) === 1;
        result = g.node(node.opType === 'MaxPool' ? 'MaxPool' : 'AvgPool', [x], attrs, out);
        break;
      }
      case 'GlobalAveragePool':
        result = g.globalAvgPool(x, { keepDims: true, name: out });
        break;
      case 'Flatten':
      case 'Reshape': {
        const shape = g.info(x).shape;
        if (node.opType === 'Reshape') {
          const target = inits.get(ins[1]);
          if (!target || target.values instanceof Float32Array)
            throw new ConvertError(
              'onnx-node',
              `${where}: only a static int64 shape initializer is supported`,
            );
          if (!(r === 4 && target.values.length === 2) || nhwc.has(xo)) {
            if ((r === 4 && !nhwc.has(xo)) || target.values.length === 4)
              throw new ConvertError(
                'onnx-node',
                `${where}: reshapes into or out of 4-D layouts are not supported, except flattening`,
              );
            result = g.reshape(x, target.values as number[], out);
            break;
          }
        } else if (at.int('axis', 1) !== 1)
          throw new ConvertError('onnx-node', `${where}: only axis 1 is supported`);
        result = g.flatten(x, out);
        if (r === 4 && !nhwc.has(xo) && shape[1] * shape[2] > 1)
          flattenedChw.set(result, [shape[3], shape[1], shape[2]]);
        rank.set(result, 2);
        break;
      }
      case 'Softmax':
        result = g.softmax(x, {
          axis: r === 4 ? [0, 3, 1, 2][(at.int('axis', -1) + 4) % 4] : at.int('axis', -1),
          name: out,
        });
        break;
      case 'Pad': {
        const padsInit = ins[1] ? inits.get(ins[1]) : undefined;
        const p = padsInit ? (padsInit.values as number[]) : at.ints('pads', []);
        const mode = at.string('mode', 'constant');
        if (r !== 4 || p.length !== 8 || mode !== 'constant' || p[0] || p[1] || p[4] || p[5]) {
          throw new ConvertError(
            'onnx-node',
            `${where}: only constant zero padding of H and W is supported`,
          );
        }
        result = g.pad(x, [p[2], p[3], p[6], p[7]], out);
        break;
      }
      default: // Identity, Dropout
        alias.set(out, x);
        continue;
    }
    for (const o of node.output ?? [])
      if (!rank.has(o)) rank.set(o, node.opType === 'Gemm' || node.opType === 'MatMul' ? 2 : r);
    if (result !== out) alias.set(out, result);
  }
  // an alias chain may end in an NHWC tensor: resolve fully
  const final = (n: string): string =>
    alias.has(n) && alias.get(n) !== n ? final(alias.get(n)!) : n;
  // keep the ONNX output names: an output that is another value's alias gets an identity node
  const outputNames = (graph.output ?? []).map((o) => {
    const name = o.name ?? '';
    const value = final(name);
    const rest = g.info(value).shape.slice(1);
    return value === name || g.has(name) || rest.includes(-1)
      ? value
      : g.reshape(value, [0, ...rest], name);
  });
  g.output(...outputNames);
  return g.build();
}
