import { describe, expect, it } from 'vitest';
import { sampleScoreRows, scoreById } from '../src/index.js';

describe('sampleScoreRows: the one builder of samples/scores.csv rows', () => {
  it('keeps presented samples that have labels, with each recorded score by id', () => {
    const rows = sampleScoreRows({
      perSample: { ids: Int32Array.from([10, 11, 12, 13]), set: [3, 0, 2, 1], forgettingEvents: [2, 0, 0, 0], firstLearned: [1, -1, 0, -1] },
      labelsOf: (id) => (id === 13 ? undefined : { label: id % 2, clean: 0, noisy: id % 2 === 1 }),
      aum: scoreById(Int32Array.from([12, 10]), [0.5, -0.25]),
      finalLoss: new Map([[10, 1.5]]),
    });
    // 11 was never presented (set 0) and 13 has no labels: both left out.
    expect(rows.map((r) => r.id)).toEqual([10, 12]);
    expect(rows[0]).toEqual({ id: 10, label: 0, clean: 0, noisy: false, set: 3, forgetting: 2, firstLearned: 1, aum: -0.25, confidence: null, variability: null, correctness: null, el2n: null, finalLoss: 1.5 });
    expect(rows[1]).toMatchObject({ id: 12, set: 2, firstLearned: 0, aum: 0.5, finalLoss: null });
  });
});
