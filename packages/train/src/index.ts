export {
  type AllocateOptions,
  type Allocation,
  allocateBases,
  type BasesChoice,
  type LayerChoices,
} from './allocate/allocate-bases.js';
export {
  binaryOpsCost,
  type ChoiceOptions,
  choicesFromSensitivity,
  type LayerCost,
} from './allocate/choices.js';
export {
  type LayerSensitivity,
  measureSensitivity,
  type OutputError,
  type Sensitivity,
  type SensitivityOptions,
} from './allocate/sensitivity.js';
export {
  type Augmentation,
  type Batch,
  batches,
  batchesPerEpoch,
  epochOrder,
} from './data/batches.js';
export { datasetFromArrays, type ImageDataset, takeImages } from './data/dataset.js';
export { type IdxArray, parseIdx } from './data/idx.js';
export {
  DATASETS,
  type DatasetName,
  FASHION_MNIST_DIR,
  type LoadDatasetOptions,
  loadDataset,
} from './data/load-datasets.js';
export { TrainError } from './errors.js';
export { type Checkpoint, loadCheckpoint, saveCheckpoint } from './loop/checkpoint.js';
export {
  crossEntropy,
  DEFAULT_DISTILL_ALPHA,
  DEFAULT_DISTILL_TEMPERATURE,
  type DistillOptions,
  distillationLoss,
} from './loop/distill.js';
export { type EvaluateOptions, type Evaluation, evaluate } from './loop/evaluate.js';
export {
  evaluateSession,
  type RunsFeeds,
  type SessionEvaluation,
} from './loop/evaluate-session.js';
export {
  type EpochStats,
  type FitOptions,
  type FitResult,
  fit,
  type Progress,
} from './loop/fit.js';
export { Optimizer, type OptimizerName } from './loop/optimizer.js';
export { consoleProgress } from './loop/progress.js';
export {
  type ReestimateBatchNormOptions,
  reestimateBatchNorm,
} from './loop/reestimate-batch-norm.js';
export { learningRateAt, type ScheduleName } from './loop/schedule.js';
export {
  type StagedBinarization,
  weightsBinarizedAt,
} from './loop/staged-binarization.js';
export { TrainableModel, type TrainableModelOptions } from './model/trainable-model.js';
export { batchNormTrain } from './ops/batch-norm.js';
export { conv2d } from './ops/conv2d.js';
export {
  type ActivationQuantizer,
  createActivationQuantizer,
} from './quant/activation-quantizers.js';
export {
  fakeQuantWeights,
  LatentWeightQuantizer,
  quantizeLatent,
} from './quant/weight-fake-quant.js';
export { type Device, ownConvGradients, useDevice } from './tf-setup.js';
