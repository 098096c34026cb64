import { describe, expect, it } from 'vitest';
import { cicBatch, epochsFor } from '../src/cic-batch.js';

const config = cicBatch.schema.parse(cicBatch.presets.smoke);
const cell = (batchSize: number, seed: number, loss: number) => ({
  name: `batchSize=${batchSize},seed=${seed}`,
  values: { batchSize, seed },
  status: 'done' as const,
  metrics: { step: 8000 / batchSize, train: { loss: loss / 2, samples: 8000, samplesPerSec: 1000, seconds: 8 }, test: { loss, accuracy: 1 - loss / 4, samples: 500 } },
});
const judge = (cells: ReturnType<typeof cell>[]) => cicBatch.conclude(cells, config, { runDir: '/run' });

describe('cic-batch presets', () => {
  it.each(['smoke', 'default', 'paper'] as const)('%s is valid', (preset) => {
    const parsed = cicBatch.schema.parse(cicBatch.presets[preset]);
    expect(cicBatch.grid!(parsed)).toEqual({ batchSize: parsed.batchSizes, seed: parsed.seeds });
  });
});

describe('cic-batch step-count control', () => {
  it('scales each batch size\'s epochs to about equal steps when equalStepsAt is set', () => {
    expect([16, 32, 128, 512].map((batchSize) => epochsFor({ epochs: 20, batchSize }))).toEqual([20, 20, 20, 20]);
    expect([16, 32, 128, 512].map((batchSize) => epochsFor({ epochs: 20, batchSize, equalStepsAt: 128 }))).toEqual([3, 5, 20, 80]);
    expect(epochsFor({ epochs: 1, batchSize: 16, equalStepsAt: 512 })).toBe(1);
    const controlled = cicBatch.conclude([32, 64, 128].flatMap((b, i) => [cell(b, 0, 1 + 0.1 * i), cell(b, 1, 1.05 + 0.1 * i)]), { ...config, equalStepsAt: 128 }, { runDir: '/run' });
    expect(controlled.text).toContain('Step-count control: every batch size trains about the steps of batch 128');
  });
});

describe('cic-batch verdict', () => {
  it('holds when test loss rises with batch size over seeds and seeds move it by ≥ 1%', () => {
    const verdict = judge([32, 64, 128].flatMap((b, i) => [cell(b, 0, 1 + 0.1 * i), cell(b, 1, 1.05 + 0.1 * i), cell(b, 2, 1.02 + 0.1 * i)]));
    expect(verdict.held).toBe(true);
    expect(verdict.text).toMatch(/test loss rises with batch size: Spearman 1\.00 \[1\.00, 1\.00\], 3 seeds: held \(larger batches generalise worse\)/);
    expect(verdict.text).toContain('which change the batch order, the initial weights and the noise draw together');
    // Seed 0 best and seed 1 worst at all three sizes: 1 of the 6^2 arrangements is as concordant.
    expect(verdict.judgements!.map((j) => [j.statistic, j.outcome])).toEqual([['spearman', 'held'], ['kendall-w', 'held']]);
    expect(verdict.judgements![1]).toMatchObject({ estimate: 1, pValue: 1 / 36 });
    expect(verdict.table!.rows.map((row) => row.slice(0, 2))).toEqual([
      [32, 250],
      [64, 125],
      [128, 62.5],
    ]);
  });

  it('does not hold when larger batches generalise better, or when seeds change nothing', () => {
    expect(judge([32, 64, 128].flatMap((b, i) => [cell(b, 0, 1 - 0.1 * i), cell(b, 1, 1.05 - 0.1 * i), cell(b, 2, 1.02 - 0.1 * i)])).held).toBe(false);
    expect(judge([32, 64, 128].flatMap((b, i) => [cell(b, 0, 1 + 0.1 * i), cell(b, 1, 1.001 + 0.1 * i)])).held).toBe(false);
  });

  it('cannot tell when the seeds swap places from one batch size to the next, however far apart they are', () => {
    const swapping = judge([32, 64, 128].flatMap((b, i) => [0, 1, 2].map((seed) => cell(b, seed, 1 + 0.1 * i + 0.05 * ((seed + i) % 3)))));
    expect(swapping.judgements!.map((j) => j.outcome)).toEqual(['held', 'inconclusive']);
    expect(swapping.held).toBeNull();
    expect(swapping.text).toContain("the seeds keep their rank of test loss across batch sizes (a systematic seed effect): Kendall's W 0.00, p = 1.000, 3 seeds: inconclusive");
  });

  it('says what the seeds change when only the batch order varies', () => {
    const verdict = cicBatch.conclude([32, 64, 128].flatMap((b, i) => [cell(b, 0, 1 + 0.1 * i), cell(b, 1, 1.05 + 0.1 * i), cell(b, 2, 1.02 + 0.1 * i)]), { ...config, seedRole: 'order' }, { runDir: '/run' });
    expect(verdict.text).toContain('which change only the batch order, weights and noise fixed: the composition effect on its own');
  });

  it('cannot tell with two batch sizes, one seed, or two seeds that differ', () => {
    expect(judge([32, 64, 128].flatMap((b, i) => [cell(b, 0, 1 + 0.1 * i), cell(b, 1, 1.05 + 0.1 * i)])).held).toBeNull();
    expect(judge([32, 64].flatMap((b, i) => [cell(b, 0, 1 + i), cell(b, 1, 1.5 + i)])).held).toBeNull();
    expect(judge([32, 64, 128].map((b, i) => cell(b, 0, 1 + i))).held).toBeNull();
    expect(judge([]).held).toBeNull();
  });
});
