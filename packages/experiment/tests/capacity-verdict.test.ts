import { describe, expect, it } from 'vitest';
import { capacityVerdict } from '../src/index.js';

import type { RunMetrics } from '@mgdl/report';

const summary = { samples: 100, steps: 10, S1: 5, S2: 60, S3: 35, M: 0.6, F: 0.4, ratio: 1.5, events: 50, unforgettable: 60 };
const cell = (width: number, train: number, test: number, ratio: number, status: 'done' | 'failed' = 'done', seed = 0) => ({
  name: `width=${width},seed=${seed}`,
  values: { width, seed },
  status,
  metrics: {
    train: { loss: train, samples: 100, samplesPerSec: 1000, seconds: 0.1 },
    test: { loss: test, accuracy: 0.9, samples: 50 },
    forgetting: { ...summary, series: 'presentation', settledRatio: ratio, regime: ratio > 2 ? 'memorising-dominated' : 'compromise' },
  } satisfies RunMetrics,
});

/** `seeds` seeds per value, each a little off the given means (so the seeds disagree a little). */
const seeded = (rows: [number, number, number, number][], seeds = 5) =>
  rows.flatMap(([x, train, test, ratio]) => Array.from({ length: seeds }, (_, seed) => cell(x, train * (1 + 0.01 * (seed - 2)), test * (1 + 0.004 * (seed - 2) * ((x * 7) % 3 - 1)), ratio * (1 + 0.02 * (seed - 2)), 'done', seed)));

describe('capacityVerdict', () => {
  it('holds when, over seeds, train loss falls, M/F rises and test loss is lowest in between, as capacity grows', () => {
    const verdict = capacityVerdict(seeded([[1, 1.5, 0.9, 1.2], [2, 1.2, 0.8, 1.6], [4, 0.8, 1.0, 2.5]]), { parameter: 'width', label: 'width', capacity: 'grows' });
    expect(verdict.held).toBe(true);
    expect(verdict.judgements!.map((j) => [j.claim, j.outcome, j.n])).toEqual([
      ['train loss falls with width', 'held', 5],
      ['settled M/F rises with width', 'held', 5],
      ['test loss has an optimum in between', 'held', 5],
    ]);
    // Holm over the three parts: each adjusted p is at least its own.
    for (const j of verdict.judgements!) expect(j.adjustedP).toBeGreaterThanOrEqual(j.pValue);
    expect(verdict.text).toMatch(/train loss falls with width: mean per-seed Spearman -1\.00 \[-1\.00, -1\.00\] \(t, 95%\), Page L \(exact\) p = \S+, t on per-seed Spearman p < 1e-12, Holm-adjusted p = \S+, 5 seeds: held/);
    expect(verdict.companions!.every((j) => j.exploratory)).toBe(true);
    expect(verdict.text).toContain('lowest mean test loss at width 2');
    expect(verdict.table!.rows.map((r) => r[0])).toEqual([1, 2, 4]);
  });

  it('reverses the directions for regularisers, and does not hold without an optimum in between', () => {
    const dropout = seeded([[0, 0.5, 1.0, 3], [0.5, 0.8, 0.9, 1.5], [0.9, 1.4, 0.8, 0.4]]).map((c) => ({ ...c, values: { dropout: c.values.width, seed: c.values.seed } }));
    const verdict = capacityVerdict(dropout, { parameter: 'dropout', label: 'dropout rate', capacity: 'shrinks' });
    expect(verdict.held).toBe(false);
    expect(verdict.judgements!.map((j) => j.outcome)).toEqual(['held', 'held', 'not held']);
  });

  it('is inconclusive with one seed or fewer than three values, and ignores unfinished cells', () => {
    expect(capacityVerdict([cell(1, 1.5, 0.9, 1.2), cell(2, 1.2, 0.8, 1.6), cell(4, 0.8, 1.0, 2.5)], { parameter: 'width', label: 'width', capacity: 'grows' }).held).toBeNull();
    expect(capacityVerdict(seeded([[1, 1, 1, 1], [2, 0.5, 0.9, 2]]), { parameter: 'width', label: 'width', capacity: 'grows' }).held).toBeNull();
    const three = capacityVerdict(seeded([[1, 1.5, 0.9, 1.2], [2, 1.2, 0.8, 1.6], [4, 0.8, 1.0, 2.5]], 3), { parameter: 'width', label: 'width', capacity: 'grows' });
    expect(three.held).toBeNull();
    expect(three.text).toContain('train loss falls with width: 3 of 3 seeds agree');
    expect(capacityVerdict([cell(1, 1, 1, 1, 'failed')], { parameter: 'width', label: 'width', capacity: 'grows' }).text).toMatch(/no cell finished/);
  });
});
