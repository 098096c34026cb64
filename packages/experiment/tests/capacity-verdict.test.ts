import { describe, expect, it } from 'vitest';
import { capacityVerdict } from '../src/index.js';

import type { RunMetrics } from '@mgdl/report';

const summary = { samples: 100, steps: 10, S1: 5, S2: 60, S3: 35, M: 0.6, F: 0.4, ratio: 1.5, events: 50, unforgettable: 60 };
const cell = (width: number, train: number, test: number, ratio: number, status: 'done' | 'failed' = 'done') => ({
  name: `width=${width}`,
  values: { width },
  status,
  metrics: {
    train: { loss: train, samples: 100, samplesPerSec: 1000, seconds: 0.1 },
    test: { loss: test, accuracy: 0.9, samples: 50 },
    forgetting: { ...summary, series: 'presentation', settledRatio: ratio, regime: ratio > 2 ? 'memorising-dominated' : 'compromise' },
  } satisfies RunMetrics,
});

describe('capacityVerdict', () => {
  it('holds when train loss falls, M/F rises and test loss is lowest in between, as capacity grows', () => {
    const verdict = capacityVerdict([cell(1, 1.5, 0.9, 1.2), cell(2, 1.2, 0.8, 1.6), cell(4, 0.8, 1.0, 2.5)], { parameter: 'width', label: 'width', capacity: 'grows' });
    expect(verdict.held).toBe(true);
    expect(verdict.text).toContain('lowest test loss at width 2 (an interior value');
    expect(verdict.table!.rows.map((r) => r[0])).toEqual([1, 2, 4]);
  });

  it('reverses the directions for regularisers, and does not hold without an optimum in between', () => {
    const dropout = [cell(0, 0.5, 1.0, 3), cell(0.5, 0.8, 0.9, 1.5), cell(0.9, 1.4, 0.8, 0.4)].map((c, i) => ({ ...c, values: { dropout: [0, 0.5, 0.9][i]! } }));
    expect(capacityVerdict(dropout, { parameter: 'dropout', label: 'dropout rate', capacity: 'shrinks' }).held).toBe(false);
  });

  it('is undetermined with fewer than three values, and ignores unfinished cells', () => {
    expect(capacityVerdict([cell(1, 1, 1, 1), cell(2, 0.5, 0.9, 2)], { parameter: 'width', label: 'width', capacity: 'grows' }).held).toBeNull();
    expect(capacityVerdict([cell(1, 1, 1, 1, 'failed')], { parameter: 'width', label: 'width', capacity: 'grows' }).text).toMatch(/no cell finished/);
  });
});
