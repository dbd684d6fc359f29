export { DEFAULT_LIMITS, LimitError, type Limits, resolveLimits } from '@pabnn/ir';
export {
  MetadataError,
  modelLabels,
  modelPreprocess,
  normalizePixels,
  type PixelPreprocess,
  type Prediction,
  softmax,
  topK,
} from './classify.js';
export { SessionError } from './errors.js';
export { type MemoryPlan, planMemory } from './memory-plan.js';
export {
  DEFAULT_MAX_CACHED_PLANS,
  type Fallback,
  type NodeProfile,
  type RunOptions,
  Session,
  type SessionOptions,
  type SessionProfile,
} from './session.js';
