import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { History } from '../src/history.js';
import { analyze, analyzeByNoise, rankByForgetting, settle, classifyRegime, sumForgettingCounts, summarize } from '../src/index.js';

/** Rows are samples, characters are steps. */
const historyOf = (rows: string[], ids = Int32Array.from(rows, (_, i) => i)) =>
  History.fromMatrix({ ids, series: 'presentation', steps: rows[0]!.length, correct: (p, t) => (rows[p]![t] === '1' ? 1 : 0) });

const worked = ['000000', '111111', '111110', '101010', '010101'];

describe('hand-worked histories', () => {
  it('events, first-learned, learned-for-good and sets for never learned / first step / last step / alternating', () => {
    const { perSample: s, sets, forgettingEvents, learningEvents } = analyze(historyOf(worked));
    expect(Array.from(s.learningEvents)).toEqual([0, 1, 1, 3, 3]);
    expect(Array.from(s.forgettingEvents)).toEqual([0, 0, 1, 3, 2]);
    expect(Array.from(s.firstLearned)).toEqual([-1, 0, 0, 0, 1]);
    expect(Array.from(s.learnedForGood)).toEqual([-1, 0, -1, -1, 5]);
    expect(Array.from(s.firstForgotten)).toEqual([-1, -1, 5, 1, 2]);
    expect(Array.from(s.finalCorrect)).toEqual([0, 1, 0, 0, 1]);
    expect(Array.from(s.set)).toEqual([1, 2, 3, 3, 3]);
    expect(sets).toEqual({ S1: 1, S2: 1, S3: 3 });
    expect([forgettingEvents, learningEvents]).toEqual([6, 8]);
  });

  it('M(t), F(t) and M/F over S3(t), judged on the history up to t', () => {
    const { system, final } = analyze(historyOf(worked));
    expect(Array.from(system.s3)).toEqual([0, 1, 2, 2, 2, 3]);
    expect(Array.from(system.M)).toEqual([Number.NaN, 0, 0.5, 0.5, 0.5, 1 / 3]);
    expect(system.F[5]).toBeCloseTo(2 / 3, 12);
    expect(system.ratio[5]).toBeCloseTo(0.5, 12);
    expect(final).toEqual({ M: 1 / 3, F: 1 - 1 / 3, ratio: expect.closeTo(0.5, 12) as number });
  });

  it('counts no event at step 0 when the initial state is the first observation', () => {
    const { perSample: s } = analyze(historyOf(worked), { initial: 'first-observation' });
    expect(Array.from(s.learningEvents)).toEqual([0, 0, 0, 2, 3]);
    expect(Array.from(s.firstLearned)).toEqual([-1, 0, 0, 0, 1]);
    expect(Array.from(s.set)).toEqual([1, 2, 3, 3, 3]);
  });

  it('summarises to the fixed JSON fields; M, F null when S3 is empty, ratio null when F = 0', () => {
    expect(summarize(analyze(historyOf(worked)))).toEqual({ samples: 5, steps: 6, S1: 1, S2: 1, S3: 3, M: 1 / 3, F: expect.closeTo(2 / 3, 12) as number, ratio: expect.closeTo(0.5, 12) as number, events: 6, unforgettable: 1 });
    expect(summarize(analyze(historyOf(['0111', '0011'])))).toMatchObject({ S3: 0, M: null, F: null, ratio: null, events: 0, unforgettable: 2 });
    expect(summarize(analyze(historyOf(['0101', '1011'])))).toMatchObject({ S3: 2, M: 1, F: 0, ratio: null });
  });

  it('meso scale: M/F per group of ids', () => {
    const { meso } = analyze(historyOf(worked), { groups: [Int32Array.of(0, 3), Int32Array.of(4, 2, 1)] });
    expect(Array.from(meso![0]!.M)).toEqual([Number.NaN, 0, 1, 0, 1, 0]);
    expect(Array.from(meso![1]!.s3)).toEqual([0, 0, 1, 1, 1, 2]);
    expect(meso![1]!.M[5]).toBe(0.5);
  });

  it('ranks least forgotten first with a never-learned policy and seeded ties', () => {
    const analysis = analyze(historyOf(worked));
    const ranked = rankByForgetting(analysis.perSample, 6, { policy: 'infinite' });
    expect(Array.from(ranked.ids)).toEqual([1, 2, 4, 3, 0]);
    expect(ranked.counts[4]).toBe(Number.POSITIVE_INFINITY);
    expect(Array.from(rankByForgetting(analysis.perSample, 6, { policy: 'zero' }).ids.slice(0, 2)).sort()).toEqual([0, 1]);
    expect(rankByForgetting(analysis.perSample, 6, { policy: 'steps' }).counts.at(-1)).toBe(6);
    expect(rankByForgetting(analysis.perSample, 6, { policy: { value: 2.5 } }).counts).toContain(2.5);
  });

  it('settles M/F over a trailing window and classifies the regime', () => {
    const s = settle(Float64Array.of(9, 9, 1, 3, Number.NaN, 2), 3);
    expect(s).toMatchObject({ value: 2.5, amplitude: 0.5, window: { from: 3, to: 6 } });
    expect([classifyRegime(0.2), classifyRegime(1), classifyRegime(5), classifyRegime(Number.NaN)]).toEqual(['forgetting-dominated', 'compromise', 'memorising-dominated', 'undetermined']);
    expect(classifyRegime(1, { forgettingBelow: 1.5 })).toBe('forgetting-dominated');
  });

  it('splits the analysis into clean and noisy samples', () => {
    const { clean, noisy } = analyzeByNoise(historyOf(worked), new Set([3, 4]));
    expect(clean.sets).toEqual({ S1: 1, S2: 1, S3: 1 });
    expect(noisy.sets).toEqual({ S1: 0, S2: 0, S3: 2 });
    expect(noisy.forgettingEvents).toBe(5);
  });
});

