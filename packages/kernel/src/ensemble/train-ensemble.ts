import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { addStep, emptyTally, epochMetricsFields, epochMetricsOf, isDue } from '../epoch-tally.js';
import { checkFingerprint, readCheckpoint, writeCheckpoint } from '../checkpoint.js';
import { interruptedAt, KernelError } from '../errors.js';
import { resolveLoss, type LossFunction } from '../loss.js';
import { createOptimizer, type OptimizerSpec } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/types.js';
import { createSchedule, type Schedule, type ScheduleSpec } from '../schedules.js';
import { validateRunOptions, type TrainResult } from '../train.js';
import type { KernelBatch, TrainingData } from '../types.js';
import { denseArchitecture, isDenseNet, sameArchitecture } from './architecture.js';
import { restore, snapshot } from './checkpoint.js';
import { evaluateMembers, inferencePassMembers } from './evaluate.js';
import { checkStackable, MemberRun, nextBatches, refuseStackedMutators, type EnsembleMember } from './member.js';
import { PerMemberProducts } from './dense-members.js';
import type { MemberNets } from './member-nets.js';
import { PerMemberModels, sameModels } from './model-members.js';
import { StackedProducts } from './stacked-products.js';
import { ensembleStep } from './step.js';

export interface TrainEnsembleOptions {
  /**
   * Builds one member's net: any model train() trains (the zoo's cnn4, mcnn, textcnn and toneva
   * nets as well as its dense mlp and fcnn). Called once per member with Math.random seeded by the
   * member's seed, exactly as train() calls its factory, so a member starts from its solo run's weights.
   */
  model: () => tfl.LayersModel;
  members: readonly EnsembleMember[];
  epochs: number;
  learningRate: number;
  /** Default Adam. Must update each element from its own gradient and state (adam and sgd do), so that it acts on each member alone. */
  optimizer?: Optimizer | OptimizerSpec;
  /** Default constant; every member follows it. */
  schedule?: Schedule | ScheduleSpec;
  loss?: 'softmax-cross-entropy' | 'mse' | LossFunction;
  /**
   * train()'s inference pass, for every member over its own `inferencePass` data (each member
   * needs one, all with one batch count and size), after every `every`-th epoch (and the last) or
   * the listed ones; delivered to the member's plugins' onInferencePass.
   */
  inferencePass?: { every?: number | readonly number[] };
  /** Evaluation of every member on shared data, as train()'s. */
  evaluation?: { validation?: TrainingData; test?: TrainingData; every?: number | readonly number[] };
  /** Atomic checkpoints of the whole ensemble (every member's weights, stream, epochs and plugin states; the optimizer state) every epoch and every `everySteps` steps, as train()'s. */
  checkpoint?: { dir: string; everySteps?: number; fingerprint?: string };
  /**
   * How the members' products are computed: 'per-member' (default) runs each member's own 2-D
   * products for a dense net (fcnn, mlp), the fastest on plain wasm, and any other net (convolutions,
   * batch norm, embeddings) as each member's own model in a loop inside the one step; 'stacked' stacks the members' weights and runs one batched
   * product per layer and one optimizer update per stacked variable, so per-op costs do not grow
   * with the members — the fast layout where BatchMatMul is native (initBackend's report lists it
   * in `native.kernels`), about 10× slower on plain wasm. Both give the same numbers with the native
   * kernels; a checkpoint resumes in either. 'stacked' takes dense nets only, and no plugin with
   * `lossTerms` or `adjustLearningRate` (those need each member's own model and learning rate).
   */
  products?: 'per-member' | 'stacked';
  /** Continue from the checkpoint in `checkpoint.dir` when there is one. */
  resume?: boolean;
  /** As train()'s: aborting it stops the ensemble after the current batch, checkpointed (with `checkpoint`), and trainEnsemble rejects with a RunInterruptedError. */
  signal?: AbortSignal;
}

export interface EnsembleResult {
  /** Per member, in order: what train() would have returned for it (its model holds its final weights). */
  members: TrainResult[];
  seconds: number;
}

