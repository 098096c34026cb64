/**
 * Plugins that change training (loss terms, learning-rate factors) in an ensemble: each member's
 * act on its own forward pass, gradients and learning rate, so a member is still its solo train()
 * run, bit for bit, whatever its companions' plugins.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { train, trainEnsemble, type KernelPlugin } from '../src/index.js';
import { memberData, recorder, toyMlp, withoutTimings } from './fixtures/ensemble.js';
import { toyInferenceData, toyModel, weightsOf } from './fixtures/toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

/** Four fixed 8×8 images off the training set, where the penalty also runs the member's model. */
const extraRows = () => tf.tensor4d(Float32Array.from({ length: 4 * 64 }, (_, i) => Math.sin(i) * 0.5), [4, 8, 8, 1]);

/**
 * Loss terms on all a plugin can reach: the member's logits and per-sample loss, and its model run
 * (in training mode, so with dropout masks from the run's stream) on rows of its own.
 */
const outputPenalty = (): KernelPlugin => ({
  name: 'penalty',
  lossTerms: ({ logits, perSampleLoss }, { model }) => ({
    logits: tf.mul(0.02, tf.mean(tf.square(logits))) as tf.Scalar,
    spread: tf.mul(0.05, tf.mean(tf.square(perSampleLoss))) as tf.Scalar,
    extra: tf.mul(0.05, tf.mean(tf.square(model.apply(extraRows(), { training: true }) as tf.Tensor))) as tf.Scalar,
  }),
});

/** A learning-rate factor from what the member's run has seen: 1/(1 + 2·smoothed batch loss), kept with checkpoints. */
const lossDamping = (): KernelPlugin => {
  let smoothed = 0;
  return {
    name: 'damping',
    adjustLearningRate: () => 1 / (1 + 2 * smoothed),
    onBatchEnd: (event) => void (smoothed = 0.7 * smoothed + 0.3 * event.meanLoss),
    stateDict: () => ({ smoothed }),
    loadStateDict: (state) => void (smoothed = (state as { smoothed: number }).smoothed),
  };
};

const warmup = (): KernelPlugin => ({ name: 'warmup', adjustLearningRate: ({ step }) => Math.min(1, (step + 1) / 6) });

/** Member k's plugins: a loss term, a learning-rate factor, both, or none. */
const pluginsOf: Record<number, () => KernelPlugin[]> = { 0: () => [outputPenalty()], 1: () => [lossDamping()], 2: () => [outputPenalty(), warmup()], 3: () => [] };

const common = { epochs: 3, learningRate: 0.01, evaluation: { test: toyInferenceData(48), every: 2 } };
type Outcome = { epochMetrics: unknown[]; batches: unknown[]; weights: number[][] };

/** Member k (seed 7 + k, data k, plugins k) trained alone with train(). */
async function solo(model: () => tfl.LayersModel, k: number): Promise<Outcome> {
  const watched = recorder();
  const result = await train({ ...common, model, seed: 7 + k, data: memberData(k), plugins: [watched, ...pluginsOf[k]!()], progress: false });
  const outcome = { epochMetrics: result.epochMetrics.map(withoutTimings), batches: watched.batches, weights: weightsOf(result.model) };
  result.model.dispose();
  return outcome;
}

/** Members `ks` trained as one ensemble, in that order. */
async function ensemble(model: () => tfl.LayersModel, ks: readonly number[]): Promise<Map<number, Outcome>> {
  const watched = ks.map(() => recorder());
  const result = await trainEnsemble({ ...common, model, members: ks.map((k, i) => ({ seed: 7 + k, data: memberData(k), plugins: [watched[i]!, ...pluginsOf[k]!()] })) });
  const outcomes = new Map(ks.map((k, i) => [k, { epochMetrics: result.members[i]!.epochMetrics.map(withoutTimings), batches: watched[i]!.batches, weights: weightsOf(result.members[i]!.model) }]));
  for (const member of result.members) member.model.dispose();
  return outcomes;
}

