import './quantizers/abc.js';
import './quantizers/pa.js';
import './quantizers/xnor.js';

export * from './activations.js';
export * from './errors.js';
export * from './metrics.js';
export { normalQuantile } from './normal.js';
export * from './packing.js';
export { type ABCConfig, ABCQuantizer, abcShifts } from './quantizers/abc.js';
export {
  PA_DEFAULTS,
  type PAConfig,
  PAQuantizer,
  THRESHOLD_STRATEGIES,
  type ThresholdStrategy,
} from './quantizers/pa.js';
export * from './quantizers/quantizer.js';
export { type XnorConfig, XnorQuantizer } from './quantizers/xnor.js';
export { SortedValues } from './sorted-values.js';
export * from './staircase.js';
export { type PlottedStaircase, staircasePlot } from './staircase-plot.js';
export * from './weights.js';
