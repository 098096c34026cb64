import { MIN_SEEDS, type Judgement } from './judgement.js';

const digits = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(3) : v.toExponential(2));
const p = (v: number) => (Number.isNaN(v) ? '—' : v < 1e-12 ? '< 1e-12' : v < 0.001 ? v.toExponential(1) : v.toFixed(3));

/**
 * Every judged claim as a table a reviewer can check by hand: each seed's statistic, n, their mean
 * and its 95% t-interval (from five seeds on; the range below), each test with its p, the
 * Holm-adjusted p that decides, and the outcome. Exploratory statistics are marked so.
 */
export function judgementTable(judgements: readonly Judgement[]): { header: string[]; rows: string[][] } {
  return {
    header: ['claim', 'per seed (seed: value)', 'n', 'mean [95% t-interval]', 'tests (one-sided p)', 'p (Holm-adjusted)', 'outcome'],
    rows: judgements.map((j) => {
      const values = j.perSeed.map((s) => s.value);
      const spread =
        j.mean === undefined ? '—' : j.interval ? `${digits(j.mean)} [${digits(j.interval[0])}, ${digits(j.interval[1])}]` : values.length > 1 ? `${digits(j.mean)} (range ${digits(Math.min(...values))} to ${digits(Math.max(...values))}; fewer than ${MIN_SEEDS} seeds)` : digits(j.mean);
      return [
        `${j.exploratory ? '(exploratory) ' : ''}${j.claim}${j.at === undefined ? '' : ` (tested at ${j.at})`}`,
        j.perSeed.map((s) => `${s.seed}: ${digits(s.value)}`).join(', '),
        String(j.n),
        spread,
        j.tests.map((t) => `${t.name}: ${p(t.pValue)}`).join('; '),
        p(j.adjustedP),
        j.outcome,
      ];
    }),
  };
}
