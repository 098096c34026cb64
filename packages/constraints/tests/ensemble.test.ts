/**
 * The constraint plugins in @mgdl/kernel's trainEnsemble, where an experiment trains its seeds
 * together: each member's plugin acts on its own forward pass, model and learning rate, so every
 * member ends exactly where its solo train() run with the same plugin ends.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { train, trainEnsemble, type EpochMetrics, type KernelPlugin } from '@mgdl/kernel';
import { bedConstraints, constraintLearningRate, constraintLoss } from '../src/index.js';
import { arrayData, bedSamples, sand, tinyModel, weightsOf } from './fixtures.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const { all } = bedConstraints({ system: sand, inputs: ['superficialVelocity'] });
const collocation = [[0.35], [0.6], [0.95]];
/** Each arm's plugin, fresh per run (plugins keep state). */
const arms: Record<string, () => KernelPlugin[]> = {
  plain: () => [],
  warmup: () => [constraintLoss(all, { weight: { warmupEpochs: 2, weight: 4 }, collocation })],
  // Measures both gradients on the member's own model every step.
  annealed: () => [constraintLoss(all, { weight: 'adaptive', adaptive: { every: 1, max: 50 }, collocation })],
  gradnorm: () => [constraintLoss(all, { weight: 'gradnorm', gradnorm: { max: 50 }, collocation })],
  lr: () => [constraintLearningRate(all, { form: 'inverse', beta: 5 })],
};
const options = { model: () => tinyModel(), epochs: 3, learningRate: 0.01, loss: 'mse' } as const;
/** Member k's own rows of the bed (every other sample, shifted by k) in batches of 4. */
const dataOf = (k: number) => {
  const { x, y } = bedSamples(17);
  const rows = x.map((_, i) => i).filter((i) => i % 2 === k % 2).slice(0, 8);
  return arrayData(rows.map((i) => x[i]!), rows.map((i) => y[i]!), 4);
};
const timeless = ({ train: { seconds: _s, samplesPerSec: _r, ...rest }, ...metrics }: EpochMetrics) => ({ ...metrics, train: rest });

describe('constraint plugins in an ensemble', () => {
  it('give every member, one per arm, the weights, terms and learning rates of its solo train() run, bit for bit', async () => {
    const names = Object.keys(arms);
    const together = await trainEnsemble({ ...options, members: names.map((arm, k) => ({ seed: k, data: dataOf(k), plugins: arms[arm]!() })) });
    for (const [k, arm] of names.entries()) {
      const alone = await train({ ...options, seed: k, data: dataOf(k), plugins: arms[arm]!(), progress: false });
      const member = together.members[k]!;
      expect(member.epochMetrics.map(timeless), arm).toEqual(alone.epochMetrics.map(timeless));
      expect(weightsOf(member.model), arm).toEqual(weightsOf(alone.model));
    }
    // The arms did act: a loss term was logged, and the lr arm's rate fell below the base rate.
    expect(Object.keys(together.members[2]!.epochMetrics[0]!.terms)).toEqual(['constraint-loss:bubbling-bed/violation']);
    expect(together.members[4]!.epochMetrics.at(-1)!.learningRate).toBeLessThan(0.01);
  });
});
