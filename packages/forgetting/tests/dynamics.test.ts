import { describe, expect, it } from 'vitest';
import { createRandom, permutation } from '@mgdl/random';
import type { KernelPlugin, RunControl } from '@mgdl/kernel';
import { aum, dataMapRegions, dataMaps, DATA_MAP_REGIONS, el2n, lastLoss, thresholdSamples } from '../src/dynamics/index.js';
import { forgettingStatistics, type Series } from '../src/index.js';
import { olderForm, throughCheckpoint } from './through-checkpoint.js';

const control: RunControl = { stop: () => undefined };

interface Values {
  pGold?: number[];
  correct?: number[];
  margin?: number[];
  el2n?: number[];
}

/** Delivers one batch (presentation) or one inference pass of `epoch` (0-based, as the kernel numbers them). */
function deliver(plugin: KernelPlugin, source: Series, epoch: number, ids: readonly number[], values: Values): void {
  const n = ids.length;
  const arrays = {
    ids: Int32Array.from(ids),
    loss: new Float32Array(n),
    pGold: Float32Array.from(values.pGold ?? new Array<number>(n).fill(0.5)),
    correct: Uint8Array.from(values.correct ?? new Array<number>(n).fill(0)),
    margin: Float32Array.from(values.margin ?? new Array<number>(n).fill(0)),
    el2n: Float32Array.from(values.el2n ?? new Array<number>(n).fill(0)),
  };
  if (source === 'inference-pass') void plugin.onInferencePass!({ ...arrays, epoch, step: 0 }, control);
  else void plugin.onBatchEnd!({ ...arrays, epoch, step: 0, batchIndex: 0, meanLoss: 0, terms: {}, learningRate: 0.1 }, control);
}

/** Per epoch, one value per id: columns[e][k] belongs to ids[k]. */
function feedEpochs(plugin: KernelPlugin, source: Series, ids: readonly number[], columns: readonly Values[], firstEpoch = 0): void {
  columns.forEach((values, e) => deliver(plugin, source, firstEpoch + e, ids, values));
}

const sources: Series[] = ['inference-pass', 'presentation'];

