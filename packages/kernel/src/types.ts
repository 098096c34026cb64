import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One mini-batch as the kernel consumes it; @mgdl/datasets' Batcher yields exactly this. */
export interface KernelBatch {
  x: tf.Tensor;
  /** int32 class indices [b] for classification, float targets [b, k] for regression. */
  y: tf.Tensor;
  /** Original sample ids, so per-sample statistics follow a sample through shuffling. */
  ids: Int32Array;
  index: number;
}

/** A source of epochs of batches, resumable mid-epoch; the batch order must be a pure function of (epoch, batch). */
export interface TrainingData {
  readonly batchesPerEpoch: number;
  epoch(epoch: number, fromBatch?: number): Iterable<KernelBatch>;
}

/** Per-sample arrays of one batch (or one inference pass), in the order of `ids`. */
export interface PerSample {
  ids: Int32Array;
  /** 1 where argmax(logits) = label (classification only). */
  correct?: Uint8Array;
  loss: Float32Array;
  /** Logit of the label minus the largest other logit (classification only). */
  margin?: Float32Array;
  /** Softmax probability of the label (classification only). */
  pGold?: Float32Array;
  /** ‖softmax − one-hot(label)‖₂, Paul et al.'s EL2N score (classification only). */
  el2n?: Float32Array;
  /** Every class's logit, row-major [n, classes] (classification, when a plugin sets `logits`). */
  logits?: Float32Array;
  /** The class each sample was trained on (classification, when a plugin sets `logits`). */
  labels?: Int32Array;
}

/*
 * Two words with one meaning everywhere in the kernel, its events, checkpoints and run files:
 * - `epoch` is 0-based in code and files (events.jsonl, checkpoints); only text printed for people
 *   (progress lines, reports, metrics.json's `epoch` = epochs done) counts from 1.
 * - `step` is the number of optimizer steps completed when the hook runs: a mutator inside step k
 *   (1-based) sees k − 1, the onBatchEnd after it sees k, epoch-level events see the steps done so far.
 */

export interface BatchEndEvent extends Partial<PerSample> {
  epoch: number;
  /** Optimizer steps completed, this batch's included. */
  step: number;
  batchIndex: number;
  ids: Int32Array;
  /** The batch's mean data loss (without plugin terms). */
  meanLoss: number;
  /** Correctly classified samples in the batch (classification), without downloading per-sample arrays. */
  correctCount?: number;
  /** Named plugin loss terms of this step. */
  terms: Record<string, number>;
  learningRate: number;
}

/** Per-sample results of the inference pass over the training set after epoch `epoch`. */
export interface InferencePassEvent extends PerSample {
  epoch: number;
  /** Optimizer steps completed. */
  step: number;
}

export interface EvaluationResult {
  loss: number;
  accuracy?: number;
  samples: number;
}

export interface EpochMetrics {
  epoch: number;
  step: number;
  train: { loss: number; accuracy?: number; samples: number; samplesPerSec: number; seconds: number };
  /** Mean of each plugin loss term over the epoch. */
  terms: Record<string, number>;
  learningRate: number;
  validation?: EvaluationResult;
  test?: EvaluationResult;
}

export interface RunInfo {
  model: tfl.LayersModel;
  epochs: number;
  batchesPerEpoch: number;
  /** Where training starts (after a resume: where it left off). */
  startEpoch: number;
  startStep: number;
  resumed: boolean;
  seed: number;
  /** The metrics of the epochs done before this start (restored from the checkpoint on resume; empty otherwise). */
  epochMetrics: readonly EpochMetrics[];
  /** @deprecated use `epochMetrics` (a `History` is @mgdl/forgetting's per-sample record); removed in 0.3.0. */
  history: readonly EpochMetrics[];
  /** Whether the run sweeps the training set in inference mode (train's `inferencePass`, or fitCallback): plugins of that series check it before training. */
  inferencePass: boolean;
}

export interface RunSummary {
  epochs: number;
  steps: number;
  stopped?: string;
  /** One entry per epoch trained, resumed epochs included. */
  epochMetrics: EpochMetrics[];
  /** @deprecated use `epochMetrics`; removed in 0.3.0. */
  history: EpochMetrics[];
  seconds: number;
}

