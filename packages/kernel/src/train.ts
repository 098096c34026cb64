import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkFingerprint, readCheckpoint, writeCheckpoint, type CheckpointState, type NamedArray } from './checkpoint.js';
import { interruptedAt, KernelError } from './errors.js';
import { evaluate, inferencePass } from './evaluate.js';
import { resolveLoss, type LossFunction } from './loss.js';
import { createOptimizer } from './optimizers/index.js';
import type { Optimizer } from './optimizers/types.js';
import { addStep, emptyTally, epochMetricsFields, epochMetricsOf, isDue, type EpochTally } from './epoch-tally.js';
import { observers, sortPlugins, StopSignal } from './plugins.js';
import { progressReporter, type ProgressOptions } from './progress.js';
import { SeededMathRandom } from '@mgdl/random';
import { createSchedule, type Schedule } from './schedules.js';
import { trainStep } from './step.js';
import type { EpochMetrics, KernelPlugin, RunSummary, StepContext, TrainingData } from './types.js';

export interface TrainOptions {
  /** A model, or a factory the kernel calls with Math.random seeded (repeatable initial weights). */
  model: tfl.LayersModel | (() => tfl.LayersModel);
  data: TrainingData;
  epochs: number;
  learningRate: number;
  /** Default Adam. */
  optimizer?: Optimizer | Parameters<typeof createOptimizer>[0];
  /** Default constant. */
  schedule?: Schedule | Parameters<typeof createSchedule>[0];
  loss?: 'softmax-cross-entropy' | 'mse' | LossFunction;
  plugins?: readonly KernelPlugin[];
  /** Seeds dropout masks and (with a model factory) initial weights. The batch order is the data's own seed. */
  seed?: number;
  /** Validation/test loss and accuracy after every `every`-th epoch (and the last), or after the listed epochs (1-based). */
  evaluation?: { validation?: TrainingData; test?: TrainingData; every?: number | readonly number[] };
  /** A full pass over the training set in inference mode, delivered to plugins' onInferencePass. */
  inferencePass?: { data: TrainingData; every?: number | readonly number[] };
  /**
   * Atomic checkpoints every epoch (and every `everySteps` steps when set). With `fingerprint` (e.g.
   * of the run's resolved config), a resume refuses a checkpoint written under another one.
   */
  checkpoint?: { dir: string; everySteps?: number; fingerprint?: string };
  /** Continue from the checkpoint in `checkpoint.dir` when there is one. */
  resume?: boolean;
  /**
   * Aborting it stops the run after the current batch: a checkpoint is written there (with
   * `checkpoint`) and train() rejects with a RunInterruptedError, so a resume continues exactly.
   */
  signal?: AbortSignal;
  /** Progress bar on a TTY, plain lines otherwise; false for none. Default: on. */
  progress?: boolean | ProgressOptions;
}

export interface TrainResult extends RunSummary {
  model: tfl.LayersModel;
}

/** Trains `model` on `data`; the one place where mgdl trains. */
export async function train(options: TrainOptions): Promise<TrainResult> {
  validateRunOptions(options);
  const seed = options.seed ?? 0;
  const random = new SeededMathRandom(seed);
  random.install();
  try {
    return await run(options, seed, random);
  } finally {
    random.uninstall();
  }
}

