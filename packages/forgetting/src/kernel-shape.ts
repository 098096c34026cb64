/*
 * The part of an @mgdl/kernel plugin that the per-sample plugins here implement (forgetting
 * statistics, data maps, AUM, EL2N, last loss, the interchange writer), written out so that the
 * forgetting core depends on neither the kernel nor tfjs (it runs in a browser on logged data).
 * Every type is a structural subset of the kernel's: a PerSamplePlugin is a KernelPlugin, and the
 * kernel's BatchEndEvent and InferencePassEvent are PerSampleEvents (tests/kernel-shape.test.ts).
 */

/** Per-sample arrays of one batch or inference pass, in the order of `ids` (the kernel's PerSample). */
export interface PerSampleArrays {
  ids: Int32Array;
  /** 1 where argmax(logits) = label (classification only). */
  correct?: Uint8Array;
  loss?: Float32Array;
  /** Logit of the label minus the largest other logit (classification only). */
  margin?: Float32Array;
  /** Softmax probability of the label (classification only). */
  pGold?: Float32Array;
  /** ‖softmax − one-hot(label)‖₂ (classification only). */
  el2n?: Float32Array;
  /** Every class's logit, row-major [n, classes], for plugins that set `logits`. */
  logits?: Float32Array;
  /** The class each sample was trained on, for plugins that set `logits`. */
  labels?: Int32Array;
}

/** What a per-sample plugin reads from the kernel's onBatchEnd and onInferencePass events. */
export interface PerSampleEvent extends PerSampleArrays {
  /** 0-based epoch. */
  epoch: number;
  /** Optimizer steps completed. */
  step: number;
}

/** What a per-sample plugin reads from the kernel's RunInfo. */
export interface RunStartInfo {
  inferencePass: boolean;
  /** Training continues from a checkpoint (the kernel's RunInfo.resumed). */
  resumed?: boolean;
}

/** A kernel plugin fed each batch's or inference pass's per-sample results: pass it to @mgdl/kernel's train() (or fitCallback). */
export interface PerSamplePlugin {
  name: string;
  /** Set when onBatchEnd needs the per-sample arrays. */
  perSample?: boolean;
  /** Set when onBatchEnd or onInferencePass needs every sample's logits and label. */
  logits?: boolean;
  /** The kernel's RunInfo: a plugin of the inference-pass series refuses a run that has none, before training. */
  onRunStart?(info: RunStartInfo, control?: unknown): void;
  /** The kernel also passes its RunControl; these plugins never stop a run. */
  onBatchEnd?(event: PerSampleEvent, control?: unknown): void;
  onInferencePass?(event: PerSampleEvent, control?: unknown): void;
  /** A checkpoint follows: what the plugin wrote must be durable before it. */
  onCheckpoint?(event?: unknown, control?: unknown): void;
  /** The kernel passes its RunSummary; these plugins only check what they recorded. */
  onRunEnd?(summary?: unknown): void;
  /** The run failed: close what the plugin holds. */
  onRunError?(error?: unknown, summary?: unknown): void;
  /** JSON-serialisable state, saved with every checkpoint. */
  stateDict?(): unknown;
  loadStateDict?(state: unknown): void;
}

/** @deprecated use `PerSamplePlugin` (a recorder is now only `dynamicsRecorder`, for your own loop); removed in 0.3.0. */
export type RecorderPlugin = PerSamplePlugin;