/** What mutators see: where training is and what the step has done so far. */
export interface StepContext {
  epoch: number;
  /** Optimizer steps completed before this one. */
  step: number;
  batchIndex: number;
  batchesPerEpoch: number;
  epochs: number;
  model: tfl.LayersModel;
  /** The epoch metrics so far (the last entry is the previous epoch). */
  epochMetrics: readonly EpochMetrics[];
  /** @deprecated use `epochMetrics`; removed in 0.3.0. */
  history: readonly EpochMetrics[];
}

/** What a loss-term mutator gets, inside the gradient tape: tensors must stay in the tape. */
export interface ForwardPass {
  x: tf.Tensor;
  y: tf.Tensor;
  logits: tf.Tensor;
  /** Per-sample data loss [b]. */
  perSampleLoss: tf.Tensor1D;
  ids: Int32Array;
}

/** Lets a plugin end the run: training stops after the current batch, with the reason in the summary. */
export interface RunControl {
  stop(reason: string): void;
}

/** An epoch is about to start (0-based `epoch`), after `step` optimizer steps. */
export interface EpochStartEvent {
  epoch: number;
  step: number;
}

/** A checkpoint is about to be written at `step`; training resumes from it at `epoch` (0-based). */
export interface CheckpointEvent {
  epoch: number;
  step: number;
}

/** Read-only hooks: they see what happened and may stop the run, never change training. */
export interface ObserverHooks {
  onRunStart?(info: RunInfo, control: RunControl): void | Promise<void>;
  onEpochStart?(event: EpochStartEvent, control: RunControl): void | Promise<void>;
  onBatchEnd?(event: BatchEndEvent, control: RunControl): void | Promise<void>;
  onInferencePass?(event: InferencePassEvent, control: RunControl): void | Promise<void>;
  onEpochEnd?(metrics: EpochMetrics, control: RunControl): void | Promise<void>;
  /**
   * A checkpoint is about to be written at `step` (training resumes at `epoch`, 0-based): write out
   * whatever you buffered, or a resume from it would lose it.
   */
  onCheckpoint?(event: CheckpointEvent, control: RunControl): void | Promise<void>;
  onRunEnd?(summary: RunSummary): void | Promise<void>;
  /**
   * The run failed (a non-finite loss, a throwing plugin or data source): close what you hold.
   * Called instead of onRunEnd, on every plugin, before the error reaches train()'s caller.
   */
  onRunError?(error: unknown, summary: RunSummary): void | Promise<void>;
}

/** Hooks that change training. Called inside the step, in plugin order. */
export interface MutatorHooks {
  /** Named scalar terms added to the mean loss (each logged by name). Runs inside the gradient tape. */
  lossTerms?(forward: ForwardPass, ctx: StepContext): Record<string, tf.Scalar>;
  /** Replaces gradients (e.g. clipping); return the same map or a new one (the kernel disposes replaced tensors). */
  transformGrads?(grads: Record<string, tf.Tensor>, ctx: StepContext): Record<string, tf.Tensor>;
  /** A factor on this step's learning rate (1 leaves it alone). */
  adjustLearningRate?(ctx: StepContext): number;
}

export interface KernelPlugin extends ObserverHooks, MutatorHooks {
  name: string;
  /** Ordering: 'pre' plugins run first, 'post' last; within a group by `order`, then registration. */
  enforce?: 'pre' | 'post';
  order?: number;
  /** Set when onBatchEnd needs the per-sample arrays; without any such plugin they are not downloaded. */
  perSample?: boolean;
  /** Set when onBatchEnd or onInferencePass needs every sample's logits and label too (classification; implies perSample). */
  logits?: boolean;
  /**
   * State saved with every checkpoint: JSON values, plus typed arrays (Float32Array, Float64Array,
   * Int32Array, Uint32Array, Uint8Array) anywhere inside, which the checkpoint stores as bytes in
   * its data file (no base64, exact to the bit). The key '$mgdl-checkpoint-array' is reserved.
   * Return copies, not views of storage that training goes on changing.
   */
  stateDict?(): unknown;
  /** Gets back what `stateDict` returned: equal JSON values and equal typed arrays of the same kinds, each in its own buffer. */
  loadStateDict?(state: unknown): void;
}