describe('dataMaps', () => {
  // Per id over 4 epochs: 7 swings 0.25/0.75 then sits at 0.5; 3 is constant and right; 12 flips 0/1; 0 is constant and wrong.
  const ids = [7, 3, 12, 0];
  const epochs: Values[] = [
    { pGold: [0.25, 0.9, 0, 0.125], correct: [0, 1, 0, 0] },
    { pGold: [0.75, 0.9, 1, 0.125], correct: [1, 1, 1, 0] },
    { pGold: [0.5, 0.9, 0, 0.125], correct: [1, 1, 0, 0] },
    { pGold: [0.5, 0.9, 1, 0.125], correct: [0, 1, 1, 0] },
  ];

  it.each(sources)('computes confidence, population variability and correctness by hand (%s)', (source) => {
    const plugin = dataMaps({ source });
    expect(plugin.name).toBe(`data-maps:${source}`);
    expect(Boolean(plugin.perSample)).toBe(source === 'presentation');
    feedEpochs(plugin, source, ids, epochs);
    const map = plugin.result();
    expect(Array.from(map.ids)).toEqual([0, 3, 7, 12]);
    expect(Array.from(map.epochs)).toEqual([4, 4, 4, 4]);
    expect(Array.from(map.confidence)).toEqual([0.125, Math.fround(0.9), 0.5, 0.5]);
    // 7: deviations ±0.25, 0, 0 → variance 0.125/4; 12: deviations all ±0.5 → std 0.5.
    expect(Array.from(map.variability)).toEqual([0, 0, Math.sqrt(0.125 / 4), 0.5]);
    expect(Array.from(map.correctness)).toEqual([0, 1, 0.5, 0.5]);
    expect(Array.from(map.region, (r) => map.regionNames[r])).toEqual(['hard', 'easy', 'other', 'ambiguous']);
  });

  it('classifies regions by the thresholds given, ambiguity first', () => {
    const plugin = dataMaps();
    feedEpochs(plugin, 'inference-pass', ids, epochs);
    const names = (thresholds: Parameters<typeof plugin.result>[0]) => Array.from(plugin.result(thresholds).region, (r) => DATA_MAP_REGIONS[r]);
    expect(names({ ambiguous: 0.15 })).toEqual(['hard', 'easy', 'ambiguous', 'ambiguous']);
    expect(names({ easy: 0.95, hard: 0.5 })).toEqual(['hard', 'other', 'hard', 'ambiguous']);
    expect(names({ ambiguous: 1 })).toEqual(['hard', 'easy', 'other', 'other']);
    const map = { confidence: Float64Array.of(0.75, 0.25, 0.5), variability: Float64Array.of(0.2, 0, 0.199) };
    expect(Array.from(dataMapRegions(map))).toEqual([3, 2, 0]);
    expect(() => dataMapRegions(map, { easy: 0.3, hard: 0.3 })).toThrow(/hard < easy/);
    expect(() => dataMapRegions(map, { ambiguous: Number.NaN })).toThrow(RangeError);
  });

  it('counts every presentation, and samples only from when they are first seen', () => {
    const plugin = dataMaps({ source: 'presentation' });
    deliver(plugin, 'presentation', 0, [2], { pGold: [0.25], correct: [0] });
    deliver(plugin, 'presentation', 0, [2, 40], { pGold: [0.75, 1], correct: [1, 1] });
    const map = plugin.result();
    expect(Array.from(map.ids)).toEqual([2, 40]);
    expect(Array.from(map.epochs)).toEqual([2, 1]);
    expect(Array.from(map.confidence)).toEqual([0.5, 1]);
  });

  it('needs classification arrays and dataset-index ids', () => {
    const plugin = dataMaps();
    expect(() => void plugin.onInferencePass!({ ids: Int32Array.of(0), loss: Float32Array.of(1), epoch: 0, step: 0 }, control)).toThrow(/needs per-sample 'pGold'/);
    expect(() => deliver(plugin, 'inference-pass', 0, [-1], {})).toThrow(/non-negative/);
    expect(() => dataMaps({ source: 'both' as Series })).toThrow(/source must be/);
  });
});

describe('aum', () => {
  const ids = [5, 1, 2, 4];
  const epochs: Values[] = [{ margin: [2, -3, 1, -2] }, { margin: [-1, -3, 1, -2] }, { margin: [0.5, -3, 4, -2] }];

  it.each(sources)('averages margins over epochs by hand, up to `until` (%s)', (source) => {
    const all = aum({ source });
    const early = aum({ source, until: 2 });
    feedEpochs(all, source, ids, epochs);
    feedEpochs(early, source, ids, epochs);
    const result = all.result();
    expect(Array.from(result.ids)).toEqual([1, 2, 4, 5]);
    expect(Array.from(result.aum)).toEqual([-3, 2, -2, 0.5]);
    expect(Array.from(result.epochs)).toEqual([3, 3, 3, 3]);
    expect(Array.from(early.result().aum)).toEqual([-3, 1, -2, 0.5]);
    expect(Array.from(early.result().epochs)).toEqual([2, 2, 2, 2]);
  });

  it('flags non-threshold samples below a percentile of the threshold samples’ AUMs', () => {
    const plugin = aum();
    feedEpochs(plugin, 'inference-pass', ids, epochs);
    // Threshold AUMs −3 (id 1) and 2 (id 2): the 50th percentile is −0.5, the 99th −3 + 0.99·5 = 1.95.
    const median = plugin.result({ thresholdIds: [2, 1], percentile: 50 });
    expect(median.threshold).toBe(-0.5);
    expect(Array.from(median.flagged)).toEqual([0, 0, 1, 0]);
    const p99 = plugin.result({ thresholdIds: Int32Array.of(1, 2) });
    expect(p99.threshold).toBeCloseTo(1.95, 12);
    expect(Array.from(p99.flagged)).toEqual([0, 0, 1, 1]);
    expect(() => plugin.result({ thresholdIds: [1, 3] })).toThrow(/threshold sample 3 has no margin/);
    expect(() => plugin.result({ thresholdIds: [] })).toThrow(/empty/);
    expect(() => plugin.result({ thresholdIds: [1], percentile: 101 })).toThrow(RangeError);
    expect(() => aum({ until: 0 })).toThrow(/until/);
  });
});

