import { type Graph, GraphBuilder, tensor } from '@pabnn/ir';
import { ConvertError } from '../errors.js';
import { hwioToOhwi, type NamedWeight, type TfjsModel } from './weights.js';

interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown[];
}

const SUPPORTED = new Set([
  'InputLayer',
  'Conv2D',
  'DepthwiseConv2D',
  'Dense',
  'BatchNormalization',
  'Activation',
  'ReLU',
  'ZeroPadding2D',
  'MaxPooling2D',
  'AveragePooling2D',
  'GlobalAveragePooling2D',
  'Add',
  'Concatenate',
  'Flatten',
  'Dropout',
  'Softmax',
]);
const ACTIVATIONS = new Set(['linear', 'relu', 'relu6', 'softmax']);

const pair = (v: unknown, what: string): [number, number] => {
  const a = Array.isArray(v) ? v : [v, v];
  if (a.length !== 2 || !a.every((x) => Number.isInteger(x) && x >= 0))
    throw new ConvertError(
      'tfjs-layer',
      `${what} must be two non-negative integers, got ${JSON.stringify(v)}`,
    );
  return [a[0], a[1]];
};

/**
 * The batch shape of an input layer: Keras 2 writes `batch_input_shape`, Keras 3 `batch_shape`;
 * null (any size) becomes -1.
 */
function inputShape(layer: KerasLayer): number[] {
  const raw = layer.config.batch_input_shape ?? layer.config.batch_shape;
  if (
    !Array.isArray(raw) ||
    raw.length === 0 ||
    !raw.every((d) => d === null || (Number.isSafeInteger(d) && d > 0))
  ) {
    throw new ConvertError(
      'tfjs-layer',
      `input layer '${layer.name}' needs batch_input_shape or batch_shape, a list of positive sizes or null, got ${JSON.stringify(raw)}`,
    );
  }
  return raw.map((d) => (d === null ? -1 : d));
}

/** Names of a functional layer's inputs (node 0 only: shared layers are not supported). */
function inboundNames(layer: KerasLayer): string[] {
  const nodes = layer.inbound_nodes ?? [];
  if (nodes.length > 1)
    throw new ConvertError(
      'tfjs-layer',
      `layer '${layer.name}' is shared (called ${nodes.length} times), which is not supported`,
    );
  if (nodes.length === 0) return [];
  const node = nodes[0];
  const list = Array.isArray(node) ? node : (node as { args?: unknown })?.args;
  if (!Array.isArray(list))
    throw new ConvertError('tfjs-layer', `layer '${layer.name}' has malformed inbound_nodes`);
  return list.map((raw) => {
    // Keras 3 writes each input as a tensor object whose keras_history is [layer, node, index]
    const history = (raw as { config?: { keras_history?: unknown } })?.config?.keras_history;
    const entry = Array.isArray(history) ? history : raw;
    if (!Array.isArray(entry) || typeof entry[0] !== 'string')
      throw new ConvertError('tfjs-layer', `layer '${layer.name}' has a malformed inbound node`);
    if (entry[1] !== 0 || entry[2] !== 0)
      throw new ConvertError(
        'tfjs-layer',
        `layer '${layer.name}' reads output ${entry[1]}/${entry[2]} of '${entry[0]}'; only single-output layers are supported`,
      );
    return entry[0];
  });
}

function layersOf(modelJson: TfjsModel['modelJson']): {
  layers: KerasLayer[];
  sequential: boolean;
  outputs: string[];
} {
  const topology = modelJson?.modelTopology as Record<string, unknown> | undefined;
  const config = (topology?.model_config ?? topology) as
    | { class_name?: string; config?: unknown }
    | undefined;
  if (!config || typeof config !== 'object')
    throw new ConvertError('tfjs-topology', 'model.json has no modelTopology.model_config');
  const inner = config.config as { layers?: unknown; output_layers?: unknown } | unknown[];
  const layers = (
    Array.isArray(inner) ? inner : (inner as { layers?: unknown })?.layers
  ) as KerasLayer[];
  if (!Array.isArray(layers) || layers.length === 0)
    throw new ConvertError('tfjs-topology', 'model_config has no layers');
  for (const [i, l] of layers.entries()) {
    if (
      !l ||
      typeof l.name !== 'string' ||
      typeof l.class_name !== 'string' ||
      typeof l.config !== 'object' ||
      l.config === null
    ) {
      throw new ConvertError('tfjs-topology', `layer ${i} needs a name, class_name and config`);
    }
  }
  if (config.class_name === 'Sequential')
    return { layers, sequential: true, outputs: [layers[layers.length - 1].name] };
  const outputs = (inner as { output_layers?: unknown }).output_layers;
  if (!Array.isArray(outputs))
    throw new ConvertError('tfjs-topology', 'functional model_config has no output_layers');
  return { layers, sequential: false, outputs: outputs.map((o) => String((o as unknown[])[0])) };
}

