import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { Batcher, type Dataset } from '@mgdl/datasets';
import { createRandom } from '@mgdl/random';
import { readCheckpoint, train, trainEnsemble, writeCheckpoint, type CheckpointState, type KernelPlugin } from '@mgdl/kernel';
import { analyze, aum, dataMaps, el2n, forgettingStatistics, History, lastLoss } from '../src/index.js';
import { olderForm, throughCheckpoint } from './through-checkpoint.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

/** 8×8 noise images with random labels: a net memorises some, forgets others. */
function noiseTask(n: number): Dataset {
  const random = createRandom(4);
  return {
    name: 'noise', split: 'train', kind: 'image', sampleShape: [8, 8, 1], sources: [],
    x: Uint8Array.from({ length: n * 64 }, () => Math.floor(random() * 256)),
    labels: Int32Array.from({ length: n }, () => Math.floor(random() * 3)),
    ids: Int32Array.from({ length: n }, (_, i) => 1000 + i),
    classNames: ['a', 'b', 'c'],
  };
}

const model = () => {
  const m = tfl.sequential();
  m.add(tfl.layers.flatten({ inputShape: [8, 8, 1] }));
  m.add(tfl.layers.dense({ units: 32, activation: 'relu' }));
  m.add(tfl.layers.dense({ units: 3 }));
  return m;
};

