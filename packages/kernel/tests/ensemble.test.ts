import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { Batcher } from '@mgdl/datasets';
import { gradientClipping, KernelError, train, trainEnsemble, type InferencePassEvent, type KernelPlugin, type TrainEnsembleOptions } from '../src/index.js';
import { memberData, recorder, regressionData, toyMlp, withoutTimings } from './fixtures/ensemble.js';
import { toyDataset, toyInferenceData, weightsOf } from './fixtures/toy.js';

let nativeBatchMatMul = false;
beforeAll(async () => {
  const report = await initBackend({ backend: 'wasm', threads: 1 });
  nativeBatchMatMul = report.native.kernels.includes('BatchMatMul');
});

/** The layout under test (see describe.each below). */
let products: NonNullable<TrainEnsembleOptions['products']> = 'per-member';
const baseline = { model: toyMlp, epochs: 3, learningRate: 0.01, evaluation: { test: toyInferenceData(48), every: 2 } };
const common = () => ({ ...baseline, products });

/** Everything a run of one member produced: per-epoch metrics, per-sample arrays of every batch, final weights. */
type Outcome = { epochMetrics: unknown[]; batches: unknown[]; epochEvents: unknown[]; weights: number[][]; stopped?: string | undefined };

/** Member k (seed 7 + k, data k) trained alone with train(). */
async function solo(k: number, options: Pick<TrainEnsembleOptions, 'optimizer' | 'schedule'> = {}, extra: KernelPlugin[] = []): Promise<Outcome> {
  const watched = recorder();
  const result = await train({ ...baseline, ...options, seed: 7 + k, data: memberData(k), plugins: [watched, ...extra], progress: false });
  return { epochMetrics: result.epochMetrics.map(withoutTimings), batches: watched.batches, epochEvents: watched.epochs, weights: weightsOf(result.model), stopped: result.stopped };
}

/** Members `ks` (member k: seed 7 + k, data k) trained as one ensemble, in that order. */
async function ensemble(ks: readonly number[], options: Pick<TrainEnsembleOptions, 'optimizer' | 'schedule'> = {}, extra: (k: number) => KernelPlugin[] = () => []): Promise<Map<number, Outcome>> {
  const watched = ks.map(() => recorder());
  const result = await trainEnsemble({ ...common(), ...options, members: ks.map((k, i) => ({ seed: 7 + k, data: memberData(k), plugins: [watched[i]!, ...extra(k)] })) });
  return new Map(
    ks.map((k, i) => {
      const member = result.members[i]!;
      return [k, { epochMetrics: member.epochMetrics.map(withoutTimings), batches: watched[i]!.batches, epochEvents: watched[i]!.epochs, weights: weightsOf(member.model), stopped: member.stopped }];
    }),
  );
}