describe('thresholdSamples', () => {
  const labels = Int32Array.from({ length: 103 }, (_, i) => i % 4);

  it('relabels ⌊N/(C+1)⌋ seeded random samples as the extra class', () => {
    const { labels: relabeled, thresholdIds } = thresholdSamples({ labels, classes: 4, seed: 7 });
    expect(thresholdIds).toHaveLength(20);
    expect(new Set(thresholdIds).size).toBe(20);
    expect(Array.from(thresholdIds)).toEqual(Array.from(thresholdIds).sort((a, b) => a - b));
    relabeled.forEach((label, i) => expect(label).toBe(thresholdIds.includes(i) ? 4 : labels[i]));
    expect(Array.from(labels.slice(0, 4))).toEqual([0, 1, 2, 3]);
    // 49 · (1/49) is just below 1 in floating point.
    expect(thresholdSamples({ labels: new Int32Array(49), classes: 48, seed: 0 }).thresholdIds).toHaveLength(1);
  });

  it('is a pure function of its arguments', () => {
    const pick = (seed: number) => Array.from(thresholdSamples({ labels, classes: 4, seed }).thresholdIds);
    expect(pick(7)).toEqual(pick(7));
    expect(pick(7)).not.toEqual(pick(8));
  });

  it('takes a fraction and maps positions to ids', () => {
    const ids = Int32Array.from(labels, (_, i) => 1000 + i);
    const { labels: relabeled, thresholdIds } = thresholdSamples({ labels, classes: 4, seed: 1, fraction: 0.1, ids });
    expect(thresholdIds).toHaveLength(10);
    for (const id of thresholdIds) expect(relabeled[id - 1000]).toBe(4);
    expect(relabeled.filter((l) => l === 4)).toHaveLength(10);
  });

  it('rejects labels outside the classes and bad options', () => {
    expect(() => thresholdSamples({ labels: Int32Array.of(0, 4), classes: 4, seed: 0 })).toThrow(/label 4 at position 1/);
    expect(() => thresholdSamples({ labels, classes: 0, seed: 0 })).toThrow(/classes/);
    expect(() => thresholdSamples({ labels, classes: 4, seed: 0, fraction: 1 })).toThrow(/fraction/);
    expect(() => thresholdSamples({ labels, classes: 4, seed: 0, ids: Int32Array.of(1) })).toThrow(/ids has 1 entries/);
  });
});

