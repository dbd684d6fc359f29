import { checkBases, QuantizerError } from '../errors.js';
import type { Staircase } from '../staircase.js';

/** Serializable description of a quantizer; the IR stores it in model metadata. */
export interface QuantizerConfig {
  /** Registered name: 'pa', 'abc', 'xnor', or a user's own. */
  name: string;
  bases: number;
  [option: string]: unknown;
}

/**
 * A quantizer turns a set of real values (one weight channel, or a layer's activations)
 * into a staircase. The same object serves weights, activations, training and conversion.
 */
export interface Quantizer<C extends QuantizerConfig = QuantizerConfig> {
  readonly config: Readonly<C>;
  /** Report name, e.g. 'pa-optimal', 'abc', 'xnor'. */
  readonly label: string;
  /** The staircase for these values. Throws QuantizerError on NaN/Infinity or no values. */
  fit(values: ArrayLike<number>): Staircase;
}

type Factory = (config: QuantizerConfig) => Quantizer;
const factories = new Map<string, Factory>();

/** Makes `createQuantizer({ name, ... })` build your quantizer. */
export function registerQuantizer(name: string, factory: Factory): void {
  if (factories.has(name)) throw new Error(`quantizer '${name}' is already registered`);
  factories.set(name, factory);
}

export function listQuantizers(): string[] {
  return [...factories.keys()].sort();
}

/** Builds a quantizer from its config (or from parsed JSON): validates every field. */
export function createQuantizer(config: unknown): Quantizer {
  if (typeof config !== 'object' || config === null) {
    throw new QuantizerError(
      'config',
      'a quantizer config must be an object like { name: "pa", bases: 4 }',
    );
  }
  const { name, bases } = config as Record<string, unknown>;
  const factory = typeof name === 'string' ? factories.get(name) : undefined;
  if (!factory) {
    throw new QuantizerError(
      'config',
      `unknown quantizer ${JSON.stringify(name)} (registered: ${listQuantizers().join(', ')})`,
    );
  }
  checkBases(bases as number);
  return factory(config as QuantizerConfig);
}

/** The config as plain JSON-able data. */
export function quantizerToJSON(q: Quantizer): QuantizerConfig {
  return { ...q.config };
}

/** Accepts a ready quantizer or a config, so APIs can take either. */
export function toQuantizer(q: Quantizer | QuantizerConfig): Quantizer {
  return typeof (q as Quantizer).fit === 'function' ? (q as Quantizer) : createQuantizer(q);
}
