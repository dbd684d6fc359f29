import { checkFinite, QuantizerError } from '../errors.js';
import { SortedValues } from '../sorted-values.js';
import type { Staircase } from '../staircase.js';
import { pieceMeans } from '../strategies/levels.js';
import { lloydThresholds } from '../strategies/lloyd.js';
import { optimalThresholds } from '../strategies/optimal.js';
import { quantileThresholds } from '../strategies/quantile.js';
import { uniformThresholds } from '../strategies/uniform.js';
import { type Quantizer, type QuantizerConfig, registerQuantizer } from './quantizer.js';

export const THRESHOLD_STRATEGIES = ['optimal', 'lloyd', 'quantile', 'uniform'] as const;
export type ThresholdStrategy = (typeof THRESHOLD_STRATEGIES)[number];

export interface PAConfig extends QuantizerConfig {
  name: 'pa';
  /** M (weights) or N (activations): number of thresholds / bit-planes. */
  bases: number;
  /** How thresholds are placed. Default 'optimal' (lowest error on ResNet-50, reports/approx.md). */
  strategy?: ThresholdStrategy;
  /** 'uniform': the range is +-uniformStd standard deviations around the mean, clipped to the data. */
  uniformStd?: number;
  /** 'lloyd': iteration cap. */
  lloydIterations?: number;
}

export const PA_DEFAULTS = { strategy: 'optimal', uniformStd: 2, lloydIterations: 100 } as const;

/**
 * Piecewise Approximation: thresholds from the chosen strategy, then each piece's level is
 * the mean of its values (the least-squares optimum for those thresholds).
 */
export class PAQuantizer implements Quantizer<PAConfig> {
  readonly config: Readonly<PAConfig>;
  readonly label: string;

  constructor(config: PAConfig) {
    const full = { ...PA_DEFAULTS, ...config };
    if (!THRESHOLD_STRATEGIES.includes(full.strategy)) {
      throw new QuantizerError(
        'config',
        `unknown PA strategy ${JSON.stringify(full.strategy)} (use ${THRESHOLD_STRATEGIES.join(', ')})`,
      );
    }
    if (!(full.uniformStd > 0))
      throw new QuantizerError('config', `uniformStd must be > 0, got ${full.uniformStd}`);
    if (!(Number.isInteger(full.lloydIterations) && full.lloydIterations >= 1)) {
      throw new QuantizerError(
        'config',
        `lloydIterations must be a positive integer, got ${full.lloydIterations}`,
      );
    }
    this.config = full;
    this.label = `pa-${full.strategy}`;
  }

  /** Thresholds in the values' centred coordinates. */
  private thresholds(sv: SortedValues): Float64Array {
    const k = this.config.bases;
    switch (this.config.strategy) {
      case 'uniform':
        return uniformThresholds(sv, k, this.config.uniformStd ?? PA_DEFAULTS.uniformStd);
      case 'quantile':
        return quantileThresholds(sv, k);
      case 'lloyd':
        return lloydThresholds(sv, k, this.config.lloydIterations ?? PA_DEFAULTS.lloydIterations);
      default:
        return optimalThresholds(sv, k);
    }
  }

  fit(values: ArrayLike<number>): Staircase {
    checkFinite(values, 'values');
    return this.fitSorted(new SortedValues(values));
  }

  /** Same as `fit` on values already sorted by SortedValues (lets callers reuse the sort). */
  fitSorted(sv: SortedValues): Staircase {
    const t = this.thresholds(sv);
    const levels = pieceMeans(sv, t);
    return { thresholds: t.map((x) => x + sv.mean), levels: levels.map((x) => x + sv.mean) };
  }
}

registerQuantizer('pa', (config) => new PAQuantizer(config as PAConfig));