describe('el2n', () => {
  it.each(sources)('records a score per epoch; gives one epoch or the mean over a range (%s)', (source) => {
    const plugin = el2n({ source });
    deliver(plugin, source, 0, [2, 9], { el2n: [0.5, 1] });
    deliver(plugin, source, 1, [2], { el2n: [0.25] });
    deliver(plugin, source, 2, [9, 2], { el2n: [0.5, 0.75] });
    expect(plugin.recordedEpochs()).toEqual([1, 2, 3]);
    const all = plugin.result();
    expect([Array.from(all.ids), Array.from(all.score), Array.from(all.epochs)]).toEqual([[2, 9], [0.5, 0.75], [3, 2]]);
    const second = plugin.result(2);
    expect([Array.from(second.ids), Array.from(second.score)]).toEqual([[2], [0.25]]);
    const late = plugin.result({ from: 2 });
    expect([Array.from(late.ids), Array.from(late.score)]).toEqual([[2, 9], [0.5, 0.5]]);
    expect(Array.from(plugin.result({ to: 1 }).score)).toEqual([0.5, 1]);
    expect(() => plugin.result(4)).toThrow(/no EL2N scores at epoch 4; recorded: 1, 2, 3/);
  });

  it('records only the listed epochs, and the last presentation within an epoch', () => {
    const plugin = el2n({ source: 'presentation', epochs: [1, 3] });
    deliver(plugin, 'presentation', 0, [0], { el2n: [0.5] });
    deliver(plugin, 'presentation', 0, [0], { el2n: [0.25] });
    deliver(plugin, 'presentation', 1, [0], { el2n: [1] });
    deliver(plugin, 'presentation', 2, [0], { el2n: [0.75] });
    expect(plugin.recordedEpochs()).toEqual([1, 3]);
    expect(Array.from(plugin.result(1).score)).toEqual([0.25]);
    expect(Array.from(plugin.result().score)).toEqual([0.5]);
    expect(() => el2n({ epochs: [0] })).toThrow(/1-based/);
  });
});

/** Random values for `n` samples over `epochs` epochs, as a kernel would deliver them. */
function randomRun(n: number, epochs: number, seed: number): Values[] {
  const random = createRandom(seed);
  const draw = (f: () => number) => Array.from({ length: n }, f);
  return Array.from({ length: epochs }, () => ({
    pGold: draw(random),
    correct: draw(() => (random() < 0.5 ? 1 : 0)),
    margin: draw(() => 8 * random() - 4),
    el2n: draw(() => Math.SQRT2 * random()),
  }));
}

const pick = (values: Values, order: ArrayLike<number>): Values =>
  Object.fromEntries(Object.entries(values).map(([key, column]: [string, number[]]) => [key, Array.from(order, (k) => column[k]!)]));

const makers = {
  dataMaps: (source: Series) => dataMaps({ source }),
  aum: (source: Series) => aum({ source }),
  el2n: (source: Series) => el2n({ source }),
  el2nMean: (source: Series) => el2n({ source, keep: 'mean' }),
};
const resultOf = (plugin: KernelPlugin): unknown => (plugin as unknown as { result(): unknown }).result();