/**
 * Trains S members of one architecture in one pass: one forward and backward pass, one download
 * and one optimizer update per step for all (see PerMemberProducts, StackedProducts and
 * PerMemberModels for what is shared), each
 * member on its own batches, initial weights and dropout masks, with its own plugins seeing only its
 * events and changing only its training (loss terms, gradient transforms, learning-rate factors).
 * Members are independent: a member's results do not depend on its companions. No progress bar yet.
 */
export async function trainEnsemble(options: TrainEnsembleOptions): Promise<EnsembleResult> {
  const { members: specs, epochs, learningRate } = options;
  if (!specs || specs.length === 0) throw new KernelError('trainEnsemble: members is empty; give one { seed, data } per member');
  specs.forEach(({ data }) => validateRunOptions({ epochs, learningRate, data, ...(options.checkpoint ? { checkpoint: options.checkpoint } : {}), ...(options.resume ? { resume: options.resume } : {}) }));
  const batchesPerEpoch = specs[0]!.data.batchesPerEpoch;
  specs.forEach(({ data, inferencePass }, m) => {
    if (options.inferencePass && inferencePass?.batchesPerEpoch !== specs[0]!.inferencePass?.batchesPerEpoch) {
      throw new KernelError(`trainEnsemble: with inferencePass, every member needs inferencePass data with one batch count; member ${m} has ${inferencePass ? `${inferencePass.batchesPerEpoch} batches` : 'none'}, member 0 ${specs[0]!.inferencePass?.batchesPerEpoch ?? 'none'}`);
    }
    if (data.batchesPerEpoch !== batchesPerEpoch) {
      throw new KernelError(`trainEnsemble: member ${m} has ${data.batchesPerEpoch} batches per epoch, member 0 ${batchesPerEpoch}; members step together, so give them training sets of one size and one batchSize`);
    }
  });
  if (options.products === 'stacked') refuseStackedMutators(specs);
  const members: MemberRun[] = [];
  const given = options.optimizer && 'apply' in options.optimizer ? options.optimizer : undefined;
  const optimizer = given ?? createOptimizer((options.optimizer as OptimizerSpec | undefined) ?? { name: 'adam' });
  try {
    specs.forEach((spec, m) => members.push(new MemberRun(m, spec, options.model)));
    const nets = layoutOf(options.products ?? 'per-member', members.map((member) => member.model));
    try {
      return await run(options, members, nets, optimizer);
    } finally {
      nets.dispose();
    }
  } catch (error) {
    for (const member of members) member.model.dispose();
    throw error;
  } finally {
    // An optimizer passed in is the caller's to dispose (its state may be inspected afterwards).
    if (!given) optimizer.dispose();
  }
}

/** Dense nets run as products (stacked or each member's own); any other net as each member's own model. */
function layoutOf(products: NonNullable<TrainEnsembleOptions['products']>, models: readonly tfl.LayersModel[]): MemberNets {
  if (products === 'per-member' && !isDenseNet(models[0]!)) {
    sameModels(models);
    return new PerMemberModels(models);
  }
  const layers = denseArchitecture(models[0]!);
  models.forEach((model, m) => sameArchitecture(layers, denseArchitecture(model), m));
  return products === 'stacked' ? new StackedProducts(layers, models) : new PerMemberProducts(layers, models);
}

