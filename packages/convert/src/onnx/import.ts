import { type Graph, GraphBuilder, PabnnError, permute, type Tensor, tensor } from '@pabnn/ir';
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
/** The default-domain opsets whose semantics the importer applies (older ones differ: Add's legacy broadcast, BatchNormalization's consumed_inputs). */
export const ONNX_OPSETS = { min: 6, max: 25 } as const;
const DEFAULT_DOMAINS = new Set(['', 'ai.onnx']);

/** The model's default-domain opset; refuses models without one, outside ONNX_OPSETS, or with nodes of other domains. */
function readOpset(model: ReturnType<typeof decodeOnnx>): number {
  const imports = model.opsetImport ?? [];
  const own = imports.filter((o) => DEFAULT_DOMAINS.has(o.domain ?? ''));
  if (own.length === 0)
    throw new ConvertError('onnx-opset', 'the model imports no opset of the default ONNX domain');
  const opset = Math.max(...own.map((o) => num(o.version)));
  if (opset < ONNX_OPSETS.min || opset > ONNX_OPSETS.max)
    throw new ConvertError(
      'onnx-opset',
      `opset ${opset} is not supported: the importer knows the semantics of opsets ${ONNX_OPSETS.min} to ${ONNX_OPSETS.max}`,
    );
  const foreign = (model.graph?.node ?? []).filter((n) => !DEFAULT_DOMAINS.has(n.domain ?? ''));
  if (foreign.length)
    throw new ConvertError(
      'onnx-opset',
      `nodes of unknown domains are not supported: ${foreign.map((n) => `${n.name || n.output?.[0] || '?'} (${n.domain}.${n.opType})`).join(', ')}`,
    );
  return opset;
}

