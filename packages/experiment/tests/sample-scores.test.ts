import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vocabulary, type Dataset } from '@mgdl/datasets';
import { forgettingStatistics } from '@mgdl/forgetting';
import { readGallery, readRunMetrics, readSampleScores, runFiles, runWriter } from '@mgdl/report';
import { galleryOf, sampleScorePlugins, writeSampleScores } from '../src/cell/sample-scores.js';

/** Four 2×2 grey images; samples 2 and 3 carry flipped labels (clean labels 0, 1, 0, 1). */
function dataset(kind: 'image' | 'text'): Dataset {
  const vocabulary = new Vocabulary(['<pad>', '<unk>', 'how', 'far', 'is', 'it']);
  return {
    name: 'tiny',
    split: 'train',
    kind,
    x: kind === 'image' ? Uint8Array.from({ length: 16 }, (_, i) => i * 10) : Int32Array.from([2, 3, 0, 0, 4, 5, 0, 0, 2, 4, 5, 0, 3, 0, 0, 0]),
    sampleShape: kind === 'image' ? [2, 2, 1] : [4],
    labels: Int32Array.from([0, 1, 1, 0]),
    ids: Int32Array.from([10, 11, 12, 13]),
    classNames: ['a', 'b'],
    noise: { kind: 'symmetric', p: 0.5, seed: 0, cleanLabels: Int32Array.from([0, 1, 0, 1]), noisy: Uint8Array.from([0, 0, 1, 1]), flipped: 2 },
    ...(kind === 'text' ? { vocabulary } : {}),
    sources: [],
  } as unknown as Dataset;
}

/** Three epochs of presentations: the clean samples are learned at once, the noisy ones never. */
function train(data: Dataset) {
  const stats = forgettingStatistics({ ids: data.ids, mode: 'presentation' });
  const scores = sampleScorePlugins('presentation', 3);
  for (let epoch = 0; epoch < 3; epoch++) {
    const event = {
      epoch,
      step: epoch + 1,
      batchIndex: 0,
      ids: data.ids,
      meanLoss: 1,
      terms: {},
      learningRate: 0.1,
      correct: Uint8Array.from([1, 1, 0, 0]),
      loss: Float32Array.from([0.1, 0.2, 2 + epoch, 3 + epoch]),
      margin: Float32Array.from([2, 1, -1, -2]),
      pGold: Float32Array.from([0.9, 0.8, 0.2 - epoch * 0.05, 0.1]),
      el2n: Float32Array.from([0.1, 0.2, 1.1, 1.2]),
    };
    stats.onBatchEnd!(event);
    for (const plugin of scores.list) plugin.onBatchEnd?.(event as never, undefined as never);
  }
  return { analysis: stats.analyze('presentation'), scores };
}

describe('per-sample scores of a cell', () => {
  it('writes every score, the gallery pixels and the noise-detection result, read back by their readers', () => {
    const data = dataset('image');
    const { analysis, scores } = train(data);
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-scores-'));
    const writer = runWriter({ dir, config: {}, tensorboard: false });
    const result = writeSampleScores(writer, data, analysis, scores)!;
    writer.summarize('noiseDetection', result);
    const rows = readSampleScores(runFiles(dir).samples('scores'));
    expect(rows.map((r) => [r.id, r.label, r.clean, r.noisy, r.set, r.forgetting, r.firstLearned])).toEqual([
      [10, 0, 0, false, 2, 0, 0],
      [11, 1, 1, false, 2, 0, 0],
      [12, 1, 0, true, 1, 0, null],
      [13, 0, 1, true, 1, 0, null],
    ]);
    // AUM: the mean margin; final loss: the last epoch's; EL2N: mean over the recorded epochs.
    expect(rows.map((r) => r.aum)).toEqual([2, 1, -1, -2]);
    expect(rows.map((r) => r.finalLoss)).toEqual([0.1, 0.2, 4, 5].map(Math.fround));
    expect(rows.map((r) => r.el2n)).toEqual([0.1, 0.2, 1.1, 1.2].map(Math.fround));
    expect(rows[2]!.confidence).toBeCloseTo(0.15, 6);
    expect(rows[2]!.variability).toBeCloseTo(Math.sqrt(((0.05 ** 2) * 2) / 3), 6);
    // Every score separates the noisy samples perfectly but variability: only sample 12 varies, so its two pairs win
    // and sample 13's two tie: (1 + 1 + ½ + ½) / 4.
    expect(Object.fromEntries(result.scores.map((s) => [s.score, s.auc]))).toEqual({ aum: 1, confidence: 1, correctness: 1, el2n: 1, final_loss: 1, first_learned: 1, forgetting: 1, variability: 0.75 });
    expect(readRunMetrics(runFiles(dir).metrics).noiseDetection?.k).toBe(2);
    const gallery = readGallery(runFiles(dir).gallery);
    expect(gallery).toMatchObject({ kind: 'image', shape: [2, 2, 1], classNames: ['a', 'b'] });
    // Sample 12 is the third image: bytes 8..11.
    expect(Array.from(Buffer.from(gallery.samples.find((s) => s.id === 12)!.pixels!, 'base64'))).toEqual([80, 90, 100, 110]);
  });

  it('gives a text dataset its tokens, without padding', () => {
    const data = dataset('text');
    const { analysis, scores } = train(data);
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-scores-'));
    writeSampleScores(runWriter({ dir, config: {}, tensorboard: false }), data, analysis, scores);
    const rows = readSampleScores(runFiles(dir).samples('scores'));
    const gallery = galleryOf(data, rows)!;
    expect(gallery.kind).toBe('text');
    expect(Object.fromEntries(gallery.samples.map((s) => [s.id, s.text]))).toEqual({ 10: 'how far', 11: 'is it', 12: 'how is it', 13: 'far' });
  });
});
