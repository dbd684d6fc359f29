import { checkFinite, QuantizerError } from '../errors.js';
import type { Staircase } from '../staircase.js';
import { type Quantizer, type QuantizerConfig, registerQuantizer } from './quantizer.js';

export interface XnorConfig extends QuantizerConfig {
  name: 'xnor';
  bases: 1;
}

/** XNOR-Net: Q(w) = mean|w| * sign(w), one base. */
export class XnorQuantizer implements Quantizer<XnorConfig> {
  readonly config: Readonly<XnorConfig>;
  readonly label = 'xnor';

  constructor(config: XnorConfig) {
    if (config.bases !== 1) {
      throw new QuantizerError(
        'bases',
        `xnor is a single-base quantizer (bases: 1), got bases: ${config.bases}`,
      );
    }
    this.config = { name: 'xnor', bases: 1 };
  }

  fit(values: ArrayLike<number>): Staircase {
    checkFinite(values, 'values');
    let alpha = 0;
    for (let i = 0; i < values.length; i++) alpha += Math.abs(values[i]);
    alpha /= values.length;
    return { thresholds: Float64Array.of(0), levels: Float64Array.of(-alpha, alpha) };
  }
}

registerQuantizer('xnor', (config) => new XnorQuantizer(config as XnorConfig));
