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
  // Five seeds, each a fixed offset off the batch-size trend (0.01 apart: 1–4% of the loss).
  const OFFSETS = [0, 0.05, 0.02, 0.04, 0.01];
  const sizes = [16, 32, 64, 128, 256];
  const sweep = (slope: number, offsets = OFFSETS) => sizes.flatMap((b, i) => offsets.map((offset, seed) => cell(b, seed, 1 + slope * i + offset)));

  it('holds when test loss rises with batch size over seeds and the seeds keep their place by ≥ 1%', () => {
    const verdict = judge(sweep(0.1));
    expect(verdict.held).toBe(true);
    expect(verdict.text).toMatch(/test loss rises with batch size: mean per-seed Spearman 1\.00 \[1\.00, 1\.00\] \(t, 95%\), Page L \(exact\) p = \S+, t on per-seed Spearman p < 1e-12, Holm-adjusted p = \S+, 5 seeds: held \(larger batches generalise worse in the seeds on average\)/);
    expect(verdict.text).toContain('which change the batch order, the initial weights and the noise draw together');
    expect(verdict.judgements!.map((j) => [j.statistic, j.outcome])).toEqual([['spearman', 'held'], ['seed-effect', 'held']]);
    expect(verdict.judgements![1]!.tests.map((t) => t.name)).toEqual(["Friedman chi-square (df 4; Kendall's W 1.00)", 'two-way ANOVA F of the seed (df 4, 16)']);
    expect(verdict.table!.rows.map((row) => row.slice(0, 2))).toEqual(sizes.map((b) => [b, 8000 / b]));
  });

  it('does not hold when larger batches generalise better, or when seeds change nothing', () => {
    expect(judge(sweep(-0.1)).held).toBe(false);
    expect(judge(sweep(0.1, [0, 0.001, 0.002, 0.003, 0.004])).held).toBe(false);
  });

  it('cannot tell when the seeds swap places from one batch size to the next, however far apart they are', () => {
    const swapping = judge(sizes.flatMap((b, i) => [0, 1, 2, 3, 4].map((seed) => cell(b, seed, 1 + 0.1 * i + 0.05 * ((seed + i) % 5)))));
    expect(swapping.judgements!.map((j) => j.outcome)).toEqual(['held', 'inconclusive']);
    expect(swapping.held).toBeNull();
    expect(swapping.text).toMatch(/a systematic seed effect\): Friedman chi-square \(df 4; Kendall's W 0\.00\) p = 1\.000, two-way ANOVA F of the seed \(df 4, 16\) p = \S+, 5 seeds: inconclusive/);
  });

  it('says what the seeds change when only the batch order varies', () => {
    const verdict = cicBatch.conclude(sweep(0.1), { ...config, seedRole: 'order' }, { runDir: '/run' });
    expect(verdict.text).toContain('which change only the batch order, weights and noise fixed: the composition effect on its own');
  });

  it('cannot tell with three seeds, two batch sizes, or one seed', () => {
    const three = judge(sweep(0.1, OFFSETS.slice(0, 3)));
    expect(three.held).toBeNull();
    expect(three.text).toContain('test loss rises with batch size: 3 of 3 seeds agree');
    expect(judge([32, 64].flatMap((b, i) => OFFSETS.map((offset, seed) => cell(b, seed, 1 + i + offset)))).held).toBeNull();
    expect(judge(sizes.map((b, i) => cell(b, 0, 1 + i))).held).toBeNull();
    expect(judge([]).held).toBeNull();
  });
});
