import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { Batcher } from '@mgdl/datasets';
import { train, type BatchEndEvent, type KernelPlugin, type InferencePassEvent } from '@mgdl/kernel';
import { aum, dataMaps, el2n } from '../src/dynamics/index.js';
import type { Series } from '../src/index.js';
import { toyDataset, toyModel } from './toy.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm', threads: 1 });
});

/** Each sample's values over the run, in epoch order, straight from the kernel's arrays. */
type Trajectory = Record<'pGold' | 'correct' | 'margin' | 'el2n', number[]>;

function recorder(): KernelPlugin & { series: Record<Series, Map<number, Trajectory>> } {
  const series = { presentation: new Map<number, Trajectory>(), 'inference-pass': new Map<number, Trajectory>() };
  const record = (source: Series) => (event: BatchEndEvent | InferencePassEvent) =>
    event.ids.forEach((id, i) => {
      const s = series[source].get(id) ?? { pGold: [], correct: [], margin: [], el2n: [] };
      series[source].set(id, s);
      s.pGold.push(event.pGold![i]!);
      s.correct.push(event.correct![i]!);
      s.margin.push(event.margin![i]!);
      s.el2n.push(event.el2n![i]!);
    });
  return { name: 'recorder', perSample: true, onBatchEnd: record('presentation'), onInferencePass: record('inference-pass'), series };
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

describe('training dynamics in a real run', () => {
  it('refuse a run without an inference pass before its first step', async () => {
    const steps: number[] = [];
    const run = train({
      model: toyModel,
      data: new Batcher(toyDataset(16), { batchSize: 8, seed: 0 }),
      epochs: 1,
      learningRate: 0.02,
      plugins: [dataMaps(), { name: 'steps', onBatchEnd: (event) => void steps.push(event.step) }],
      progress: false,
    });
    await expect(run).rejects.toThrow(/data-maps:inference-pass records the 'inference-pass' series, but this run has no inference pass/);
    expect(steps).toEqual([]);
  });

  it('match values computed from the kernel’s per-sample arrays, in both source modes, without leaking tensors', async () => {
    const n = 64;
    const epochs = 4;
    const data = toyDataset(n);
    const plugins = (['presentation', 'inference-pass'] as const).map((source) => ({
      source,
      maps: dataMaps({ source }),
      margins: aum({ source }),
      scores: el2n({ source }),
      // Renamed: plugin names key the saved state, so two el2n plugins of one source need two names.
      meanScores: { ...el2n({ source, keep: 'mean' }), name: `el2n-mean:${source}` },
    }));
    const truth = recorder();
    const tensors: number[] = [];
    await train({
      model: toyModel,
      data: new Batcher(data, { batchSize: 16, seed: 3 }),
      epochs,
      learningRate: 0.02,
      inferencePass: { data: new Batcher(data, { batchSize: 32, shuffle: false }) },
      plugins: [...plugins.flatMap((p) => [p.maps, p.margins, p.scores, p.meanScores]), truth, { name: 'memory', onEpochEnd: () => void tensors.push(tf.memory().numTensors) }],
      progress: false,
    });

    expect(tensors).toHaveLength(epochs);
    expect(new Set(tensors).size).toBe(1);
    for (const { source, maps, margins, scores, meanScores } of plugins) {
      const series = truth.series[source];
      const ids = Array.from({ length: n }, (_, i) => i);
      const map = maps.result();
      const margin = margins.result();
      const score = scores.result();
      for (const result of [map, margin, score]) expect(Array.from(result.ids)).toEqual(ids);
      expect(scores.recordedEpochs()).toEqual([1, 2, 3, 4]);
      expect(meanScores.result()).toEqual(score);
      for (const id of ids) {
        const s = series.get(id)!;
        expect(s.pGold).toHaveLength(epochs);
        const confidence = mean(s.pGold);
        expect(map.confidence[id]).toBeCloseTo(confidence, 12);
        expect(map.variability[id]).toBeCloseTo(Math.sqrt(mean(s.pGold.map((p) => (p - confidence) ** 2))), 12);
        expect(map.correctness[id]).toBe(mean(s.correct));
        expect(margin.aum[id]).toBeCloseTo(mean(s.margin), 12);
        expect(score.score[id]).toBeCloseTo(mean(s.el2n), 12);
        for (let e = 0; e < epochs; e++) expect(scores.result(e + 1).score[id]).toBe(s.el2n[e]);
      }
    }
    // Training-mode values (dropout on, before the update) differ from the inference pass's.
    expect(Array.from(plugins[0]!.margins.result().aum)).not.toEqual(Array.from(plugins[1]!.margins.result().aum));
  });
});
