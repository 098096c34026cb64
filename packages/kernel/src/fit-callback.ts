import * as tfl from '@tensorflow/tfjs-layers';
import { epochMetricsFields } from './epoch-tally.js';
import { inferencePass } from './evaluate.js';
import { resolveLoss, type LossFunction } from './loss.js';
import { observers, sortPlugins, StopSignal } from './plugins.js';
import type { EpochMetrics, KernelPlugin, TrainingData } from './types.js';

export interface FitCallbackOptions {
  model: tfl.LayersModel;
  /** Observer plugins that need only epoch-level data: onRunStart, onInferencePass, onEpochEnd, onRunEnd. */
  plugins: readonly KernelPlugin[];
  /** The training set in a fixed order, swept in inference mode after every epoch. */
  inferencePassData: TrainingData;
  loss?: 'softmax-cross-entropy' | 'mse' | LossFunction;
  batchesPerEpoch?: number;
}

/**
 * Runs epoch-level observer plugins inside a user's own `model.fit`: after each epoch it passes
 * the training set and calls onInferencePass and onEpochEnd; a plugin's stop() sets `model.stopTraining`.
 * Per-batch hooks and mutators need the kernel's own step, so plugins that have them are refused.
 */
export function fitCallback({ model, plugins, inferencePassData, loss = 'softmax-cross-entropy', batchesPerEpoch = 0 }: FitCallbackOptions): tfl.CustomCallback {
  assertOwnTfjs(model);
  const ordered = sortPlugins(plugins);
  const unsupported = ordered.filter((p) => p.onBatchEnd || p.onEpochStart || p.lossTerms || p.transformGrads || p.adjustLearningRate);
  if (unsupported.length > 0) {
    throw new Error(
      `fitCallback runs epoch-level observers only; ${unsupported.map((p) => p.name).join(', ')} need the mgdl kernel (train()): ` +
        "model.fit hides each batch's logits, so inside it record the 'inference-pass' series (forgettingStatistics({ ids, mode: 'inference-pass' })); " +
        "for per-presentation statistics train with train(), or write the loop yourself (model.trainOnBatch) and call @mgdl/forgetting's dynamicsRecorder update() with each batch's logits",
    );
  }
  const lossFunction = resolveLoss(loss);
  const control = new StopSignal();
  const hooks = observers(ordered, control);
  const epochMetrics: EpochMetrics[] = [];
  let epochs = 0;
  return new tfl.CustomCallback({
    onTrainBegin: async () => {
      epochs = (model as unknown as { history?: { params?: { epochs?: number } } }).history?.params?.epochs ?? 0;
      await hooks.onRunStart({ model, epochs, batchesPerEpoch, startEpoch: 0, startStep: 0, resumed: false, seed: 0, ...epochMetricsFields([]), inferencePass: true });
    },
    onEpochEnd: async (epoch, logs = {}) => {
      const step = (epoch + 1) * batchesPerEpoch;
      await hooks.onInferencePass({ ...(await inferencePass(model, inferencePassData, lossFunction, { withLogits: ordered.some((p) => p.logits) })), epoch, step });
      const metrics: EpochMetrics = {
        epoch,
        step,
        train: { loss: logs['loss'] ?? Number.NaN, ...(logs['acc'] !== undefined ? { accuracy: logs['acc'] } : {}), samples: 0, samplesPerSec: 0, seconds: 0 },
        terms: {},
        learningRate: Number.NaN,
        ...(logs['val_loss'] !== undefined ? { validation: { loss: logs['val_loss'], ...(logs['val_acc'] !== undefined ? { accuracy: logs['val_acc'] } : {}), samples: 0 } } : {}),
      };
      epochMetrics.push(metrics);
      await hooks.onEpochEnd(metrics);
      if (control.reason) model.stopTraining = true;
    },
    onTrainEnd: async () => {
      await hooks.onRunEnd({ epochs: epochMetrics.length, steps: epochMetrics.at(-1)?.step ?? 0, ...(control.reason ? { stopped: control.reason } : {}), ...epochMetricsFields(epochMetrics), seconds: 0 });
    },
  });
}

/**
 * A model from another copy of tfjs-layers than this package's would not run this callback (its
 * model.fit does not know our CustomCallback class) and would mix two tfjs engines' tensors: refuse
 * it at once, with the way out, instead of hanging in fit.
 */
function assertOwnTfjs(model: unknown): void {
  if (model instanceof tfl.LayersModel) return;
  const what = model === null || typeof model !== 'object' ? String(model) : (model.constructor?.name ?? 'an object');
  if (typeof (model as { fit?: unknown } | null)?.fit !== 'function') throw new TypeError(`fitCallback: model must be a tfjs-layers LayersModel, got ${what}`);
  throw new Error(
    `fitCallback: the model (a ${what}) comes from another copy of @tensorflow/tfjs-layers than the one @mgdl/kernel uses (${tfl.version_layers}). ` +
      'Keep one copy of tfjs: `npm ls @tensorflow/tfjs-layers` lists them; mgdl takes tfjs as a peer dependency, so one version of ' +
      '@tensorflow/tfjs (or of tfjs-core, -layers, -backend-cpu, -backend-wasm) in your package.json, then `npm dedupe`, leaves one.',
  );
}
