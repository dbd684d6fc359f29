import type { GraphBuilder } from '@pabnn/ir';
import { ConvertError } from '../errors.js';
import type { NamedWeight } from './weights.js';

/** A Keras layer as model.json describes it. */
export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes?: unknown[];
}

/** What a layer handler works with while importTfjsLayers walks the layers. */
export interface LayerContext {
  g: GraphBuilder;
  /** A weight of the model by its name (`<layer>/kernel`); a typed error when it is missing. */
  weight(name: string): NamedWeight;
  /** The layer's fused activation applied to x (x itself for linear). */
  activation(x: string, act: unknown, name: string): string;
  /** The name of the layer's output before its activation (the layer's own name if linear). */
  linearName(layer: KerasLayer): string;
  /** Marks the layer as an identity: its name refers to `x` from now on. */
  alias(name: string, x: string): void;
}

/**
 * One Keras layer class: emits IR ops for the layer reading `inputs` (IR value names) and returns
 * its output's name.
 */
export type LayerHandler = (ctx: LayerContext, layer: KerasLayer, inputs: string[]) => string;

/** The fused activations a layer may name (its `activation` config). */
export const ACTIVATIONS = new Set(['linear', 'relu', 'relu6', 'softmax']);

export const pair = (v: unknown, what: string): [number, number] => {
  const a = Array.isArray(v) ? v : [v, v];
  if (a.length !== 2 || !a.every((x) => Number.isInteger(x) && x >= 0))
    throw new ConvertError(
      'tfjs-layer',
      `${what} must be two non-negative integers, got ${JSON.stringify(v)}`,
    );
  return [a[0], a[1]];
};
