export { train, type TrainOptions, type TrainResult } from './train.js';
export { isDenseNet, trainEnsemble, type EnsembleMember, type EnsembleResult, type TrainEnsembleOptions } from './ensemble/index.js';
export type {
  BatchEndEvent,
  CheckpointEvent,
  EpochMetrics,
  EpochStartEvent,
  EvaluationResult,
  ForwardPass,
  KernelBatch,
  KernelPlugin,
  MutatorHooks,
  ObserverHooks,
  PerSample,
  RunControl,
  RunInfo,
  RunSummary,
  StepContext,
  InferencePassEvent,
  TrainingData,
} from './types.js';
export { KernelError, RunInterruptedError } from './errors.js';
export { evaluate, inferencePass } from './evaluate.js';
export { meanSquaredError, softmaxCrossEntropy, type LossFunction } from './loss.js';
export { adam, createOptimizer, sgd, type OptimizerSpec } from './optimizers/index.js';
export type { Optimizer, OptimizerState } from './optimizers/types.js';
export { constant, cosine, createSchedule, inverseSqrt, stepDecay, type Schedule } from './schedules.js';
export { readCheckpoint, writeCheckpoint, type CheckpointState } from './checkpoint.js';
export { progressReporter, type ProgressOptions } from './progress.js';
export { gradientClipping } from './clipping.js';
export { fitCallback, type FitCallbackOptions } from './fit-callback.js';
export { SeededMathRandom } from '@mgdl/random';