async function run(options: TrainOptions, seed: number, random: SeededMathRandom): Promise<TrainResult> {
  const { data, epochs, checkpoint } = options;
  const model = typeof options.model === 'function' ? options.model() : options.model;
  const loss = resolveLoss(options.loss ?? 'softmax-cross-entropy');
  const optimizer = options.optimizer && 'apply' in options.optimizer ? options.optimizer : createOptimizer(options.optimizer ?? { name: 'adam' });
  const schedule = options.schedule && 'factor' in options.schedule ? options.schedule : createSchedule(options.schedule ?? { name: 'constant' });
  const progress = options.progress === false ? [] : [progressReporter(options.progress === true || options.progress === undefined ? {} : options.progress)];
  const plugins = sortPlugins([...(options.plugins ?? []), ...progress]);
  const keepLogits = plugins.some((p) => p.logits && p.onBatchEnd);
  const keepPerSample = keepLogits || plugins.some((p) => p.perSample && p.onBatchEnd);
  const passLogits = plugins.some((p) => p.logits && p.onInferencePass);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const control = new StopSignal();
  const hooks = observers(plugins, control);
  const started = performance.now();

  let position = { epoch: 0, batchIndex: 0, step: 0 };
  let epochMetricsSoFar: EpochMetrics[] = [];
  let tally = emptyTally();
  const restored = options.resume && checkpoint ? readCheckpoint(checkpoint.dir, { onDamaged: (message) => process.emitWarning(message, 'CheckpointWarning') }) : undefined;
  if (restored) {
    checkFingerprint(restored, checkpoint!);
    restore(restored, model, optimizer, variables, plugins, random);
    position = { epoch: restored.epoch, batchIndex: restored.batchIndex, step: restored.step };
    epochMetricsSoFar = restored.history;
    tally = restored.epochTally;
  }
  let checkpointsWritten = 0;
  const save = async (next: { epoch: number; batchIndex: number }) => {
    if (!checkpoint) return;
    // Plugins persist what they buffered first, so a resume from this checkpoint misses nothing.
    await hooks.onCheckpoint({ epoch: next.epoch, step: position.step });
    writeCheckpoint(checkpoint.dir, await snapshot(model, optimizer, plugins, { ...next, step: position.step, seed, ...(checkpoint.fingerprint ? { fingerprint: checkpoint.fingerprint } : {}), randomState: random.saved, history: epochMetricsSoFar, epochTally: tally }));
    checkpointsWritten++;
  };
  const interrupt = async (next: { epoch: number; batchIndex: number }, { saved = false } = {}): Promise<never> => {
    if (!saved) await save(next);
    throw interruptedAt(next, position.step, checkpoint);
  };
  const summarize = (): RunSummary => ({ epochs: epochMetricsSoFar.length, steps: position.step, ...(control.reason ? { stopped: control.reason } : {}), ...epochMetricsFields(epochMetricsSoFar), seconds: (performance.now() - started) / 1000 });

  try {
    await hooks.onRunStart({ model, epochs, batchesPerEpoch: data.batchesPerEpoch, startEpoch: position.epoch, startStep: position.step, resumed: Boolean(restored), seed, ...epochMetricsFields(epochMetricsSoFar), inferencePass: Boolean(options.inferencePass) });
    for (let epoch = position.epoch; epoch < epochs && !control.reason; epoch++) {
      if (position.batchIndex === 0) {
        tally = emptyTally();
        await hooks.onEpochStart({ epoch, step: position.step });
      }
      for (const batch of data.epoch(epoch, position.batchIndex)) {
        const t0 = performance.now();
        const ctx: StepContext = { epoch, step: position.step, batchIndex: batch.index, batchesPerEpoch: data.batchesPerEpoch, epochs, model, ...epochMetricsFields(epochMetricsSoFar) };
        const baseLearningRate = options.learningRate * schedule.factor({ epoch, step: position.step, stepsPerEpoch: data.batchesPerEpoch, epochs });
        const result = await trainStep(model, batch, ctx, { loss, optimizer, plugins, baseLearningRate, keepPerSample, keepLogits });
        const total = result.meanLoss + Object.values(result.terms).reduce((a, b) => a + b, 0);
        if (!Number.isFinite(total)) {
          const kept = checkpointsWritten > 0 || restored ? ` The last good checkpoint in ${checkpoint!.dir} is kept.` : checkpoint ? ' No checkpoint was written before it.' : '';
          throw new KernelError(`loss is ${total} at epoch ${epoch + 1}, step ${position.step + 1} (batch ${batch.index}); lower the learning rate or check the data.${kept}`);
        }
        position.step++;
        addStep(tally, { meanLoss: result.meanLoss, correct: result.correct, samples: batch.ids.length, terms: result.terms, learningRate: result.learningRate });
        const perSample = result.perSample;
        tally.seconds += (performance.now() - t0) / 1000;
        await hooks.onBatchEnd({ ...perSample, epoch, step: position.step, batchIndex: batch.index, ids: batch.ids, meanLoss: result.meanLoss, ...(loss.classification ? { correctCount: result.correct } : {}), terms: result.terms, learningRate: result.learningRate });
        const last = batch.index === data.batchesPerEpoch - 1;
        if (checkpoint?.everySteps && position.step % checkpoint.everySteps === 0 && !last) await save({ epoch, batchIndex: batch.index + 1 });
        if (options.signal) {
          // A step's awaits settle as microtasks, so signal handlers (which abort) would never run
          // during training without one turn of the event loop per batch.
          await new Promise((resolve) => setImmediate(resolve));
          // At an epoch's last batch the epoch is finished (and checkpointed) below, then the run stops.
          if (options.signal.aborted && !last) await interrupt({ epoch, batchIndex: batch.index + 1 });
        }
        if (control.reason) break;
      }
      position.batchIndex = 0;
      const metrics = await epochMetrics(epoch, position.step, tally, model, loss, options);
      epochMetricsSoFar = [...epochMetricsSoFar, metrics];
      if (options.inferencePass && isDue(epoch, epochs, options.inferencePass.every)) {
        await hooks.onInferencePass({ ...(await inferencePass(model, options.inferencePass.data, loss, { withLogits: passLogits })), epoch, step: position.step });
      }
      await hooks.onEpochEnd(metrics);
      await save({ epoch: epoch + 1, batchIndex: 0 });
      if (options.signal?.aborted && epoch + 1 < epochs) await interrupt({ epoch: epoch + 1, batchIndex: 0 }, { saved: true });
    }
  } catch (error) {
    await hooks.onRunError(error, summarize());
    throw error;
  }
  const summary = summarize();
  await hooks.onRunEnd(summary);
  return { ...summary, model };
}