/** The definitions, computed the slow obvious way. */
function reference(rows: number[][]) {
  const steps = rows[0]!.length;
  const per = rows.map((row) => {
    let [learn, forget, first, firstForget, lastLearn] = [0, 0, -1, -1, -1];
    row.forEach((v, t) => {
      const prev = t === 0 ? 0 : row[t - 1]!;
      if (!prev && v) [learn, lastLearn, first] = [learn + 1, t, first === -1 ? t : first];
      if (prev && !v) [forget, firstForget] = [forget + 1, firstForget === -1 ? t : firstForget];
    });
    return { learn, forget, first, firstForget, forGood: row[steps - 1] ? lastLearn : -1, set: first === -1 ? 1 : forget > 0 ? 3 : 2 };
  });
  const M = Array.from({ length: steps }, (_, t) => {
    const inS3 = rows.filter((_, i) => per[i]!.firstForget !== -1 && per[i]!.firstForget <= t);
    return inS3.length === 0 ? Number.NaN : inS3.filter((row) => row[t] === 1).length / inS3.length;
  });
  return { per, M };
}

const histories = fc.integer({ min: 1, max: 12 }).chain((steps) => fc.array(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: steps, maxLength: steps }), { minLength: 1, maxLength: 70 }));

describe('properties', () => {
  it('matches the definitions computed naively; S1+S2+S3 = N; M+F = 1 where S3 ≠ ∅', () => {
    fc.assert(
      fc.property(histories, (rows) => {
        const analysis = analyze(historyOf(rows.map((r) => r.join(''))));
        const ref = reference(rows);
        const s = analysis.perSample;
        expect(Array.from(s.learningEvents)).toEqual(ref.per.map((r) => r.learn));
        expect(Array.from(s.forgettingEvents)).toEqual(ref.per.map((r) => r.forget));
        expect(Array.from(s.firstLearned)).toEqual(ref.per.map((r) => r.first));
        expect(Array.from(s.learnedForGood)).toEqual(ref.per.map((r) => r.forGood));
        expect(Array.from(s.set)).toEqual(ref.per.map((r) => r.set));
        expect(Array.from(analysis.system.M)).toEqual(ref.M);
        expect(analysis.sets.S1 + analysis.sets.S2 + analysis.sets.S3).toBe(rows.length);
        analysis.system.M.forEach((m, t) => {
          if (analysis.system.s3[t]! > 0) expect(m + analysis.system.F[t]!).toBeCloseTo(1, 12);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('is invariant under permuting the samples', () => {
    fc.assert(
      fc.property(histories, fc.integer(), (rows, seed) => {
        const order = rows.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 97) - ((b * 7919 + seed) % 97) || a - b);
        const a = analyze(historyOf(rows.map((r) => r.join(''))));
        const b = analyze(historyOf(order.map((i) => rows[i]!.join('')), Int32Array.from(order)));
        expect(summarize(b)).toEqual(summarize(a));
        order.forEach((id, p) => expect(b.perSample.forgettingEvents[p]).toBe(a.perSample.forgettingEvents[id]));
      }),
      { numRuns: 100 },
    );
  });

  it('merging two runs sums their forgetting counts', () => {
    fc.assert(
      fc.property(histories, histories, (x, y) => {
        const n = Math.min(x.length, y.length);
        const [a, b] = [x.slice(0, n), y.slice(0, n)].map((rows) => analyze(historyOf(rows.map((r) => r.join('')))));
        const merged = sumForgettingCounts([{ stats: a!.perSample, steps: a!.steps }, { stats: b!.perSample, steps: b!.steps }], 'zero');
        for (let id = 0; id < n; id++) {
          const count = (s: typeof a) => (s!.perSample.set[id] === 1 ? 0 : s!.perSample.forgettingEvents[id]!);
          expect(merged.get(id)).toBe(count(a) + count(b));
        }
      }),
      { numRuns: 100 },
    );
  });
});
