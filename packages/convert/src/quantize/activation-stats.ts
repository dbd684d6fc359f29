import type { Graph, Node } from '@pabnn/ir';
import { ConvertError } from '../errors.js';

/** Per-channel mean and standard deviation of a value, and whether a ReLU clipped it. */
export interface ChannelStats {
  mean: Float64Array;
  std: Float64Array;
  relu: boolean;
}

const SQRT2 = Math.sqrt(2);

/** erf, Abramowitz and Stegun 7.1.26 (|error| < 1.5e-7). */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/** Mean and standard deviation of max(0, X) for X ~ N(mean, std^2), per channel. */
function rectified(s: ChannelStats): ChannelStats {
  if (!s.relu) return s;
  const mean = new Float64Array(s.mean.length);
  const std = new Float64Array(s.mean.length);
  s.mean.forEach((mu, i) => {
    const sigma = Math.max(s.std[i], 1e-12);
    const a = mu / sigma;
    const cdf = 0.5 * (1 + erf(a / SQRT2));
    const pdf = Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI);
    const m1 = mu * cdf + sigma * pdf;
    const m2 = (mu * mu + sigma * sigma) * cdf + mu * sigma * pdf;
    mean[i] = m1;
    std[i] = Math.sqrt(Math.max(m2 - m1 * m1, 0));
  });
  return { mean, std, relu: false };
}

/**
 * Data-free statistics of the value a conv reads, from the BatchNorms upstream: a BN output
 * is taken as N(beta, gamma^2) per channel; Add sums means and variances (independence);
 * ReLU, MaxPool and Pad pass them through (ReLU marks the result as clipped at 0; an Add
 * of a clipped value uses the rectified Gaussian's moments).
 */
export function statsFromBatchNorm(
  graph: Graph,
  producers: Map<string, Node>,
  value: string,
  reader: string,
): ChannelStats {
  const node = producers.get(value);
  const fail = (why: string): never => {
    throw new ConvertError(
      'calibration',
      `cannot calibrate the input of '${reader}' without data: ${why}; calibrate from sample inputs instead`,
    );
  };
  if (!node) return fail(`'${value}' is a graph input`);
  switch (node.op) {
    case 'BatchNorm': {
      const gamma = graph.constants.get(node.inputs[1]);
      const beta = graph.constants.get(node.inputs[2]);
      if (!gamma || !beta) return fail(`BatchNorm '${node.name}' has non-constant parameters`);
      return {
        mean: Float64Array.from(beta.data),
        std: Float64Array.from(gamma.data, Math.abs),
        relu: false,
      };
    }
    case 'Relu': {
      const s = statsFromBatchNorm(graph, producers, node.inputs[0], reader);
      return { ...s, relu: true };
    }
    case 'MaxPool':
    case 'Pad':
      return statsFromBatchNorm(graph, producers, node.inputs[0], reader);
    case 'Add': {
      const [a, b] = node.inputs.map((v) =>
        rectified(statsFromBatchNorm(graph, producers, v, reader)),
      );
      return {
        mean: a.mean.map((m, i) => m + b.mean[i]),
        std: a.std.map((s, i) => Math.hypot(s, b.std[i])),
        relu: false,
      };
    }
    default:
      return fail(`'${value}' comes from ${node.op} '${node.name}', not from a BatchNorm`);
  }
}