describe.each([
  ['a dense net (its own products)', toyMlp],
  ['a conv net (its own model)', toyModel],
] as const)('trainEnsemble with loss terms and learning-rate factors, %s', (_, model) => {
  it("trains each member bit for bit as train() trains it alone with the same plugins: weights, epoch metrics, logged terms and rates", async () => {
    const together = await ensemble(model, [0, 1, 2, 3]);
    for (const k of [0, 1, 2, 3]) expect(together.get(k), `member ${k}`).toEqual(await solo(model, k));
    const [penalized, damped] = [together.get(0)!, together.get(1)!];
    // The terms are logged per batch and averaged per epoch under <plugin>/<term>, as train() logs them.
    expect(Object.keys((penalized.epochMetrics[0] as { terms: object }).terms).sort()).toEqual(['penalty/extra', 'penalty/logits', 'penalty/spread']);
    expect((penalized.batches[0] as { terms: Record<string, number> }).terms['penalty/logits']).toBeGreaterThan(0);
    // The damped member stepped below the base rate; the plain one at it.
    const rateOf = (outcome: Outcome, batch: number) => (outcome.batches[batch] as { learningRate: number }).learningRate;
    expect(rateOf(damped, 14)).toBeLessThan(0.01);
    expect(rateOf(together.get(3)!, 14)).toBe(0.01);
    expect(rateOf(together.get(2)!, 0)).toBeCloseTo(0.01 / 6, 12);
    // Had the plugins been ignored (or shared), the members would have trained as plain ones.
    expect(penalized.weights).not.toEqual((await ensemble(model, [3])).get(3)!.weights);
  });

  it("keeps a member's results the same whatever its companions' plugins: ensembles of 1 and 3", async () => {
    const alone = (await ensemble(model, [2])).get(2)!;
    expect(alone.batches).toHaveLength(15);
    expect((await ensemble(model, [1, 2, 0])).get(2)).toEqual(alone);
    expect((await ensemble(model, [0, 3, 2])).get(2)).toEqual(alone);
  });
});

describe('trainEnsemble with mutator plugins', () => {
  it("resumes each member's plugin state from the checkpoint: a crash mid-run ends exactly as an uninterrupted run", async () => {
    const crashAtStep8: KernelPlugin = { name: 'crash', onBatchEnd: (e) => void (e.step === 8 && raise('crash at step 8')) };
    const raise = (message: string): never => {
      throw new Error(message);
    };
    const run = async (dir: string | undefined, crash = false) => {
      const members = [0, 1, 2].map((k) => ({ seed: 7 + k, data: memberData(k), plugins: [...pluginsOf[k]!(), ...(crash && k === 1 ? [crashAtStep8] : [])] }));
      const checkpointing = dir ? { checkpoint: { dir, everySteps: 3, fingerprint: 'test' }, resume: true } : {};
      const result = await trainEnsemble({ ...common, model: toyMlp, members, ...checkpointing });
      const outcome = result.members.map((member) => ({ history: member.epochMetrics.map(withoutTimings), weights: weightsOf(member.model) }));
      for (const member of result.members) member.model.dispose();
      return outcome;
    };
    const uninterrupted = await run(undefined);
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-ensemble-mutators-'));
    // The last checkpoint before the crash is at step 6 (mid-epoch 2): the damping member's smoothed loss must come back from it.
    await expect(run(dir, true)).rejects.toThrow('crash at step 8');
    expect(await run(dir)).toEqual(uninterrupted);
  });

  it('leaves no tensor behind: flat across epochs, and none once the models are disposed', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const counter: KernelPlugin = { name: 'count', onEpochEnd: () => void counts.push(tf.memory().numTensors) };
    const members = [0, 1, 2].map((k) => ({ seed: k, data: memberData(k), plugins: [...pluginsOf[k]!(), ...(k === 0 ? [counter, recorder()] : [])] }));
    const result = await trainEnsemble({ ...common, model: toyMlp, epochs: 4, members });
    expect(counts).toHaveLength(4);
    expect(new Set(counts).size).toBe(1);
    for (const member of result.members) member.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses loss terms and learning-rate factors with stacked products, saying to use 'per-member'", async () => {
    for (const k of [0, 1]) {
      const members = [{ seed: 3, data: memberData(3) }, { seed: k, data: memberData(k), plugins: pluginsOf[k]!() }];
      await expect(trainEnsemble({ ...common, model: toyMlp, products: 'stacked', members })).rejects.toThrow(
        new RegExp(`member 1's plugin '${k === 0 ? 'penalty' : 'damping'}' changes training \\(${k === 0 ? 'lossTerms' : 'adjustLearningRate'}\\).*use products 'per-member'`),
      );
    }
  });
});
