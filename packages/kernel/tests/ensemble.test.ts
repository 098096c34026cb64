import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { train, trainEnsemble } from '../src/index.js';
import { memberData, recorder, toyMlp, withoutTimings } from './fixtures/ensemble.js';
import { toyInferenceData, weightsOf } from './fixtures/toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const common = { model: toyMlp, epochs: 3, learningRate: 0.01, evaluation: { test: toyInferenceData(48) } };

async function memberAmong(others: number) {
  const watched = recorder();
  const members = [{ seed: 7, data: memberData(0), plugins: [watched] }, ...Array.from({ length: others }, (_, k) => ({ seed: 21 + k, data: memberData(k + 1) }))];
  const result = await trainEnsemble({ ...common, members: members.reverse() });
  const mine = result.members.at(-1)!;
  return { watched, weights: weightsOf(mine.model), history: mine.history.map(withoutTimings), result };
}

describe('trainEnsemble', () => {
  it('explore', async () => {
    const alone = await memberAmong(0);
    const solo = recorder();
    const soloResult = await train({ ...common, seed: 7, data: memberData(0), plugins: [solo], progress: false });
    console.log(JSON.stringify(alone.history) === JSON.stringify(soloResult.history.map(withoutTimings)));
    const w1 = alone.weights, w2 = weightsOf(soloResult.model);
    console.log(w1.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - w2[i]![j]!)))));
    const two = await memberAmong(4);
    const w3 = two.weights;
    console.log(w1.map((w, i) => Math.max(...w.map((v, j) => Math.abs(v - w3[i]![j]!)))));
    console.log(JSON.stringify(two.history) === JSON.stringify(alone.history));
  });
});