/** An ONNX data type's name (FLOAT, INT64, ...), or its number. */
const typeName = (t: number | null | undefined): string =>
  (DataType as unknown as Record<number, string>)[t ?? 0] ?? String(t);

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
    `initializer '${t.name}' has data type ${typeName(t.dataType)}; only FLOAT and INT64 are supported`,
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
  const opset = readOpset(model);
  const nodes = graph.node ?? [];
  const unsupported = nodes
    .filter((n) => !SUPPORTED.has(n.opType ?? ''))
    .map((n) => `${n.name || n.output?.[0] || '?'} (${n.opType})`);
  if (unsupported.length)
    throw new ConvertError('unsupported', `unsupported ONNX nodes: ${unsupported.join(', ')}`);

  const inits = new Map<string, Initializer>();
  for (const t of graph.initializer ?? []) inits.set(t.name ?? '', readInitializer(t));
  const metadata: Record<string, unknown> = { source: 'onnx', producer: model.producerName ?? '' };
  const g = new GraphBuilder(graph.name || 'onnx-model', metadata);
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

  // who reads each ONNX value (node and input slot), and which values are graph outputs
  const readers = new Map<string, { node: NodeProto; slot: number }[]>();
  for (const n of nodes)
    for (const [slot, v] of (n.input ?? []).entries())
      if (v) readers.set(v, [...(readers.get(v) ?? []), { node: n, slot }]);
  const graphOutputs = new Set((graph.output ?? []).map((o) => o.name ?? ''));
  /** The value is read only as the data input of Gemm/MatMul (through Identity/Dropout). */
  const feedsOnlyDense = (name: string): boolean =>
    !graphOutputs.has(name) &&
    (readers.get(name) ?? []).every(({ node: n, slot }) =>
      n.opType === 'Identity' || (n.opType === 'Dropout' && slot === 0)
        ? feedsOnlyDense(n.output?.[0] ?? '')
        : (n.opType === 'Gemm' || n.opType === 'MatMul') && slot === 0,
    );

  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (inits.has(name)) continue;
    const tt = input.type?.tensorType;
    if (!tt || tt.elemType !== DataType.FLOAT)
      throw new ConvertError(
        'onnx-input',
        `graph input '${name}' has element type ${typeName(tt?.elemType)}; only FLOAT inputs are supported`,
      );
    // a dim with a value is that size; a symbolic or absent one is any size (-1)
    const dims = (tt.shape?.dim ?? []).map((d) => {
      if (!Object.hasOwn(d, 'dimValue') || d.dimValue === null) return -1;
      const size = num(d.dimValue);
      if (size < 1)
        throw new ConvertError(
          'onnx-input',
          `graph input '${name}' has dimension ${size}; sizes must be positive (or symbolic)`,
        );
      return size;
    });
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
  /**
   * A float initializer broadcast against a value of rank `against`, in the IR's layout: right-
   * aligned to that rank, and for a 4-D (NCHW) value permuted to NHWC, leading 1s dropped
   * ([C, 1, 1] becomes [C], [1, C, H, W] becomes [H, W, C]).
   */
  const broadcastConst = (init: Initializer, against: number, what: string): Tensor => {
    if (init.dims.length > against)
      throw new ConvertError(
        'onnx-node',
        `${what} has shape [${init.dims.join(', ')}], of higher rank than the ${against}-D input`,
      );
    let dims = [...Array(against - init.dims.length).fill(1), ...init.dims];
    let values = init.values as Float32Array;
    if (against === 4) {
      values = permute(values, dims, [0, 2, 3, 1]);
      dims = [dims[0], dims[2], dims[3], dims[1]];
    }
    while (dims.length > 1 && dims[0] === 1) dims = dims.slice(1);
    return tensor('float32', dims, values);
  };
  const valueOrConst = (name: string, against: number, what: string): string => {
    const init = inits.get(name);
    if (!init) return resolve(name);
    if (!(init.values instanceof Float32Array))
      throw new ConvertError('onnx-node', `${what} '${name}' must be a float tensor`);
    // the same initializer may be read against different ranks: name the constant by its layout
    const t = broadcastConst(init, against, what);
    return constant(`${name}__${t.shape.join('x')}`, t);
  };

  for (const node of nodes) {
    try {
      importNode(node);
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

  function importNode(node: NodeProto): void {
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
        return;
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
        if (g.info(x).shape.length !== 2)
          throw new ConvertError(
            'onnx-node',
            `${where}: only 2-D inputs A are supported, got rank ${g.info(x).shape.length}`,
          );
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
        if (at.int('training_mode', 0) !== 0)
          throw new ConvertError(
            'onnx-node',
            `${where}: training_mode 1 (batch statistics) is not supported; export in inference mode`,
          );
        if (opset < 7 && at.int('is_test', 0) === 0)
          throw new ConvertError(
            'onnx-node',
            `${where}: is_test 0 (batch statistics) is not supported; export in inference mode`,
          );
        if (opset < 9 && at.int('spatial', 1) === 0)
          throw new ConvertError('onnx-node', `${where}: spatial 0 is not supported`);
        if (r !== 2 && r !== 4)
          throw new ConvertError(
            'onnx-node',
            `${where}: only 2-D and 4-D inputs are supported, got rank ${r}`,
          );
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
        const hi = Math.min(bound(2, 'max', 3.4e38), 3.4e38);
        // min above max clips everything to max
        const lo = Math.min(Math.max(bound(1, 'min', -3.4e38), -3.4e38), hi);
        result = g.clip(x, lo, hi, out);
        break;
      }
      case 'PRelu': {
        const rx = g.info(x).shape.length;
        const given = floatConst(ins[1], `${where} slope`);
        // before opset 7 a slope of C values is per channel (axis 1), not right-aligned
        const legacy = opset < 7 && given.dims.length === 1 && rx > 2;
        const slope = broadcastConst(
          legacy ? { ...given, dims: [given.dims[0], ...Array(rx - 2).fill(1)] } : given,
          rx,
          `${where} slope`,
        );
        const c = g.info(x).shape[rx - 1];
        if (slope.shape.length !== 1 || (slope.shape[0] !== 1 && slope.shape[0] !== c))
          throw new ConvertError(
            'onnx-node',
            `${where}: slope of shape [${given.dims.join(', ')}] on a ${rx}-D input is not supported, only one value or one per channel`,
          );
        result = g.prelu(x, constant(`${ins[1]}__${slope.shape[0]}`, slope), out);
        break;
      }
      case 'Add': {
        if (opset < 7 && at.int('broadcast', 0) && node.attribute?.some((a) => a.name === 'axis'))
          throw new ConvertError(
            'onnx-node',
            `${where}: legacy broadcast with an axis is not supported`,
          );
        const ranks = ins.map((n) => (inits.has(n) ? 0 : g.info(resolve(n)).shape.length));
        const against = Math.max(...ranks, ...ins.map((n) => inits.get(n)?.dims.length ?? 0));
        if (ranks.some((k) => k > 0 && k !== against) && against === 4)
          throw new ConvertError(
            'onnx-node',
            `${where}: broadcasting a ${Math.min(...ranks.filter((k) => k > 0))}-D value against a 4-D map is not supported`,
          );
        result = g.add(
          valueOrConst(ins[0], against, `${where} A`),
          valueOrConst(ins[1], against, `${where} B`),
          out,
        );
        break;
      }
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
        const kernel = at.ints('kernel_shape', []);
        if (kernel.length !== 2 || r !== 4)
          throw new ConvertError(
            'onnx-node',
            `${where}: only 2-D pooling is supported, got kernel_shape [${kernel.join(', ')}]`,
          );
        const dilations = at.ints('dilations', [1, 1]);
        if (dilations.some((d) => d !== 1))
          throw new ConvertError(
            'onnx-node',
            `${where}: dilations [${dilations.join(', ')}] are not supported (only 1)`,
          );
        const win = window(kernel);
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
          // a 4-D map to 2-D: only [N, C*H*W], the batch as 0, -1 or itself, the rest as -1 or its size
          const [n0, f1] = target.values as number[];
          const features = shape[1] * shape[2] * shape[3];
          const known = shape.slice(1).every((d) => d > 0);
          const flattens =
            (f1 === -1 ? n0 !== -1 : known && f1 === features) &&
            (n0 === 0 || n0 === -1 || shape[0] === -1 || n0 === shape[0]);
          if (!flattens)
            throw new ConvertError(
              'onnx-node',
              `${where}: a reshape of a 4-D map to [${n0}, ${f1}] is not supported, only to [N, C*H*W]`,
            );
        } else if (at.int('axis', 1) !== 1)
          throw new ConvertError('onnx-node', `${where}: only axis 1 is supported`);
        result = g.flatten(x, out);
        const [, h, w, c] = shape;
        if (r === 4 && !nhwc.has(xo) && !(h === 1 && w === 1) && c !== 1) {
          // ONNX flattens in C, H, W order, the IR in H, W, C: only a Gemm/MatMul reading the
          // result can absorb that, by permuting its weight columns
          if (!(h > 0 && w > 0 && c > 0) || !feedsOnlyDense(out))
            throw new ConvertError(
              'onnx-node',
              `${where}: flattening a ${c}x${h}x${w} (CxHxW) map is only supported when it feeds Gemm or MatMul`,
            );
          flattenedChw.set(result, [c, h, w]);
        }
        rank.set(result, 2);
        break;
      }
      case 'Softmax': {
        const given = at.int('axis', opset < 13 ? 1 : -1);
        const axis = given < 0 ? given + r : given;
        const irAxis = r === 4 ? [0, 3, 1, 2][axis] : axis;
        if (opset >= 13 || axis === r - 1) {
          result = g.softmax(x, { axis: irAxis, name: out });
          break;
        }
        // before opset 13: one softmax over each row of the input coerced to
        // [prod(dims[..axis]), prod(dims[axis..])]
        const shape = g.info(x).shape;
        const inner = r === 4 ? shape.slice(axis === 0 ? 0 : 1) : shape.slice(axis);
        if (r === 4 && axis > 1)
          throw new ConvertError(
            'onnx-node',
            `${where}: axis ${given} on a 4-D input is not supported before opset 13`,
          );
        // on a 4-D map (NHWC in the IR) axis 0 or 1 takes all of C, H, W: their order is free
        const back = [...shape];
        if (back.filter((d) => d === -1).length > 1 || inner.some((d) => d < 1))
          throw new ConvertError(
            'onnx-node',
            `${where}: axis ${given} before opset 13 needs static dims from the axis on`,
          );
        const rows = g.reshape(x, [-1, inner.reduce((a, b) => a * b, 1)]);
        result = g.reshape(g.softmax(rows, { axis: 1 }), back, out);
        break;
      }
      case 'Pad': {
        const padsInit = ins[1] ? inits.get(ins[1]) : undefined;
        const p = padsInit ? (padsInit.values as number[]) : at.ints('pads', []);
        const mode = at.string('mode', 'constant');
        if (ins[3])
          throw new ConvertError('onnx-node', `${where}: the axes input is not supported`);
        const value = ins[2]
          ? floatConst(ins[2], `${where} constant_value`).values[0]
          : at.float('value', 0);
        if (mode === 'constant' && value !== 0)
          throw new ConvertError(
            'onnx-node',
            `${where}: constant value ${value} is not supported (only 0)`,
          );
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
        if (node.opType === 'Dropout' && opset < 7 && at.int('is_test', 0) === 0)
          throw new ConvertError(
            'onnx-node',
            `${where}: is_test 0 (training dropout) is not supported`,
          );
        refuseUsedExtraOutputs(node, where);
        alias.set(out, x);
        return;
    }
    for (const o of node.output ?? [])
      if (!rank.has(o)) rank.set(o, node.opType === 'Gemm' || node.opType === 'MatMul' ? 2 : r);
    if (result !== out) alias.set(out, result);
    refuseUsedExtraOutputs(node, where);
  }
  /** Only the first output of a node is imported: refuse a node whose other outputs are used. */
  function refuseUsedExtraOutputs(node: NodeProto, where: string): void {
    for (const [i, o] of (node.output ?? []).entries())
      if (i > 0 && o && (graphOutputs.has(o) || readers.has(o)))
        throw new ConvertError('onnx-node', `${where}: output ${i} ('${o}') is not supported`);
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
