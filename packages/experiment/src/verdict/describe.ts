import { MIN_SEEDS, type Judgement } from './judgement.js';

/** How every app judges: documented in docs/EXPERIMENTS.md ("How a verdict is reached"). */
export const PROCEDURE =
  'each claim is reduced to one statistic per seed (an independent training run) and tested one-sided at 5%; ' +
  'a difference between arms that share seeds: the per-seed difference, exact sign-flip test (2^n sign assignments), mean and Student-t 95% interval printed; ' +
  'a trend across separately trained cells: Page\'s test of the ordered alternative (seeds as blocks; exact up to 8 swept values, normal approximation beyond) and Student\'s t on the per-seed Spearman coefficients, both required; ' +
  'a trend along the epochs of one run: Student\'s t on the per-seed Spearman coefficients over the epochs; ' +
  'an optimum in between: at each interior value the fall from the first value and the rise to the last, each a one-sided paired t over seeds, both required, Holm over the interior values; it does not hold when an end is lower at every interior value; ' +
  'a seed effect: Friedman\'s test (chi-square approximation) and the two-way ANOVA F-test of the seed (seed × swept value, no interaction), both required; held or inconclusive; ' +
  'Holm\'s adjustment over the primary claims of a verdict; statistics beside the claim are exploratory and never part of the verdict; ' +
  'held (or not held: the opposite claim held) needs at least 5 seeds; with fewer the claim reads "k of n seeds agree": inconclusive; ' +
  'a verdict does not hold when any claim does not hold, holds when all hold, and is inconclusive otherwise';

const number = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '—' : Math.abs(v) >= 0.01 || v === 0 ? v.toFixed(2) : v.toExponential(1));
/** "p = 0.031", in exponent notation below 0.001; "p < 1e-12" for one that rounds to nothing (a zero-spread t, an extreme exact tail). */
const formatP = (p: number): string => (p < 1e-12 ? 'p < 1e-12' : `p = ${p < 0.001 ? p.toExponential(1) : p.toFixed(3)}`);

const STATISTIC_LABEL = { spearman: 'mean per-seed Spearman', 'paired-difference': 'mean difference', 'interior-optimum': 'mean of the smaller of fall and rise' } as const;

/**
 * One line per claim, e.g. "x: mean difference 0.12 [0.01, 0.24] (t, 95%), sign-flip (exact, 2^5 assignments) p = 0.031, 5 seeds: held";
 * with fewer than five seeds "x: 3 of 3 seeds agree (mean difference 0.12; fewer than 5 seeds): inconclusive".
 */
export function describeJudgement(j: Judgement): string {
  const claim = `${j.exploratory ? '(exploratory) ' : ''}${j.claim}${j.at === undefined ? '' : ` (tested at ${j.at})`}`;
  const seeds = `${j.n} seed${j.n === 1 ? '' : 's'}`;
  const tests = j.tests.map((t) => `${t.name} ${formatP(t.pValue)}`).join(', ');
  const holm = j.adjustedP !== j.pValue ? `, Holm-adjusted ${formatP(j.adjustedP)}` : '';
  if (j.statistic === 'seed-effect') {
    return `${claim}: ${tests || 'nothing to test'}${holm}, ${seeds}${j.n < MIN_SEEDS ? ` (fewer than ${MIN_SEEDS})` : ''}: ${j.outcome}`;
  }
  const estimate = `${STATISTIC_LABEL[j.statistic]} ${number(j.mean)}`;
  if (j.n < MIN_SEEDS) return `${claim}: ${j.agree ?? 0} of ${seeds} agree (${estimate}; fewer than ${MIN_SEEDS} seeds): ${j.outcome}`;
  const interval = j.interval ? ` [${number(j.interval[0])}, ${number(j.interval[1])}] (t, ${Math.round(j.level * 100)}%)` : '';
  return `${claim}: ${estimate}${interval}, ${tests || 'not tested (too few swept values)'}${holm}, ${seeds}: ${j.outcome}`;
}