// 'stacked' equals train() only where BatchMatMul runs in oneDNN (the same sgemm a solo run makes); CI installs it.
describe.each(['per-member', 'stacked'] as const)('trainEnsemble, %s products', (layout) => {
  beforeAll(() => {
    if (layout === 'stacked' && !nativeBatchMatMul) throw new Error('stacked products need the native BatchMatMul: install libdnnl2 (apt-get install libdnnl2)');
    products = layout;
  });

  it('gives a member the same metrics, per-sample arrays and weights among 0, 1 or 4 companions, wherever it stands', async () => {
    const alone = (await ensemble([0])).get(0)!;
    const withOne = (await ensemble([1, 0])).get(0)!;
    const withFour = (await ensemble([2, 0, 3, 4, 1])).get(0)!;
    expect(alone.batches).toHaveLength(15);
    expect(alone.epochMetrics).toHaveLength(3);
    expect(withOne).toEqual(alone);
    expect(withFour).toEqual(alone);
    // The companions trained on other data from other seeds: had they leaked into the member, it would differ.
    expect((await ensemble([1])).get(1)!.weights).not.toEqual(alone.weights);
  });

  it.each([
    ['adam (dropout, L2, ReLU and tanh layers)', {}],
    ['sgd with momentum on a cosine schedule', { optimizer: { name: 'sgd', momentum: 0.9 }, schedule: { name: 'cosine' } }],
  ] as const)('trains each member exactly as train() trains it alone: %s', async (_, options) => {
    const together = await ensemble([0, 1, 2], options);
    for (const k of [0, 1, 2]) expect(together.get(k)).toEqual(await solo(k, options));
  });

  it("clips each member's gradients by its own norm, exactly as train() with gradientClipping", async () => {
    // maxNorm small enough that every step clips, so a norm over the wrong variables would show.
    const clip = () => [gradientClipping({ maxNorm: 0.05 })];
    const together = await ensemble([0, 1, 2], {}, (k) => (k === 1 ? [] : clip()));
    expect(together.get(0)).toEqual(await solo(0, {}, clip()));
    expect(together.get(1)).toEqual(await solo(1));
    expect(together.get(2)).toEqual(await solo(2, {}, clip()));
    expect(together.get(0)).not.toEqual(await solo(0));
  });

  it("delivers each member's inference pass over its own data, logits included, exactly as train() does", async () => {
    const passData = (k: number) => new Batcher(toyDataset(80, 100 + k), { batchSize: 32, shuffle: false });
    const passRecorder = (): KernelPlugin & { passes: InferencePassEvent[] } => {
      const passes: InferencePassEvent[] = [];
      return { name: 'passes', logits: true, passes, onInferencePass: (e) => void passes.push(e) };
    };
    const watched = [passRecorder(), passRecorder()];
    await trainEnsemble({ ...common(), inferencePass: { every: 2 }, members: [0, 1].map((k) => ({ seed: 7 + k, data: memberData(k), inferencePass: passData(k), plugins: [watched[k]!] })) });
    for (const k of [0, 1]) {
      const alone = passRecorder();
      await train({ ...baseline, seed: 7 + k, data: memberData(k), inferencePass: { data: passData(k), every: 2 }, plugins: [alone], progress: false });
      expect(watched[k]!.passes.map((p) => p.epoch)).toEqual([1, 2]);
      expect(watched[k]!.passes[0]!.logits).toHaveLength(80 * 2);
      expect(watched[k]!.passes).toEqual(alone.passes);
    }
    await expect(trainEnsemble({ ...common(), inferencePass: {}, members: [{ seed: 0, data: memberData(0), inferencePass: passData(0) }, { seed: 1, data: memberData(1) }] })).rejects.toThrow(
      /every member needs inferencePass data with one batch count; member 1 has none, member 0 3/,
    );
  });

  it('trains regression members with mse exactly as train() does', async () => {
    const model = () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 8, activation: 'relu' }), tfl.layers.dense({ units: 2 })] });
    const options = { model, epochs: 3, learningRate: 0.02, loss: 'mse', evaluation: { validation: regressionData(9) } } as const;
    const watched = [recorder(), recorder()];
    const together = await trainEnsemble({ ...options, products, members: [0, 1].map((k) => ({ seed: k, data: regressionData(k), plugins: [watched[k]!] })) });
    for (const k of [0, 1]) {
      const alone = recorder();
      const solo = await train({ ...options, seed: k, data: regressionData(k), plugins: [alone], progress: false });
      expect(together.members[k]!.epochMetrics.map(withoutTimings)).toEqual(solo.epochMetrics.map(withoutTimings));
      expect(watched[k]!.batches).toEqual(alone.batches);
      expect(weightsOf(together.members[k]!.model)).toEqual(weightsOf(solo.model));
    }
    expect(together.members[0]!.epochMetrics.at(-1)!.train.loss).toBeLessThan(together.members[0]!.epochMetrics[0]!.train.loss);
  });

  it('ends a member that a plugin stops where train() would, and trains the others on', async () => {
    const stopAtStep = (step: number): KernelPlugin => ({ name: 'stop', onBatchEnd: (e, control) => void (e.step === step && control.stop(`step ${step}`)) });
    const stopAfterEpoch: KernelPlugin = { name: 'stop', onEpochEnd: (m, control) => void (m.epoch === 0 && control.stop('epoch 1')) };
    const extra = (k: number) => (k === 0 ? [stopAtStep(7)] : k === 1 ? [stopAfterEpoch] : []);
    const together = await ensemble([0, 1, 2], {}, extra);
    expect(together.get(0)!.stopped).toBe('step 7');
    expect(together.get(0)!.epochMetrics).toHaveLength(2);
    expect(together.get(1)!.epochMetrics).toHaveLength(1);
    expect(together.get(2)!.epochMetrics).toHaveLength(3);
    for (const k of [0, 1, 2]) expect(together.get(k)).toEqual(await solo(k, {}, extra(k)));
  });

  it('resumes after a crash or a preemption exactly where an uninterrupted ensemble would be, a member that had ended included', async () => {
    /** Per-sample correct counts by id, as forgetting statistics keep them: a typed array in each member's state, which checkpoints store in binary. */
    const tally = (): KernelPlugin & { state: { correct: Int32Array } } => {
      const state = { correct: new Int32Array(80) };
      return {
        name: 'tally',
        perSample: true,
        state,
        onBatchEnd: (e) => e.ids.forEach((id, i) => (state.correct[id]! += e.correct![i]!)),
        stateDict: () => structuredClone(state),
        loadStateDict: (saved) => void (state.correct = (saved as typeof state).correct),
      };
    };
    const stopAtStep2: KernelPlugin = { name: 'stop', onBatchEnd: (e, control) => void (e.step === 2 && control.stop('step 2')) };
    const crashAtStep9: KernelPlugin = { name: 'crash', onBatchEnd: (e) => void (e.step === 9 && raise('crash at step 9')) };
    const raise = (message: string): never => {
      throw new Error(message);
    };
    /** 'crash': a plugin throws at step 9; 'abort': the run's signal is aborted at step 7 (as a scheduler's preemption warning would). */
    const runEnsemble = async (dir: string | undefined, disruption?: 'crash' | 'abort') => {
      const tallies = [0, 1, 2].map(() => tally());
      const preemption = new AbortController();
      const disrupt: KernelPlugin[] =
        disruption === 'crash' ? [crashAtStep9] : disruption === 'abort' ? [{ name: 'preempt', onBatchEnd: (e) => void (e.step === 7 && preemption.abort()) }] : [];
      const members = [0, 1, 2].map((k) => ({ seed: 7 + k, data: memberData(k), plugins: [tallies[k]!, ...(k === 2 ? [stopAtStep2] : []), ...(k === 1 ? disrupt : [])] }));
      const checkpointing = dir ? { checkpoint: { dir, everySteps: 3, fingerprint: 'test' }, resume: true, signal: preemption.signal } : {};
      const result = await trainEnsemble({ ...common(), epochs: 3, members, ...checkpointing });
      return result.members.map((member, k) => ({ history: member.epochMetrics.map(withoutTimings), stopped: member.stopped, steps: member.steps, weights: weightsOf(member.model), correct: tallies[k]!.state.correct }));
    };
    const uninterrupted = await runEnsemble(undefined);
    expect(uninterrupted[2]!.stopped).toBe('step 2');
    expect(uninterrupted[0]!.steps).toBe(15);
    // Checkpoints at the end of epoch 1 (step 5) and at step 6 (everySteps 3), mid-epoch 2; the crash at step 9 loses steps 7–9.
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-ensemble-'));
    await expect(runEnsemble(dir, 'crash')).rejects.toThrow('crash at step 9');
    expect(await runEnsemble(dir)).toEqual(uninterrupted);
    // An abort at step 7 checkpoints right there (epoch 2, batch 2) and rejects; the resume goes on from it.
    const preempted = mkdtempSync(join(tmpdir(), 'mgdl-ensemble-'));
    await expect(runEnsemble(preempted, 'abort')).rejects.toThrow(/interrupted at epoch 2, batch 2, after step 7; the checkpoint in .* continues it/);
    expect(await runEnsemble(preempted)).toEqual(uninterrupted);
    await expect(trainEnsemble({ ...common(), members: [{ seed: 99, data: memberData(0) }], checkpoint: { dir, fingerprint: 'test' }, resume: true })).rejects.toThrow(/holds members with seeds 7, 8, 9, this ensemble has seeds 99/);
    await expect(trainEnsemble({ ...common(), members: [{ seed: 7, data: memberData(0) }], checkpoint: { dir, fingerprint: 'other' }, resume: true })).rejects.toThrow(/another config/);
  });

  it('leaves no tensor behind: flat across epochs, and none once the models are disposed', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const counter: KernelPlugin = { name: 'count', onEpochEnd: () => void counts.push(tf.memory().numTensors) };
    const result = await trainEnsemble({ ...common(), epochs: 4, members: [0, 1, 2].map((k) => ({ seed: k, data: memberData(k), plugins: k === 0 ? [counter, recorder()] : [] })) });
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    for (const member of result.members) member.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses what it cannot stack, saying what and where', async () => {
    const run = (options: Partial<TrainEnsembleOptions>) => trainEnsemble({ ...common(), members: [0, 1].map((k) => ({ seed: k, data: memberData(k) })), ...options });
    await expect(run({ members: [{ seed: 0, data: memberData(0) }, { seed: 1, data: memberData(1, 112) }] })).rejects.toThrow(/member 1 has 7 batches per epoch, member 0 5/);
    await expect(run({ members: [{ seed: 0, data: memberData(0) }, { seed: 1, data: memberData(1, 70) }] })).rejects.toThrow(/batch 4, member 1's batch is x \[6, 8, 8, 1\]/);
    const warmup: KernelPlugin = { name: 'warmup', adjustLearningRate: ({ step }) => Math.min(1, (step + 1) / 5) };
    // Per member a learning-rate factor is the member's own (tests/ensemble-mutators.test.ts); stacked, it is refused.
    await expect(run({ products: 'stacked', members: [{ seed: 0, data: memberData(0), plugins: [warmup] }] })).rejects.toThrow(/member 0's plugin 'warmup' changes training \(adjustLearningRate\)/);
    await expect(run({ members: [] })).rejects.toThrow(KernelError);
    const l1 = () => tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [64], units: 2, kernelRegularizer: tfl.regularizers.l1({ l1: 0.1 }) })] });
    // Per member, such a net runs as its own model (tests/ensemble-models.test.ts); stacked, it is refused.
    await expect(run({ model: l1, products: 'stacked' })).rejects.toThrow(/kernel regularizer other than L2/);
  });
});