/**
 * A TF.js layers model (Keras functional or Sequential, channels_last) as an IR graph.
 * Every layer becomes IR ops with the same output name; unsupported layers and activations
 * are all listed in one error.
 */
export function importTfjsLayers(model: TfjsModel): Graph {
  const { layers, sequential, outputs } = layersOf(model.modelJson);
  const problems: string[] = [];
  for (const l of layers) {
    if (!SUPPORTED.has(l.class_name)) problems.push(`${l.name} (${l.class_name})`);
    const act = l.config.activation;
    if (act !== undefined && !ACTIVATIONS.has(String(act)))
      problems.push(`${l.name} (activation '${act}')`);
    if (l.config.data_format !== undefined && l.config.data_format !== 'channels_last')
      problems.push(`${l.name} (data_format ${l.config.data_format})`);
  }
  if (problems.length)
    throw new ConvertError('unsupported', `unsupported layers: ${problems.join(', ')}`);

  const g = new GraphBuilder(
    String(
      (model.modelJson?.modelTopology as { model_config?: { config?: { name?: string } } })
        ?.model_config?.config?.name ?? 'tfjs-model',
    ),
    {
      source: 'tfjs-layers',
    },
  );
  const weight = (name: string): NamedWeight => {
    const w = model.weights.get(name);
    if (!w)
      throw new ConvertError('tfjs-weight', `weight '${name}' is missing from the weight files`);
    return w;
  };
  // identity layers (Dropout, linear Activation) emit nothing: their name refers to their input
  const alias = new Map<string, string>();
  const resolve = (n: string) => alias.get(n) ?? n;
  let previous = '';
  const activation = (x: string, act: unknown, name: string) => {
    switch (act) {
      case 'relu':
        return g.relu(x, name);
      case 'relu6':
        return g.clip(x, 0, 6, name);
      case 'softmax':
        return g.softmax(x, { name });
      default:
        return x;
    }
  };
  for (const layer of layers) {
    const c = layer.config;
    const name = layer.name;
    let inputs = (sequential ? (previous ? [previous] : []) : inboundNames(layer)).map(resolve);
    if (
      layer.class_name === 'InputLayer' ||
      (sequential && !previous && Array.isArray(c.batch_input_shape ?? c.batch_shape))
    ) {
      const shape = inputShape(layer);
      const inputName = layer.class_name === 'InputLayer' ? name : `${name}_input`;
      g.input(inputName, 'float32', shape);
      previous = inputName;
      if (layer.class_name === 'InputLayer') continue;
      inputs = [inputName];
    }
    const x = inputs[0];
    const outName = (core: string) =>
      c.activation && c.activation !== 'linear' ? `${name}/linear` : core;
    let out: string;
    switch (layer.class_name) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        const k = weight(`${name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
        let w: NamedWeight;
        if (depthwise) {
          const [kh, kw, ch, mult] = k.shape;
          const data = new Float32Array(k.data.length);
          for (let y = 0; y < kh; y++)
            for (let xx = 0; xx < kw; xx++)
              for (let ci = 0; ci < ch; ci++)
                for (let j = 0; j < mult; j++)
                  data[((ci * mult + j) * kh + y) * kw + xx] =
                    k.data[((y * kw + xx) * ch + ci) * mult + j];
          w = { shape: [ch * mult, kh, kw, 1], data };
        } else w = hwioToOhwi(k);
        const wName = g.constant(tensor('float32', w.shape, w.data), `${name}/weight`);
        const bias = c.use_bias
          ? g.constant(tensor('float32', [w.shape[0]], weight(`${name}/bias`).data), `${name}/bias`)
          : undefined;
        const opts = {
          name: outName(name),
          stride: pair(c.strides ?? 1, `${name} strides`),
          dilation: pair(c.dilation_rate ?? 1, `${name} dilation_rate`),
          padding: c.padding === 'same' ? ('same' as const) : ('valid' as const),
          bias,
        };
        out = depthwise ? g.depthwiseConv2d(x, wName, opts) : g.conv2d(x, wName, opts);
        out = activation(out, c.activation, name);
        break;
      }
      case 'Dense': {
        const k = weight(`${name}/kernel`);
        const [inF, outF] = k.shape;
        const t = new Float32Array(k.data.length);
        for (let i = 0; i < inF; i++)
          for (let o = 0; o < outF; o++) t[o * inF + i] = k.data[i * outF + o];
        const bias = c.use_bias
          ? g.constant(tensor('float32', [outF], weight(`${name}/bias`).data), `${name}/bias`)
          : undefined;
        out = g.dense(x, g.constant(tensor('float32', [outF, inF], t), `${name}/weight`), {
          bias,
          name: outName(name),
        });
        out = activation(out, c.activation, name);
        break;
      }
      case 'BatchNormalization': {
        const axis = Array.isArray(c.axis) ? c.axis[0] : c.axis;
        if (axis !== -1 && axis !== 3)
          throw new ConvertError(
            'tfjs-layer',
            `layer '${name}': BatchNormalization over axis ${axis}; only the channel axis is supported`,
          );
        const ch = weight(`${name}/moving_mean`).shape[0];
        const p = (what: string, fallback: number, present = true) =>
          g.constant(
            tensor(
              'float32',
              [ch],
              present ? weight(`${name}/${what}`).data : new Float32Array(ch).fill(fallback),
            ),
            `${name}/${what}`,
          );
        out = g.batchNorm(
          x,
          {
            gamma: p('gamma', 1, c.scale !== false),
            beta: p('beta', 0, c.center !== false),
            mean: p('moving_mean', 0),
            variance: p('moving_variance', 1),
          },
          { epsilon: Number(c.epsilon ?? 1e-3), name },
        );
        break;
      }
      case 'Activation':
        out = activation(x, c.activation, name);
        if (out === x) alias.set(name, x);
        break;
      case 'ReLU':
        out = c.max_value ? g.clip(x, 0, Number(c.max_value), name) : g.relu(x, name);
        break;
      case 'Softmax':
        out = g.softmax(x, { name });
        break;
      case 'ZeroPadding2D': {
        const p = c.padding;
        const [[t, b], [l, r]] =
          Array.isArray(p) && Array.isArray(p[0])
            ? (p as [[number, number], [number, number]])
            : [pair(p, `${name} padding`), pair(p, `${name} padding`)];
        out = g.pad(x, [t, l, b, r], name);
        break;
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const size = pair(c.pool_size ?? 2, `${name} pool_size`);
        const opts = {
          name,
          stride: pair(c.strides ?? size, `${name} strides`),
          padding: c.padding === 'same' ? ('same' as const) : ('valid' as const),
        };
        out =
          layer.class_name === 'MaxPooling2D' ? g.maxPool(x, size, opts) : g.avgPool(x, size, opts);
        break;
      }
      case 'GlobalAveragePooling2D':
        out = g.globalAvgPool(x, { name });
        break;
      case 'Add':
        out = inputs
          .slice(1)
          .reduce((acc, y, i) => g.add(acc, y, i === inputs.length - 2 ? name : `${name}/${i}`), x);
        break;
      case 'Concatenate':
        out = g.concat(inputs, { axis: Number(c.axis ?? -1), name });
        break;
      case 'Flatten':
        out = g.flatten(x, name);
        break;
      default: // Dropout: identity at inference
        alias.set(name, x);
        out = x;
    }
    previous = out;
  }
  g.output(...outputs.map(resolve));
  return g.build();
}