describe('all three plugins', () => {
  const n = 150;
  const ids = Array.from({ length: n }, (_, i) => 3 * i + 1);
  const run = randomRun(n, 5, 11);

  it.each(Object.keys(makers) as (keyof typeof makers)[])('%s: results do not depend on the order or batching samples arrive in', (kind) => {
    const inOrder = makers[kind]('presentation');
    feedEpochs(inOrder, 'presentation', ids, run);
    for (const seed of [1, 2, 3]) {
      const shuffled = makers[kind]('presentation');
      const batch = 1 + (seed % 3) * 20;
      run.forEach((values, epoch) => {
        const order = permutation(n, seed * 100 + epoch);
        for (let start = 0; start < n; start += batch) {
          const part = order.subarray(start, start + batch);
          deliver(shuffled, 'presentation', epoch, Array.from(part, (k) => ids[k]!), pick(values, part));
        }
      });
      expect(resultOf(shuffled)).toEqual(resultOf(inOrder));
    }
  });

  it.each(Object.keys(makers) as (keyof typeof makers)[])('%s: stateDict survives a checkpoint, or JSON in the older base64 form, and continues exactly', (kind) => {
    for (const source of sources) {
      const uninterrupted = makers[kind](source);
      const before = makers[kind](source);
      feedEpochs(uninterrupted, source, ids, run);
      feedEpochs(before, source, ids, run.slice(0, 3));
      const after = makers[kind](source);
      after.loadStateDict!(throughCheckpoint(before.stateDict!()));
      expect(resultOf(after)).toEqual(resultOf(before));
      feedEpochs(after, source, ids, run.slice(3), 3);
      expect(resultOf(after)).toEqual(resultOf(uninterrupted));
      // A checkpoint written before typed arrays held base64 of the same bytes: it resumes the same.
      const older = makers[kind](source);
      older.loadStateDict!(JSON.parse(JSON.stringify(olderForm(before.stateDict!()))));
      feedEpochs(older, source, ids, run.slice(3), 3);
      expect(resultOf(older)).toEqual(resultOf(uninterrupted));
      // Loading replaces the contents, whatever the plugin held before.
      before.loadStateDict!(uninterrupted.stateDict!());
      expect(resultOf(before)).toEqual(resultOf(uninterrupted));
    }
  });

  it('rejects a state that is not its own', () => {
    expect(() => dataMaps().loadStateDict!({ size: 1, columns: {} })).toThrow(/lacks column/);
    expect(() => aum().loadStateDict!(null)).toThrow(/not a training-dynamics plugin state/);
    const state = aum().stateDict!() as { size: number };
    expect(() => aum().loadStateDict!({ ...state, size: 4 })).toThrow(/bytes, expected/);
  });

  describe('without inference passes', () => {
    it('refuse, before training, a run that has no inference pass (the default source would record nothing)', () => {
      for (const plugin of [dataMaps(), aum(), el2n(), forgettingStatistics({ ids: Int32Array.of(0, 1), mode: 'inference-pass' })]) {
        expect(() => plugin.onRunStart!({ inferencePass: false }), plugin.name).toThrow(/records the 'inference-pass' series, but this run has no inference pass.*train\(\{ inferencePass: \{ data: /);
        expect(() => plugin.onRunStart!({ inferencePass: true }), plugin.name).not.toThrow();
      }
      expect(() => el2n().onRunStart!({ inferencePass: false })).toThrow(/el2n\({ source: 'presentation' }\)/);
      expect(el2n({ source: 'presentation' }).onRunStart).toBeUndefined();
    });
  });
});

describe('lastLoss', () => {
  const batch = (ids: number[], loss: number[] | undefined, epoch = 0) => ({ ids: Int32Array.from(ids), ...(loss ? { loss: Float32Array.from(loss) } : {}), epoch, step: 0, batchIndex: 0, meanLoss: 0, terms: {}, learningRate: 0.1 });

  it("keeps each sample's latest loss of its own series, in float32, and ignores the other series", () => {
    const presented = lastLoss({ source: 'presentation' });
    expect(presented).toMatchObject({ name: 'last-loss:presentation', perSample: true });
    presented.onBatchEnd!(batch([4, 2], [1.5, 0.1]));
    presented.onBatchEnd!(batch([2, 9], [0.3, 2], 1));
    presented.onBatchEnd!(batch([9], undefined, 1)); // no per-sample losses (e.g. a regression batch): nothing changes
    expect(presented.onInferencePass).toBeUndefined();
    expect([...presented.values]).toEqual([[4, 1.5], [2, Math.fround(0.3)], [9, 2]]);

    const passed = lastLoss({ source: 'inference-pass' });
    expect(passed.onBatchEnd).toBeUndefined();
    passed.onInferencePass!(batch([4], [99]));
    expect([...passed.values]).toEqual([[4, 99]]);
  });

  it('continues from its checkpoint state, and from the number lists of older checkpoints', () => {
    const first = lastLoss({ source: 'presentation' });
    first.onBatchEnd!(batch([3, 1], [0.5, 0.1]));
    expect(first.stateDict!()).toEqual({ ids: Int32Array.of(3, 1), loss: Float32Array.of(0.5, 0.1) });
    const resumed = lastLoss({ source: 'presentation' });
    resumed.loadStateDict!(throughCheckpoint(first.stateDict!()));
    resumed.onBatchEnd!(batch([1], [4]));
    expect([...resumed.values]).toEqual([[3, 0.5], [1, 4]]);
    const older = lastLoss({ source: 'presentation' });
    older.loadStateDict!({ ids: [3, 1], loss: [0.5, Math.fround(0.1)] });
    expect([...older.values]).toEqual([...first.values]);
  });
});
