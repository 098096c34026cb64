import { describe, expect, it } from 'vitest';
import { createRandom, permutation } from '@mgdl/random';
import type { KernelPlugin, RunControl } from '@mgdl/kernel';
import { aum, dataMaps, el2n } from '../src/dynamics/index.js';
import { encodeBase64 } from '../src/base64.js';
import { olderForm, throughCheckpoint } from './through-checkpoint.js';

/* The training-dynamics plugins' states: their size, the layout before rows, and EL2N's running mean. */

const control: RunControl = { stop: () => undefined };

/** One presentation batch of `epoch` (0-based, as the kernel numbers them); every per-sample array from `value(k)`. */
function present(plugin: KernelPlugin, epoch: number, ids: ArrayLike<number>, value: (k: number) => number): void {
  const values = Float32Array.from(ids, (_, k) => value(k));
  const arrays = { ids: Int32Array.from(ids), loss: values, pGold: values, correct: Uint8Array.from(values, (v) => (v > 0.5 ? 1 : 0)), margin: values, el2n: values };
  void plugin.onBatchEnd!({ ...arrays, epoch, step: 0, batchIndex: 0, meanLoss: 0, terms: {}, learningRate: 0.1 }, control);
}

const makers = {
  dataMaps: () => dataMaps({ source: 'presentation' }),
  aum: () => aum({ source: 'presentation' }),
  el2n: () => el2n({ source: 'presentation' }),
  el2nMean: () => el2n({ source: 'presentation', keep: 'mean' }),
};
type Maker = keyof typeof makers;
const kinds = Object.keys(makers) as Maker[];
const resultOf = (plugin: KernelPlugin): unknown => (plugin as unknown as { result(): unknown }).result();
/** The length of a state's JSON-safe form (its typed arrays as base64, as dynamicsRecorder saves it). */
const stateSize = (plugin: KernelPlugin): number => JSON.stringify(olderForm(plugin.stateDict!())).length;

describe('state size', () => {
  // 600 samples of a 60,000-sample dataset, as a smoke cell trains on a subset of MNIST.
  const n = 600;
  const spread = Array.from(permutation(60_000, 5).subarray(0, n));
  const dense = Array.from({ length: n }, (_, i) => i);
  const feed = (plugin: KernelPlugin, ids: number[], epochs: number) => {
    const random = createRandom(3);
    for (let epoch = 0; epoch < epochs; epoch++) present(plugin, epoch, ids, () => random());
    return plugin;
  };

  it.each(kinds)('%s: grows with the samples seen, not with the largest id', (kind) => {
    const large = feed(makers[kind](), spread, 4);
    // The same samples under ids 0…599 give a state exactly as long: only the ids' values differ.
    expect(stateSize(large)).toBe(stateSize(feed(makers[kind](), dense, 4)));
    // At most 28 bytes per sample (ids and four columns) as base64, plus the names; a column per dataset index would take ≥ 320,000 characters.
    expect(stateSize(large)).toBeLessThan((n * 28 * 4) / 3 + 500);
  });

  it("el2n keep 'mean': the same size after 2 epochs or 20", () => {
    const epochs = Array.from({ length: 20 }, (_, i) => i + 1);
    const mean = (count: number) => feed(el2n({ source: 'presentation', epochs, keep: 'mean' }), spread, count);
    // Only the list of recorded epochs grows (a few characters per epoch).
    expect(stateSize(mean(20)) - stateSize(mean(2))).toBeLessThan(20 * 4);
    const each = (count: number) => feed(el2n({ source: 'presentation', epochs }), spread, count);
    expect(stateSize(each(20)) - stateSize(each(2))).toBeGreaterThan(18 * n * 4);
  });
});

