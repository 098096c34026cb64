import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { train, trainEnsemble, type KernelPlugin } from '../src/index.js';
import { memberData, recorder, withoutTimings } from './fixtures/ensemble.js';
import { toyInferenceData, toyModel, weightsOf } from './fixtures/toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

/** A conv net with batch norm (its running statistics change in every training step) and max pooling. */
function batchNormNet(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', useBias: false }));
  model.add(tfl.layers.batchNormalization({ momentum: 0.9 }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 2, kernelRegularizer: tfl.regularizers.l2({ l2: 1e-3 }) }));
  return model;
}

type Outcome = { epochMetrics: unknown[]; batches: unknown[]; weights: number[][] };
const common = { epochs: 3, learningRate: 0.01, evaluation: { test: toyInferenceData(48), every: 2 } };

// Conv2D → Flatten → Dropout → Dense (dropout masks from the member's stream), and Conv2D → BatchNorm → MaxPool → Dense (running statistics per member).
describe.each([
  ['a conv net with dropout', toyModel],
  ['a conv net with batch norm and pooling', batchNormNet],
] as const)('trainEnsemble of %s (each member its own model)', (_, model) => {
  /** Member k (seed 7 + k, data k) trained alone with train(). */
  async function solo(k: number): Promise<Outcome> {
    const watched = recorder();
    const result = await train({ ...common, model, seed: 7 + k, data: memberData(k), plugins: [watched], progress: false });
    const outcome = { epochMetrics: result.epochMetrics.map(withoutTimings), batches: watched.batches, weights: weightsOf(result.model) };
    result.model.dispose();
    return outcome;
  }

  /** Members `ks` (member k: seed 7 + k, data k) trained as one ensemble, in that order. */
  async function ensemble(ks: readonly number[]): Promise<Map<number, Outcome>> {
    const watched = ks.map(() => recorder());
    const result = await trainEnsemble({ ...common, model, members: ks.map((k, i) => ({ seed: 7 + k, data: memberData(k), plugins: [watched[i]!] })) });
    const outcomes = new Map(ks.map((k, i) => [k, { epochMetrics: result.members[i]!.epochMetrics.map(withoutTimings), batches: watched[i]!.batches, weights: weightsOf(result.members[i]!.model) }]));
    for (const member of result.members) member.model.dispose();
    return outcomes;
  }

  it('gives a member the same metrics, per-sample arrays and weights (running statistics included) in ensembles of 1, 2 and 3', async () => {
    const alone = (await ensemble([0])).get(0)!;
    expect(alone.batches).toHaveLength(15);
    expect((await ensemble([1, 0])).get(0)).toEqual(alone);
    expect((await ensemble([2, 0, 1])).get(0)).toEqual(alone);
    // The companions trained on other data from other seeds: had they leaked into the member, it would differ.
    expect((await ensemble([1])).get(1)!.weights).not.toEqual(alone.weights);
  });

  it('trains each member bit for bit as train() trains it alone', async () => {
    const together = await ensemble([0, 1, 2]);
    for (const k of [0, 1, 2]) expect(together.get(k)).toEqual(await solo(k));
  });

  it('resumes after a preemption exactly where an uninterrupted ensemble would be', async () => {
    const run = async (dir: string | undefined, abortAtStep?: number) => {
      const preemption = new AbortController();
      const preempt: KernelPlugin = { name: 'preempt', onBatchEnd: (e) => void (e.step === abortAtStep && preemption.abort()) };
      const members = [0, 1].map((k) => ({ seed: 7 + k, data: memberData(k), plugins: k === 0 ? [preempt] : [] }));
      const checkpointing = dir ? { checkpoint: { dir, everySteps: 4, fingerprint: 'test' }, resume: true, signal: preemption.signal } : {};
      const result = await trainEnsemble({ ...common, model, members, ...checkpointing });
      const outcome = result.members.map((member) => ({ history: member.epochMetrics.map(withoutTimings), weights: weightsOf(member.model) }));
      for (const member of result.members) member.model.dispose();
      return outcome;
    };
    const uninterrupted = await run(undefined);
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-ensemble-models-'));
    // Step 7 is mid-epoch 2: the resume continues the dropout streams, running statistics and Adam state from there.
    await expect(run(dir, 7)).rejects.toThrow(/interrupted at epoch 2, batch 2, after step 7/);
    expect(await run(dir)).toEqual(uninterrupted);
  });

  it('leaves no tensor behind: flat across steps, and none once the models are disposed', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const counter: KernelPlugin = { name: 'count', onBatchEnd: (e) => void (e.step > 1 && counts.push(tf.memory().numTensors)) };
    const result = await trainEnsemble({ ...common, model, epochs: 2, members: [0, 1, 2].map((k) => ({ seed: k, data: memberData(k), plugins: k === 0 ? [counter, recorder()] : [] })) });
    expect(counts).toHaveLength(9);
    expect(new Set(counts).size).toBe(1);
    for (const member of result.members) member.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('trainEnsemble of models that are not dense nets', () => {
  it('refuses stacked products and members whose factory builds another architecture, saying which', async () => {
    const members = [0, 1].map((k) => ({ seed: k, data: memberData(k) }));
    await expect(trainEnsemble({ ...common, model: toyModel, members, products: 'stacked' })).rejects.toThrow(/layer 0 .*\(Conv2D\) is not a dense layer\. Stacked products need a dense net/);
    let calls = 0;
    const drifting = () => (calls++ === 0 ? toyModel() : batchNormNet());
    await expect(trainEnsemble({ ...common, model: drifting, members })).rejects.toThrow(/member 1's model \(Conv2D → BatchNormalization .*\) differs from member 0's \(Conv2D → Flatten → Dropout → Dense\)/);
  });
});