async function epochMetrics(epoch: number, step: number, tally: EpochTally, model: tfl.LayersModel, loss: LossFunction, options: TrainOptions): Promise<EpochMetrics> {
  const metrics = epochMetricsOf(epoch, step, tally, loss.classification, options.learningRate);
  const { evaluation } = options;
  if (evaluation && isDue(epoch, options.epochs, evaluation.every)) {
    if (evaluation.validation) metrics.validation = await evaluate(model, evaluation.validation, loss);
    if (evaluation.test) metrics.test = await evaluate(model, evaluation.test, loss);
  }
  return metrics;
}

async function snapshot(
  model: tfl.LayersModel,
  optimizer: Optimizer,
  plugins: readonly KernelPlugin[],
  state: Omit<CheckpointState, 'weights' | 'optimizer' | 'plugins'>,
): Promise<CheckpointState> {
  const weights: NamedArray[] = await Promise.all(
    model.weights.map(async (w) => {
      const value = w.read();
      return { name: w.name, shape: value.shape, dtype: value.dtype === 'int32' ? 'int32' : 'float32', values: (await value.data()) as Float32Array | Int32Array } as NamedArray;
    }),
  );
  const optimizerState = await optimizer.state();
  return {
    ...state,
    weights,
    optimizer: {
      name: optimizer.name,
      scalars: optimizerState.scalars,
      slots: Object.entries(optimizerState.slots).map(([name, slot]) => ({ name, shape: slot.shape, dtype: 'float32', values: slot.values })),
    },
    plugins: Object.fromEntries(plugins.filter((p) => p.stateDict).map((p) => [p.name, p.stateDict!()])),
  };
}

function restore(state: CheckpointState, model: tfl.LayersModel, optimizer: Optimizer, variables: tf.Variable[], plugins: readonly KernelPlugin[], random: SeededMathRandom): void {
  const byName = new Map(state.weights.map((w) => [w.name, w]));
  for (const weight of model.weights) {
    const saved = byName.get(weight.name);
    if (!saved || saved.shape.join() !== weight.shape.join()) {
      throw new KernelError(`the checkpoint does not fit this model: weight '${weight.name}' [${weight.shape.join(', ')}] is ${saved ? `[${saved.shape.join(', ')}]` : 'missing'} there`);
    }
    weight.write(tf.tensor(saved.values, saved.shape, saved.dtype));
  }
  if (state.optimizer.name !== optimizer.name) throw new KernelError(`the checkpoint was written with optimizer '${state.optimizer.name}', this run uses '${optimizer.name}'`);
  optimizer.loadState(
    { scalars: state.optimizer.scalars, slots: Object.fromEntries(state.optimizer.slots.map((s) => [s.name, { shape: s.shape, values: s.values as Float32Array }])) },
    variables,
  );
  for (const plugin of plugins) if (plugin.loadStateDict && plugin.name in state.plugins) plugin.loadStateDict(state.plugins[plugin.name]);
  random.saved = state.randomState;
}

/** The checks every run's options pass before training starts (trainEnsemble's members' too). */
export function validateRunOptions({ epochs, learningRate, data, checkpoint, resume }: Pick<TrainOptions, 'epochs' | 'learningRate' | 'data' | 'checkpoint' | 'resume'>): void {
  if (!Number.isInteger(epochs) || epochs < 1) throw new KernelError(`epochs must be a positive integer, got ${epochs}`);
  if (!(learningRate > 0) || !Number.isFinite(learningRate)) throw new KernelError(`learningRate must be a positive number, got ${learningRate}`);
  if (!data || !(data.batchesPerEpoch > 0)) throw new KernelError('data must provide at least one batch per epoch (batchesPerEpoch > 0)');
  if (resume && !checkpoint) throw new KernelError('resume needs checkpoint.dir: where to resume from');
  if (checkpoint?.everySteps !== undefined && !(Number.isInteger(checkpoint.everySteps) && checkpoint.everySteps > 0)) {
    throw new KernelError(`checkpoint.everySteps must be a positive integer, got ${checkpoint.everySteps}`);
  }
}