async function run(options: TrainEnsembleOptions, members: readonly MemberRun[], nets: MemberNets, optimizer: Optimizer): Promise<EnsembleResult> {
  const { epochs, evaluation, checkpoint } = options;
  const batchesPerEpoch = members[0]!.member.data.batchesPerEpoch;
  const loss = resolveLoss(options.loss ?? 'softmax-cross-entropy');
  const schedule = options.schedule && 'factor' in options.schedule ? options.schedule : createSchedule(options.schedule ?? { name: 'constant' });
  const allPlugins = members.flatMap((member) => member.plugins);
  const keepLogits = allPlugins.some((p) => p.logits && p.onBatchEnd);
  const keepPerSample = keepLogits || allPlugins.some((p) => p.perSample && p.onBatchEnd);
  const passLogits = allPlugins.some((p) => p.logits && p.onInferencePass);
  const dropoutStreams = members.map((member) => member.random);
  const started = performance.now();
  const active = () => members.filter((member) => member.active);

  // A member stopped early keeps being computed with the others (unobserved); its weights at the stop are kept aside and restored at the end.
  const kept = new Map<MemberRun, tf.Tensor[]>();
  let position = { epoch: 0, batchIndex: 0, step: 0 };
  const restored = options.resume && checkpoint ? readCheckpoint(checkpoint.dir, { onDamaged: (message) => process.emitWarning(message, 'CheckpointWarning') }) : undefined;
  if (restored) {
    checkFingerprint(restored, checkpoint!);
    restore(restored, checkpoint!.dir, nets, optimizer, members, kept);
    position = { epoch: restored.epoch, batchIndex: restored.batchIndex, step: restored.step };
  }
  const save = async (next: { epoch: number; batchIndex: number }) => {
    if (!checkpoint) return;
    // Plugins persist what they buffered first, so a resume from this checkpoint misses nothing.
    for (const member of active()) await member.hooks.onCheckpoint({ epoch: next.epoch, step: position.step });
    writeCheckpoint(checkpoint.dir, await snapshot(nets, optimizer, members, kept, { ...next, step: position.step, ...(checkpoint.fingerprint ? { fingerprint: checkpoint.fingerprint } : {}) }));
  };
  const interrupt = async (next: { epoch: number; batchIndex: number }, { saved = false } = {}): Promise<never> => {
    if (!saved) await save(next);
    throw interruptedAt(next, position.step, checkpoint);
  };
  // Called only right after a syncModels (run start, epoch end): the member's model holds its weights.
  const finish = async (member: MemberRun) => {
    if (member.control.reason) kept.set(member, nets.weightsOf(member.index));
    member.summary = member.summarize(started);
    await member.hooks.onRunEnd(member.summary);
  };
  /** Epoch metrics (with one evaluation of all members when due) and onEpochEnd for `ending`; then ends the runs of those stopped. */
  const endEpoch = async (ending: readonly MemberRun[], epoch: number) => {
    if (ending.length === 0) return;
    const due = evaluation && isDue(epoch, epochs, evaluation.every);
    const validation = due && evaluation.validation ? await evaluateMembers(nets, evaluation.validation, loss) : undefined;
    const test = due && evaluation.test ? await evaluateMembers(nets, evaluation.test, loss) : undefined;
    for (const member of ending) {
      const metrics = epochMetricsOf(epoch, member.steps, member.tally, loss.classification, options.learningRate);
      if (validation) metrics.validation = validation[member.index]!;
      if (test) metrics.test = test[member.index]!;
      member.epochMetrics = [...member.epochMetrics, metrics];
    }
    const passes = options.inferencePass && isDue(epoch, epochs, options.inferencePass.every) ? await inferencePassMembers(nets, members.map((member) => member.member.inferencePass!), loss, epoch, passLogits) : undefined;
    nets.syncModels();
    for (const member of ending) {
      if (passes) await member.hooks.onInferencePass({ ...passes[member.index]!, epoch, step: member.steps });
      await member.hooks.onEpochEnd(member.epochMetrics.at(-1)!);
    }
    for (const member of ending) if (member.control.reason) await finish(member);
  };

  try {
    nets.syncModels();
    for (const member of active()) {
      const info = { model: member.model, epochs, batchesPerEpoch, startEpoch: position.epoch, startStep: position.step, resumed: Boolean(restored), seed: member.member.seed, ...epochMetricsFields(member.epochMetrics), inferencePass: Boolean(options.inferencePass) };
      await member.hooks.onRunStart(info);
    }
    // As in train(), a run stopped before its first epoch trains none.
    for (const member of active()) if (member.control.reason) await finish(member);
    for (let epoch = position.epoch; epoch < epochs && active().length > 0; epoch++) {
      if (position.batchIndex === 0) {
        for (const member of active()) {
          member.tally = emptyTally();
          await member.hooks.onEpochStart({ epoch, step: position.step });
        }
      }
      const iterators = members.map((member) => member.member.data.epoch(epoch, position.batchIndex)[Symbol.iterator]());
      try {
        for (let batchIndex = position.batchIndex; batchIndex < batchesPerEpoch && active().length > 0; batchIndex++) {
          const batches = nextBatches(iterators, epoch, batchIndex);
          checkStackable(batches, epoch, batchIndex);
          const t0 = performance.now();
          const learningRate = options.learningRate * schedule.factor({ epoch, step: position.step, stepsPerEpoch: batchesPerEpoch, epochs });
          const mutating = members.filter((member) => member.active && member.mutates);
          // A mutator may read its member's model.
          if (mutating.length > 0) nets.syncModels();
          const mutators = members.map((member) =>
            mutating.includes(member) ? { plugins: member.plugins, ctx: { epoch, step: position.step, batchIndex, batchesPerEpoch, epochs, model: member.model, ...epochMetricsFields(member.epochMetrics) } } : undefined,
          );
          const results = await ensembleStep(nets, batches, { loss, optimizer, learningRate, dropoutStreams, mutators, keepPerSample, keepLogits });
          const step = ++position.step;
          const seconds = (performance.now() - t0) / 1000;
          for (const member of active()) {
            const { meanLoss, correct, terms, learningRate: memberRate, perSample } = results[member.index]!;
            const batch: KernelBatch = batches[member.index]!;
            const total = meanLoss + Object.values(terms).reduce((a, b) => a + b, 0);
            if (!Number.isFinite(total)) {
              throw new KernelError(`trainEnsemble: member ${member.index} (seed ${member.member.seed}): loss is ${total} at epoch ${epoch + 1}, step ${step} (batch ${batch.index}); lower the learning rate or check that member's data`);
            }
            member.steps = step;
            addStep(member.tally, { meanLoss, correct, samples: batch.ids.length, terms, learningRate: memberRate });
            member.tally.seconds += seconds;
            const event = { ...perSample, epoch, step, batchIndex: batch.index, ids: batch.ids, meanLoss, ...(loss.classification ? { correctCount: correct } : {}), terms, learningRate: memberRate };
            await member.hooks.onBatchEnd(event);
            // A stopped member ends its epoch here, as train() does; its weights are kept aside (see `finish`).
            if (member.control.reason) await endEpoch([member], epoch);
          }
          const last = batchIndex === batchesPerEpoch - 1;
          if (checkpoint?.everySteps && step % checkpoint.everySteps === 0 && !last) await save({ epoch, batchIndex: batchIndex + 1 });
          if (options.signal) {
            // As in train(): one turn of the event loop per batch lets signal handlers run.
            await new Promise((resolve) => setImmediate(resolve));
            if (options.signal.aborted && !last) await interrupt({ epoch, batchIndex: batchIndex + 1 });
          }
        }
      } finally {
        for (const iterator of iterators) iterator.return?.();
      }
      position.batchIndex = 0;
      await endEpoch(active(), epoch);
      await save({ epoch: epoch + 1, batchIndex: 0 });
      if (options.signal?.aborted && epoch + 1 < epochs) await interrupt({ epoch: epoch + 1, batchIndex: 0 }, { saved: true });
    }
    for (const member of active()) await finish(member);
    for (const [member, weights] of kept) nets.assignWeights(member.index, weights);
    nets.syncModels();
  } catch (error) {
    for (const member of active()) await member.hooks.onRunError(error, member.summarize(started));
    throw error;
  } finally {
    tf.dispose([...kept.values()].flat());
  }
  return { members: members.map((member) => ({ ...member.summary!, model: member.model })), seconds: (performance.now() - started) / 1000 };
}
