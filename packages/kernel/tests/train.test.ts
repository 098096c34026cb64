import * as tf from '@tensorflow/tfjs-core';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { KernelError, SeededMathRandom, train, type BatchEndEvent, type InferencePassEvent, type KernelPlugin, type TrainingData } from '../src/index.js';
import { Batcher } from '@mgdl/datasets';
import { toyBatcher, toyDataset, toyModel, toyInferenceData, weightsOf } from './fixtures/toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

const quiet = { progress: false } as const;

describe('train', () => {
  it('learns a separable task and reports per-epoch metrics and evaluations', async () => {
    const result = await train({ model: toyModel, data: toyBatcher(), epochs: 6, learningRate: 0.02, evaluation: { validation: toyInferenceData(64), every: 3 }, ...quiet });
    expect(result.epochMetrics).toHaveLength(6);
    expect(result.steps).toBe(36);
    expect(result.epochMetrics[5]!.train.accuracy!).toBeGreaterThan(0.9);
    expect(result.epochMetrics[5]!.train.loss).toBeLessThan(result.epochMetrics[0]!.train.loss);
    expect(result.epochMetrics.map((m) => m.validation !== undefined)).toEqual([false, false, true, false, false, true]);
    expect(result.epochMetrics[5]!.validation!.accuracy).toBeGreaterThan(0.85);
    // The name before 0.2, kept for one release.
    expect(result.history).toBe(result.epochMetrics);
  });

  it('calls hooks in plugin order with ids and per-sample arrays only for those who ask', async () => {
    const calls: string[] = [];
    const events: BatchEndEvent[] = [];
    const passes: InferencePassEvent[] = [];
    const recorder = (name: string, extra: Partial<KernelPlugin> = {}): KernelPlugin => ({
      name,
      onRunStart: () => void calls.push(`${name}:run`),
      onEpochEnd: (m) => void calls.push(`${name}:epoch${m.epoch}`),
      ...extra,
    });
    await train({
      model: toyModel,
      data: toyBatcher(40, 16),
      epochs: 2,
      learningRate: 0.01,
      inferencePass: { data: toyInferenceData(40) },
      plugins: [
        recorder('last', { enforce: 'post' }),
        recorder('b', { order: 2 }),
        recorder('a', { order: 1, perSample: true, onBatchEnd: (e) => void events.push(e), onInferencePass: (e) => void passes.push(e) }),
        recorder('first', { enforce: 'pre' }),
      ],
      ...quiet,
    });
    expect(calls.slice(0, 4)).toEqual(['first:run', 'a:run', 'b:run', 'last:run']);
    expect(calls.filter((c) => c.endsWith('epoch1'))).toEqual(['first:epoch1', 'a:epoch1', 'b:epoch1', 'last:epoch1']);
    expect(events.map((e) => e.ids.length)).toEqual([16, 16, 8, 16, 16, 8]);
    expect(events.map((e) => e.step)).toEqual([1, 2, 3, 4, 5, 6]);
    const epochIds = events.slice(0, 3).flatMap((e) => Array.from(e.ids)).sort((a, b) => a - b);
    expect(epochIds).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const e of events) {
      expect(e.correct).toHaveLength(e.ids.length);
      expect(e.loss).toHaveLength(e.ids.length);
      const mean = e.loss!.reduce((a, b) => a + b, 0) / e.ids.length;
      expect(mean).toBeCloseTo(e.meanLoss, 4);
      e.pGold!.forEach((p, i) => expect(p).toBeCloseTo(Math.exp(-e.loss![i]!), 4));
      e.margin!.forEach((m, i) => expect(m > 0).toBe(e.correct![i] === 1));
      // Two classes: ‖softmax − onehot‖₂ = √2·(1 − p(gold)).
      e.el2n!.forEach((v, i) => expect(v).toBeCloseTo(Math.SQRT2 * (1 - e.pGold![i]!), 4));
    }
    expect(passes.map((s) => s.ids.length)).toEqual([40, 40]);
    expect(Array.from(passes[0]!.ids)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('passes the logits and trained label of every sample to plugins that ask, per batch and per inference pass', async () => {
    const batches: BatchEndEvent[] = [];
    const passes: InferencePassEvent[] = [];
    const others: BatchEndEvent[] = [];
    const data = toyDataset(40);
    await train({
      model: toyModel,
      data: new Batcher(data, { batchSize: 16, seed: 3 }),
      epochs: 2,
      learningRate: 0.02,
      inferencePass: { data: toyInferenceData(40) },
      plugins: [
        { name: 'logits', logits: true, onBatchEnd: (e) => void batches.push(e), onInferencePass: (e) => void passes.push(e) },
        { name: 'stats', perSample: true, onBatchEnd: (e) => void others.push(e) },
      ],
      ...quiet,
    });
    expect(batches).toHaveLength(6);
    expect(passes).toHaveLength(2);
    for (const e of [...batches, ...passes]) {
      expect(e.logits).toHaveLength(2 * e.ids.length);
      expect(Array.from(e.labels!)).toEqual(Array.from(e.ids, (id) => data.labels[id]!));
      e.ids.forEach((_, i) => {
        const [z0, z1] = [e.logits![2 * i]!, e.logits![2 * i + 1]!];
        const label = e.labels![i]!;
        // The logits are the ones the per-sample statistics came from.
        expect(e.margin![i]!).toBeCloseTo(label === 1 ? z1 - z0 : z0 - z1, 4);
        expect(e.correct![i]).toBe((label === 1 ? z1 > z0 : z0 > z1) ? 1 : 0);
      });
    }
    // Every plugin sees one event object per batch: the logits come along for all of them.
    expect(others.map((e) => e.logits?.length)).toEqual(batches.map((e) => e.logits!.length));
  });

  it('does not download per-sample arrays when no plugin asks', async () => {
    const seen: BatchEndEvent[] = [];
    await train({ model: toyModel, data: toyBatcher(32, 16), epochs: 1, learningRate: 0.01, plugins: [{ name: 'scalars', onBatchEnd: (e) => void seen.push(e) }], ...quiet });
    expect(seen.map((e) => [e.correct, e.loss])).toEqual([[undefined, undefined], [undefined, undefined]]);
    expect(Number.isFinite(seen[0]!.meanLoss)).toBe(true);
  });

  it('adds plugin loss terms to the loss, logged by name', async () => {
    const penalty = (c: number): KernelPlugin => ({
      name: 'shrink',
      lossTerms: (_forward, ctx) => ({ weights: tf.mul(c, tf.addN(ctx.model.trainableWeights.map((w) => tf.sum(tf.square(w.read()))))) as tf.Scalar }),
    });
    const norm = (r: { model: { trainableWeights: { read(): tf.Tensor }[] } }) => r.model.trainableWeights.reduce((s, w) => s + tf.sum(tf.square(w.read())).dataSync()[0]!, 0);
    const plain = await train({ model: toyModel, data: toyBatcher(), epochs: 3, learningRate: 0.02, seed: 1, ...quiet });
    const shrunk = await train({ model: toyModel, data: toyBatcher(), epochs: 3, learningRate: 0.02, seed: 1, plugins: [penalty(0.05)], ...quiet });
    expect(norm(shrunk)).toBeLessThan(0.8 * norm(plain));
    expect(shrunk.epochMetrics[0]!.terms['shrink/weights']).toBeGreaterThan(0);
  });

  it('scales the real step size by plugin lr factors, for Adam and SGD', async () => {
    for (const optimizer of [{ name: 'adam' as const }, { name: 'sgd' as const, momentum: 0.9 }]) {
      const model = toyModel();
      const before = weightsOf(model);
      await train({ model, data: toyBatcher(), epochs: 1, learningRate: 0.05, optimizer, plugins: [{ name: 'freeze', adjustLearningRate: () => 0 }], ...quiet });
      expect(weightsOf(model)).toEqual(before);
    }
    // One plain-SGD step from the same weights on the same batch: the update is lr·factor·g.
    const delta = async (factor: number) => {
      const model = SeededMathRandom.run(11, toyModel);
      const start = weightsOf(model);
      await train({ model, data: toyBatcher(16, 16), epochs: 1, learningRate: 0.1, optimizer: { name: 'sgd' }, plugins: [{ name: 'scale', adjustLearningRate: () => factor }], seed: 5, ...quiet });
      return weightsOf(model).flatMap((w, i) => w.map((v, j) => v - start[i]![j]!));
    };
    const full = await delta(1);
    const half = await delta(0.5);
    expect(full.some((d) => Math.abs(d) > 1e-4)).toBe(true);
    half.forEach((d, j) => expect(d).toBeCloseTo(full[j]! / 2, 6));
  });

  it('stops after the current batch when a plugin asks, with the reason', async () => {
    const result = await train({
      model: toyModel,
      data: toyBatcher(),
      epochs: 5,
      learningRate: 0.01,
      plugins: [{ name: 'early', onBatchEnd: (e, control) => (e.step === 8 ? control.stop('enough') : undefined) }],
      ...quiet,
    });
    expect(result.steps).toBe(8);
    expect(result.stopped).toBe('enough');
    expect(result.epochMetrics).toHaveLength(2);
  });

  it('keeps tf.memory().numTensors flat from epoch to epoch', async () => {
    const counts: number[] = [];
    await train({
      model: toyModel,
      data: toyBatcher(),
      epochs: 4,
      learningRate: 0.01,
      evaluation: { validation: toyInferenceData(32) },
      inferencePass: { data: toyInferenceData() },
      plugins: [
        { name: 'per-sample', perSample: true, onBatchEnd: () => undefined, onInferencePass: () => undefined },
        { name: 'term', lossTerms: (f) => ({ mean: tf.mul(1e-3, tf.mean(f.logits)) as tf.Scalar }) },
        { name: 'count', enforce: 'post', onEpochEnd: () => void counts.push(tf.memory().numTensors) },
      ],
      ...quiet,
    });
    expect(counts.slice(1)).toEqual([counts[1], counts[1], counts[1]]);
  });

  it('gives identical weights for identical seeds, different ones for different seeds', async () => {
    const run = async (seed: number) => weightsOf((await train({ model: toyModel, data: toyBatcher(), epochs: 2, learningRate: 0.02, seed, ...quiet })).model);
    const a = await run(7);
    expect(await run(7)).toEqual(a);
    expect(await run(8)).not.toEqual(a);
  });

  it('stops on a NaN loss naming epoch and step, keeping the last good checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-kernel-nan-'));
    const poison: KernelPlugin = { name: 'poison', lossTerms: (_f, ctx) => ({ nan: tf.scalar(ctx.epoch === 1 && ctx.batchIndex === 2 ? Number.NaN : 0) }) };
    const error = await train({ model: toyModel, data: toyBatcher(), epochs: 3, learningRate: 0.01, plugins: [poison], checkpoint: { dir }, ...quiet }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KernelError);
    expect((error as Error).message).toMatch(/loss is NaN at epoch 2, step 9 \(batch 2\).*last good checkpoint/);
    expect(JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'))).toMatchObject({ epoch: 1, batchIndex: 0, step: 6 });
  });

  it('says so when a NaN loss comes before any checkpoint was written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-kernel-nan-early-'));
    const poison: KernelPlugin = { name: 'poison', lossTerms: () => ({ nan: tf.scalar(Number.NaN) }) };
    const error = await train({ model: toyModel, data: toyBatcher(), epochs: 2, learningRate: 0.01, plugins: [poison], checkpoint: { dir }, ...quiet }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/step 1 .*No checkpoint was written before it\./);
    expect((error as Error).message).not.toMatch(/is kept/);
  });

  it('calls onRunError on every plugin, not onRunEnd, when a plugin throws mid-epoch', async () => {
    const seen: string[] = [];
    const boom = new Error('plugin failed on purpose');
    const thrower: KernelPlugin = {
      name: 'thrower',
      onBatchEnd: (event) => {
        if (event.epoch === 1 && event.batchIndex === 3) throw boom;
      },
    };
    const witness = (name: string): KernelPlugin => ({
      name,
      onRunEnd: () => void seen.push(`${name}:end`),
      onRunError: (error, summary) => void seen.push(`${name}:error:${(error as Error).message}:${summary.epochs} epochs:${summary.steps} steps`),
    });
    const error = await train({ model: toyModel, data: toyBatcher(), epochs: 3, learningRate: 0.01, plugins: [witness('a'), thrower, witness('b')], ...quiet }).catch((e: unknown) => e);
    expect(error).toBe(boom);
    // One full epoch (6 steps) and 4 steps of the second were done when it threw.
    expect(seen).toEqual(['a:error:plugin failed on purpose:1 epochs:10 steps', 'b:error:plugin failed on purpose:1 epochs:10 steps']);
  });

  it('still reaches every plugin when one onRunError itself throws, and reports the run error', async () => {
    const closed: string[] = [];
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    const failing: TrainingData = {
      batchesPerEpoch: 2,
      epoch: () => {
        throw new Error('data source broke');
      },
    };
    const error = await train({
      model: toyModel,
      data: failing,
      epochs: 1,
      learningRate: 0.01,
      plugins: [{ name: 'bad-cleanup', onRunError: () => { throw new Error('cleanup broke'); } }, { name: 'closer', onRunError: () => void closed.push('closer') }],
      ...quiet,
    }).catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect((error as Error).message).toBe('data source broke');
    expect(closed).toEqual(['closer']);
    expect(warnings).toEqual([expect.stringMatching(/plugin 'bad-cleanup' failed in onRunError: cleanup broke/)]);
  });

  it('refuses to resume a checkpoint written under another fingerprint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-kernel-fingerprint-'));
    await train({ model: toyModel, data: toyBatcher(), epochs: 1, learningRate: 0.01, checkpoint: { dir, fingerprint: 'aaaa' }, ...quiet });
    expect(JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8'))).toMatchObject({ fingerprint: 'aaaa' });
    await expect(train({ model: toyModel, data: toyBatcher(), epochs: 3, learningRate: 0.01, checkpoint: { dir, fingerprint: 'bbbb' }, resume: true, ...quiet })).rejects.toThrow(
      /written by another config \(fingerprint aaaa, this run is bbbb\)/,
    );
  });

  it('rejects bad options with what to fix', async () => {
    await expect(train({ model: toyModel, data: toyBatcher(), epochs: 0, learningRate: 0.1 })).rejects.toThrow(/epochs must be a positive integer, got 0/);
    await expect(train({ model: toyModel, data: toyBatcher(), epochs: 1, learningRate: -1 })).rejects.toThrow(/learningRate/);
    await expect(train({ model: toyModel, data: toyBatcher(), epochs: 1, learningRate: 0.1, resume: true })).rejects.toThrow(/resume needs checkpoint.dir/);
    const twins = [{ name: 'x' }, { name: 'x' }];
    await expect(train({ model: toyModel, data: toyBatcher(), epochs: 1, learningRate: 0.1, plugins: twins, ...quiet })).rejects.toThrow(/two plugins are named 'x'/);
  });
});
