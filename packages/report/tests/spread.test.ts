import { describe, expect, it } from 'vitest';
import { meanInterval, regimeBands, renderSvg, seedMeans, spreadChart } from '../src/index.js';

describe('meanInterval: the mean over seeds and its 95% t-interval', () => {
  it('matches the textbook interval, and gives none for one run', () => {
    // mean 2, sample std 1, n = 3: 2 ± 4.303 · 1/√3
    const three = meanInterval([1, 2, 3]);
    expect(three.mean).toBe(2);
    expect(three.std).toBeCloseTo(1, 12);
    expect(three.low).toBeCloseTo(2 - 4.303 / Math.sqrt(3), 6);
    expect(three.high).toBeCloseTo(2 + 4.303 / Math.sqrt(3), 6);
    expect(meanInterval([5])).toEqual({ mean: 5, low: 5, high: 5, std: 0, n: 1 });
    expect(meanInterval([Number.NaN, 4, 4, Number.POSITIVE_INFINITY])).toMatchObject({ mean: 4, low: 4, high: 4, n: 2 });
    expect(meanInterval([]).n).toBe(0);
  });

  it('narrows as seeds are added (more runs, same spread)', () => {
    const few = meanInterval([1, 2, 3]);
    const many = meanInterval([1, 2, 3, 1, 2, 3, 1, 2, 3]);
    expect(many.high - many.low).toBeLessThan((few.high - few.low) / 2);
  });
});

describe('spreadChart: runs faint, their mean as the line, its interval as a bar', () => {
  const runs = [1, 2, 3].flatMap((width) => [0, 1, 2].map((seed) => ({ width, split: 'test', loss: width + 0.1 * seed })));

  it('groups the runs by x and series into means with intervals', () => {
    const means = seedMeans(runs, 'width', 'loss', 'split');
    expect(means.map((m) => m['width'])).toEqual([1, 2, 3]);
    expect(means[0]).toMatchObject({ split: 'test', runs: 3 });
    expect(means[0]!['loss']).toBeCloseTo(1.1, 12);
    expect(Number(means[0]!['lossLow'])).toBeLessThan(1.1);
    expect(Number(means[0]!['lossHigh'])).toBeGreaterThan(1.1);
  });

  it('draws every run, one interval bar and one mean point per x', async () => {
    const spec = spreadChart({ title: 'loss', x: { field: 'width', title: 'width' }, y: [{ field: 'loss', title: 'loss' }], series: 'split', runs }) as unknown as { layer: { mark: { type: string }; data: { values: unknown[] } }[] };
    expect(spec.layer.map((l) => [l.mark.type, l.data.values.length])).toEqual([['point', 9], ['rule', 3], ['line', 3]]);
    const svg = await renderSvg(spreadChart({ title: 'loss', x: { field: 'width', title: 'width' }, y: [{ field: 'loss', title: 'loss' }], runs }));
    expect(svg).toMatch(/^<svg/);
    expect(svg.match(/<line /g)?.length ?? 0).toBeGreaterThanOrEqual(3);
  });

  it('puts the runs on the regime bands when given runs', () => {
    const ratios = [1, 2, 3].flatMap((x) => [0, 1, 2].map((seed) => ({ x, ratio: x * (1 + seed / 10) })));
    const spec = regimeBands({ title: 'M/F', x: { field: 'x', title: 'x' }, runs: ratios, thresholds: { forgettingBelow: 0.5, memorisingAbove: 2 } }) as unknown as { layer: { mark: { type: string } }[] };
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['rect', 'point', 'rule', 'line']);
  });
});
