import { type Graph, GraphBuilder } from '@pabnn/ir';
import { ConvertError } from '../errors.js';
import { ACTIVATIONS, type KerasLayer, type LayerContext } from './layer-context.js';
import { LAYER_HANDLERS } from './layers/index.js';
import type { NamedWeight, TfjsModel } from './weights.js';

/** The Keras layer classes importTfjsLayers reads: InputLayer and one handler each in layers/. */
export const TFJS_LAYERS: readonly string[] = ['InputLayer', ...Object.keys(LAYER_HANDLERS)];
const SUPPORTED = new Set(TFJS_LAYERS);

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
  // identity layers (Dropout, linear Activation) emit nothing: their name refers to their input
  const aliases = new Map<string, string>();
  const resolve = (n: string) => aliases.get(n) ?? n;
  const ctx: LayerContext = {
    g,
    weight: (name: string): NamedWeight => {
      const w = model.weights.get(name);
      if (!w)
        throw new ConvertError('tfjs-weight', `weight '${name}' is missing from the weight files`);
      return w;
    },
    activation: (x, act, name) => {
      if (act === 'relu') return g.relu(x, name);
      if (act === 'relu6') return g.clip(x, 0, 6, name);
      if (act === 'softmax') return g.softmax(x, { name });
      return x;
    },
    linearName: (layer) =>
      layer.config.activation && layer.config.activation !== 'linear'
        ? `${layer.name}/linear`
        : layer.name,
    alias: (name, x) => aliases.set(name, x),
  };
  let previous = '';
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
    previous = LAYER_HANDLERS[layer.class_name](ctx, layer, inputs);
  }
  g.output(...outputs.map(resolve));
  return g.build();
}