describe('forgettingStatistics plugin', () => {
  it('records exactly the predictions the kernel made, per presentation and per inference pass', async () => {
    const data = noiseTask(60);
    const presented: { epoch: number; ids: Int32Array; correct: Uint8Array }[] = [];
    const swept: { ids: Int32Array; correct: Uint8Array }[] = [];
    const recorder: KernelPlugin = {
      name: 'recorder',
      perSample: true,
      onBatchEnd: (e) => void presented.push({ epoch: e.epoch, ids: e.ids, correct: e.correct! }),
      onInferencePass: (e) => void swept.push({ ids: e.ids, correct: e.correct! }),
    };
    const stats = forgettingStatistics({ ids: data.ids, mode: 'both', floats: ['loss'] });
    const counts: number[] = [];
    await train({
      model,
      data: new Batcher(data, { batchSize: 16, seed: 1 }),
      epochs: 8,
      learningRate: 0.01,
      inferencePass: { data: new Batcher(data, { batchSize: 32, shuffle: false }) },
      plugins: [stats, recorder, { name: 'count', enforce: 'post', onEpochEnd: () => void counts.push(tf.memory().numTensors) }],
      progress: false,
    });
    const direct = new History({ ids: data.ids, series: 'presentation' });
    for (const p of presented) direct.record(p.epoch, p.ids, p.correct);
    const recorded = stats.history('presentation');
    expect(recorded.steps).toBe(8);
    expect(Array.from(recorded.words())).toEqual(Array.from(direct.words()));
    const passHistory = stats.history('inference-pass');
    expect(passHistory.steps).toBe(8);
    swept.forEach((s, t) => s.ids.forEach((id, k) => expect(passHistory.correct(passHistory.positionOf(id), t)).toBe(s.correct[k])));
    const analysis = stats.analyze('presentation');
    expect(analysis.sets.S1 + analysis.sets.S2 + analysis.sets.S3).toBe(60);
    expect(analysis.learningEvents).toBeGreaterThan(0);
    expect(counts.slice(1)).toEqual(new Array(counts.length - 1).fill(counts[1]));
  });

  it('restores its histories from a saved state', async () => {
    const data = noiseTask(40);
    const first = forgettingStatistics({ ids: data.ids });
    await train({ model, data: new Batcher(data, { batchSize: 8, seed: 2 }), epochs: 3, learningRate: 0.01, plugins: [first], progress: false });
    const second = forgettingStatistics({ ids: data.ids });
    second.loadStateDict!(throughCheckpoint(first.stateDict!()));
    expect(Array.from(second.history('presentation').words())).toEqual(Array.from(first.history('presentation').words()));
    // A checkpoint written before typed arrays (base64, the history's toState()) restores the same.
    const older = forgettingStatistics({ ids: data.ids });
    older.loadStateDict!(JSON.parse(JSON.stringify({ passesSeen: 0, histories: { presentation: first.history('presentation').toState() } })));
    expect(Array.from(older.history('presentation').words())).toEqual(Array.from(first.history('presentation').words()));
    expect(analyze(second.history('presentation')).perSample.forgettingEvents).toEqual(analyze(first.history('presentation')).perSample.forgettingEvents);
    expect(() => second.history('inference-pass')).toThrow(/records 'presentation', not 'inference-pass'/);
  });

  it("restores a checkpoint written before 0.2, whose inference-pass series was named 'sweep'", () => {
    const ids = Int32Array.of(4, 5, 6);
    const recorded = forgettingStatistics({ ids, mode: 'inference-pass' });
    recorded.onInferencePass!({ ids, correct: Uint8Array.of(1, 0, 1), loss: new Float32Array(3), epoch: 0, step: 2 }, { stop: () => undefined });
    const { histories } = recorded.stateDict!() as { histories: Record<string, { series: string }> };
    const old = { sweepsSeen: 1, histories: { sweep: { ...histories['inference-pass']!, series: 'sweep' } } };
    const restored = forgettingStatistics({ ids, mode: 'inference-pass' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    restored.loadStateDict!(JSON.parse(JSON.stringify(olderForm(old))));
    warn.mockRestore();
    expect(Array.from({ length: 3 }, (_, p) => restored.history('inference-pass').correct(p, 0))).toEqual([1, 0, 1]);
    // The pass counter came back too: the next pass is recorded as step 1.
    restored.onInferencePass!({ ids, correct: Uint8Array.of(0, 0, 0), loss: new Float32Array(3), epoch: 1, step: 4 }, { stop: () => undefined });
    expect(restored.history('inference-pass').steps).toBe(2);
  });
});

describe('an ensemble resumed from a checkpoint written before typed arrays', () => {
  it("continues every per-sample plugin from its member's base64 / number-list state exactly as an uninterrupted run", async () => {
    const data = noiseTask(48);
    const plugins = () => ({
      stats: forgettingStatistics({ ids: data.ids }),
      maps: dataMaps({ source: 'presentation' }),
      margins: aum({ source: 'presentation' }),
      scores: el2n({ source: 'presentation', keep: 'mean' }),
      losses: lastLoss({ source: 'presentation' }),
    });
    const results = (p: ReturnType<typeof plugins>) => ({
      words: Array.from(p.stats.history('presentation').words()),
      maps: p.maps.result(),
      margins: p.margins.result(),
      scores: p.scores.result(),
      losses: [...p.losses.values],
    });
    // A one-member ensemble: its checkpoint names weights by member and index, so a later model in this process finds them.
    const run = (p: ReturnType<typeof plugins>, options: { checkpoint?: { dir: string }; resume?: boolean; signal?: AbortSignal; extra?: KernelPlugin[] } = {}) =>
      trainEnsemble({ model, epochs: 4, learningRate: 0.01, members: [{ seed: 5, data: new Batcher(data, { batchSize: 8, seed: 2 }), plugins: [...Object.values(p), ...(options.extra ?? [])] }], ...options });
    const whole = plugins();
    await run(whole);

    // Preempted after epoch 2: the checkpoint holds the plugins' typed arrays; rewritten as checkpoints held them before.
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-forgetting-older-'));
    const preemption = new AbortController();
    const preempt: KernelPlugin = { name: 'preempt', onEpochEnd: (m) => void (m.epoch === 1 && preemption.abort()) };
    await expect(run(plugins(), { checkpoint: { dir }, signal: preemption.signal, extra: [preempt] })).rejects.toThrow(/interrupted/);
    const saved = readCheckpoint(dir)! as CheckpointState & { members: { plugins: Record<string, unknown> }[] };
    const olderPlugins = (states: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(states).map(([name, state]) => [name, name.startsWith('last-loss') ? { ids: Array.from((state as { ids: Int32Array }).ids), loss: Array.from((state as { loss: Float32Array }).loss) } : olderForm(state)]),
      );
    const olderDir = mkdtempSync(join(tmpdir(), 'mgdl-forgetting-older-'));
    writeCheckpoint(olderDir, { ...saved, members: saved.members.map((member) => ({ ...member, plugins: olderPlugins(member.plugins) })) } as CheckpointState);
    const manifest = readFileSync(join(olderDir, 'checkpoint.json'), 'utf8');
    expect(manifest).not.toContain('$mgdl-checkpoint-array');
    expect(manifest).toContain('"format":"mgdl-forgetting-history"');

    const resumed = plugins();
    const starts: number[] = [];
    await run(resumed, { checkpoint: { dir: olderDir }, resume: true, extra: [{ name: 'start', onRunStart: (info) => void starts.push(info.startEpoch) }] });
    expect(starts).toEqual([2]);
    expect(results(resumed)).toEqual(results(whole));
    expect(resumed.stats.history('presentation').steps).toBe(4);
  });
});