describe('states saved before rows', () => {
  /** The earlier layout: no ids, every column indexed by sample id up to `size`. */
  const oldState = (columns: Record<string, { kind: string; values: Uint32Array | Float64Array | Float32Array }>) => ({
    size: 4,
    columns: Object.fromEntries(Object.entries(columns).map(([name, { kind, values }]) => [name, { kind, data: encodeBase64(new Uint8Array(values.buffer)) }])),
  });

  it('load, and training continues from them', () => {
    const plugin = aum({ source: 'presentation' });
    // Ids 1 and 3 have margins (3 and 3 over two epochs, −1 over one); 0 and 2 never arrived.
    plugin.loadStateDict!(oldState({ epochs: { kind: 'count', values: Uint32Array.of(0, 2, 0, 1) }, sum: { kind: 'real', values: Float64Array.of(0, 6, 0, -1) } }));
    expect(resultOf(plugin)).toEqual({ ids: Int32Array.of(1, 3), aum: Float64Array.of(3, -1), epochs: Uint32Array.of(2, 1) });
    present(plugin, 2, [9, 3], (k) => [2, 1][k]!);
    expect(resultOf(plugin)).toEqual({ ids: Int32Array.of(1, 3, 9), aum: Float64Array.of(3, 0, 2), epochs: Uint32Array.of(2, 2, 1) });
    expect(() => plugin.result({ thresholdIds: [2] })).toThrow(/threshold sample 2 has no margin/);
    const scores = el2n({ source: 'presentation' });
    scores.loadStateDict!(oldState({ 1: { kind: 'value', values: Float32Array.of(Number.NaN, 0.5, Number.NaN, 0.25) } }));
    expect(scores.result()).toEqual({ ids: Int32Array.of(1, 3), score: Float64Array.of(0.5, 0.25), epochs: Uint32Array.of(1, 1) });
  });

  it('refuse repeated ids', () => {
    const state = feed2(aum({ source: 'presentation' })).stateDict!() as { ids: Int32Array };
    expect(() => aum().loadStateDict!({ ...state, ids: encodeBase64(new Uint8Array(Int32Array.of(4, 4).buffer)) })).toThrow(/repeated or negative sample ids/);
    expect(() => aum().loadStateDict!({ ...state, ids: Int32Array.of(4, 4) })).toThrow(/repeated or negative sample ids/);
    expect(() => aum().loadStateDict!({ ...state, ids: Float32Array.of(4, 7) })).toThrow(/column 'ids' is not a base64 string or a Int32Array/);
  });
});

/** Two samples (ids 4 and 7) over one epoch. */
function feed2(plugin: KernelPlugin): KernelPlugin {
  present(plugin, 0, [4, 7], (k) => k);
  return plugin;
}

describe("el2n keep 'mean'", () => {
  const n = 90;
  const ids = Array.from({ length: n }, (_, i) => 7 * i + 2);
  const random = createRandom(17);
  // Per epoch, a shuffled presentation order with some samples presented twice or left out, and a few NaN scores.
  const epochs = Array.from({ length: 6 }, (_, epoch) => {
    const order = Array.from(permutation(n, 40 + epoch)).filter(() => random() > 0.1);
    const again = order.filter(() => random() < 0.1);
    const presented = [...order, ...again].map((k) => ids[k]!);
    return { presented, scores: presented.map(() => (random() < 0.03 ? Number.NaN : Math.SQRT2 * random())) };
  });
  const run = (plugin: KernelPlugin, from = 0) => {
    epochs.slice(from).forEach(({ presented, scores }, e) => {
      for (let start = 0; start < presented.length; start += 25) present(plugin, from + e, presented.slice(start, start + 25), (k) => scores[start + k]!);
    });
    return plugin;
  };

  it("gives the mean 'each-epoch' gives, to the bit, over the listed epochs", () => {
    for (const listed of [undefined, [2, 3, 5]]) {
      const mean = run(el2n({ source: 'presentation', epochs: listed, keep: 'mean' })) as ReturnType<typeof el2n>;
      const each = run(el2n({ source: 'presentation', epochs: listed })) as ReturnType<typeof el2n>;
      expect(mean.result()).toEqual(each.result());
      expect(mean.recordedEpochs()).toEqual(each.recordedEpochs());
    }
  });

  it('continues exactly from a state that went through a checkpoint, or through JSON in the older base64 form', () => {
    const before = el2n({ source: 'presentation', keep: 'mean' });
    epochs.slice(0, 3).forEach(({ presented, scores }, e) => present(before, e, presented, (k) => scores[k]!));
    const uninterrupted = (run(el2n({ source: 'presentation', keep: 'mean' })) as ReturnType<typeof el2n>).result();
    for (const saved of [throughCheckpoint(before.stateDict!()), JSON.parse(JSON.stringify(olderForm(before.stateDict!())))]) {
      const after = el2n({ source: 'presentation', keep: 'mean' });
      after.loadStateDict!(saved);
      run(after, 3);
      expect(after.result()).toEqual(uninterrupted);
      expect(after.recordedEpochs()).toEqual([1, 2, 3, 4, 5, 6]);
    }
  });

  it('refuses an epoch or a range, an epoch older than the latest, and the other layout’s state', () => {
    const plugin = run(el2n({ source: 'presentation', keep: 'mean' })) as ReturnType<typeof el2n>;
    expect(() => plugin.result(2)).toThrow(/keeps only the mean over every recorded epoch.*keep: 'each-epoch'/);
    expect(() => plugin.result({ from: 2 })).toThrow(/cannot give \{"from":2\}/);
    expect(plugin.result({})).toEqual(plugin.result());
    expect(() => present(plugin, 1, [2], () => 0.5)).toThrow(/got scores of epoch 2 after those of epoch 6/);
    expect(() => el2n().loadStateDict!(plugin.stateDict!())).toThrow(/column 'sum' is not an epoch/);
    expect(() => el2n({ keep: 'mean' }).loadStateDict!(el2n().stateDict!())).toThrow(/lacks the recorded epochs/);
    expect(() => el2n({ keep: 'last' as 'mean' })).toThrow(/keep must be 'each-epoch' or 'mean'/);
  });
});
