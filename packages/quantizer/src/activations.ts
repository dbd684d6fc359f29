import { type Tensor, tensor } from '@pabnn/ir';
import { checkFinite, QuantizerError } from './errors.js';
import { normalQuantile } from './normal.js';
import { type Quantizer, type QuantizerConfig, toQuantizer } from './quantizers/quantizer.js';
import type { Staircase } from './staircase.js';

/** Activation thresholds and levels in the form PAConv2D takes. */
export interface ActivationQuantization {
  quantizer: QuantizerConfig;
  /** N. */
  bases: number;
  perChannel: boolean;
  /** float32 [N] per layer, or [C, N] per channel. */
  thresholds: Tensor;
  /** float32 [N + 1] per layer, or [C, N + 1] per channel. */
  levels: Tensor;
}

export interface CalibrationOptions {
  /** One staircase per input channel instead of one per layer. Default false. */
  perChannel?: boolean;
  /** Samples kept per staircase (an even stride through the data). Default 65,536. */
  maxSamples?: number;
}

function strided(values: Float64Array, max: number): Float64Array {
  if (values.length <= max) return values;
  const step = values.length / max;
  return Float64Array.from({ length: max }, (_, i) => values[Math.floor(i * step)]);
}

function pack(
  quantizer: Quantizer,
  stairs: Staircase[],
  perChannel: boolean,
): ActivationQuantization {
  const n = quantizer.config.bases;
  const t = new Float32Array(stairs.length * n);
  const v = new Float32Array(stairs.length * (n + 1));
  stairs.forEach((s, c) => {
    t.set(s.thresholds, c * n);
    v.set(s.levels, c * (n + 1));
  });
  return {
    quantizer: { ...quantizer.config },
    bases: n,
    perChannel,
    thresholds: tensor('float32', perChannel ? [stairs.length, n] : [n], t),
    levels: tensor('float32', perChannel ? [stairs.length, n + 1] : [n + 1], v),
  };
}

/**
 * Calibrates activation staircases from sample activations (NHWC, channels last, flattened):
 * the quantizer is fitted to the samples, per layer or per channel.
 */
export function calibrateActivations(
  samples: ArrayLike<number>,
  channels: number,
  quantizerOrConfig: Quantizer | QuantizerConfig,
  options: CalibrationOptions = {},
): ActivationQuantization {
  const quantizer = toQuantizer(quantizerOrConfig);
  if (!Number.isInteger(channels) || channels < 1 || samples.length % channels !== 0) {
    throw new QuantizerError(
      'shape',
      `${samples.length} samples do not split into ${channels} channels`,
    );
  }
  checkFinite(samples, 'activation samples');
  const maxSamples = options.maxSamples ?? 1 << 16;
  if (!options.perChannel) {
    return pack(quantizer, [quantizer.fit(strided(Float64Array.from(samples), maxSamples))], false);
  }
  const rows = samples.length / channels;
  const stairs = Array.from({ length: channels }, (_, c) => {
    const column = Float64Array.from({ length: rows }, (_, r) => samples[r * channels + c]);
    return quantizer.fit(strided(column, maxSamples));
  });
  return pack(quantizer, stairs, true);
}

export interface BatchNormStats {
  /** BN scale per channel: the output's standard deviation. */
  gamma: ArrayLike<number>;
  /** BN shift per channel: the output's mean. */
  beta: ArrayLike<number>;
}

/**
 * Data-free calibration: after BatchNorm, channel c is taken to be N(beta_c, gamma_c^2)
 * (then passed through ReLU if `relu`), represented by `points` Gaussian quantiles per
 * channel; the quantizer is fitted to that synthetic sample, per layer or per channel.
 */
export function calibrateFromBatchNorm(
  stats: BatchNormStats,
  quantizerOrConfig: Quantizer | QuantizerConfig,
  options: CalibrationOptions & { relu?: boolean; points?: number } = {},
): ActivationQuantization {
  const channels = stats.gamma.length;
  if (channels === 0 || stats.beta.length !== channels) {
    throw new QuantizerError('shape', `gamma has ${channels} channels, beta ${stats.beta.length}`);
  }
  checkFinite(stats.gamma, 'BatchNorm gamma');
  checkFinite(stats.beta, 'BatchNorm beta');
  const points = options.points ?? 256;
  const z = Float64Array.from({ length: points }, (_, i) => normalQuantile((i + 0.5) / points));
  const samples = new Float64Array(points * channels);
  for (let p = 0; p < points; p++) {
    for (let c = 0; c < channels; c++) {
      const v = stats.beta[c] + Math.abs(stats.gamma[c]) * z[p];
      samples[p * channels + c] = options.relu ? Math.max(0, v) : v;
    }
  }
  return calibrateActivations(samples, channels, quantizerOrConfig, options);
}
