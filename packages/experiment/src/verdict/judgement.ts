import { holm, studentT } from './stats/location.js';

/** One measurement: the swept value, the seed it ran with, and the quantity judged. */
export interface SeedPoint {
  x: number;
  seed: number;
  y: number;
}

/** A claim's statistic in one seed (one independent training run): the unit the rule replicates over. */
export interface SeedValue {
  seed: number;
  value: number;
}

export type Outcome = 'held' | 'not held' | 'inconclusive';

/** What `perSeed` holds. */
export type Statistic = 'spearman' | 'paired-difference' | 'interior-optimum' | 'seed-effect';

/** One test of a claim, as printed: its statistic and one-sided p-values. */
export interface TestResult {
  /** e.g. "Page L (exact)", "t on per-seed Spearman", "sign-flip (exact, 2^5)". */
  name: string;
  statistic: number;
  /** One-sided p-value in the claimed direction (for a seed effect: of any seed effect). */
  pValue: number;
  /** One-sided p-value in the opposite direction; absent where the claim has none. */
  pAgainst?: number;
}

/** A claim judged over seeds: printed beside the verdict and kept in verdict.json. */
export interface Judgement {
  claim: string;
  statistic: Statistic;
  /** The statistic of each seed (a per-seed Spearman, a paired difference, …); for a seed effect, each seed's mean deviation from the swept values' means. */
  perSeed: SeedValue[];
  /** Seeds judged. */
  n: number;
  /** Mean of `perSeed`; absent for a seed effect (its seed deviations average 0 by construction). */
  mean?: number;
  /** Student-t interval of `mean` at `level`, given from `MIN_SEEDS` seeds on. */
  interval?: [number, number];
  level: number;
  /** The test (or tests, all required) that decide, as named in `tests`. */
  test: string;
  tests: TestResult[];
  /** The claim's one-sided p-value: the largest of the deciding tests' (each must reject). */
  pValue: number;
  /** The same for the opposite claim (what `not held` rests on); absent where there is none. */
  pAgainst?: number;
  /** `pValue` after Holm's adjustment over the primary claims of the verdict (equal to it for a claim judged alone). */
  adjustedP: number;
  adjustedPAgainst?: number;
  /** Seeds whose own statistic points the claimed way; absent for a seed effect. */
  agree?: number;
  /** For an optimum in between: the interior swept value tested. */
  at?: number;
  outcome: Outcome;
  /** Judged beside the claim and never part of its verdict. */
  exploratory?: boolean;
}

/** Each test is one-sided at this level; intervals are two-sided at 1 − ALPHA. */
const ALPHA = 0.05;
export const LEVEL = 1 - ALPHA;
/** Held and not held need this many seeds; fewer read "k of n seeds agree": inconclusive. */
export const MIN_SEEDS = 5;

/** A p-value that could not be computed (too few seeds or values) is no evidence: 1. */
export const orOne = (p: number | undefined): number => (p === undefined || Number.isNaN(p) ? 1 : p);

export function outcomeOf(n: number, adjustedP: number, adjustedPAgainst: number | undefined): Outcome {
  if (n < MIN_SEEDS) return 'inconclusive';
  if (adjustedP < ALPHA) return 'held';
  return adjustedPAgainst !== undefined && adjustedPAgainst < ALPHA ? 'not held' : 'inconclusive';
}

/**
 * A judgement from its per-seed values (`sign` +1 when positive values agree with the claim, −1
 * when negative do) and its tests: those in `deciding` (default: all) must each reject.
 */
export function judgement(fields: { claim: string; statistic: Exclude<Statistic, 'seed-effect'>; perSeed: SeedValue[]; sign: 1 | -1; test: string; tests: TestResult[]; deciding?: TestResult[]; at?: number }): Judgement {
  const { claim, statistic, perSeed, sign, test, tests, deciding = tests, at } = fields;
  const values = perSeed.map((s) => s.value);
  const n = values.length;
  const summary = n > 0 ? studentT(values, LEVEL) : undefined;
  // With no test (no seed, or too few values) there is no evidence either way: p = 1.
  const pValue = Math.max(...deciding.map((t) => orOne(t.pValue)), deciding.length === 0 ? 1 : 0);
  const pAgainst = Math.max(...deciding.map((t) => orOne(t.pAgainst)), deciding.length === 0 ? 1 : 0);
  return {
    claim,
    statistic,
    perSeed,
    n,
    mean: summary?.mean ?? Number.NaN,
    ...(summary && n >= MIN_SEEDS ? { interval: summary.interval } : {}),
    level: LEVEL,
    test,
    tests,
    pValue,
    pAgainst,
    adjustedP: pValue,
    adjustedPAgainst: pAgainst,
    agree: values.filter((v) => sign * v > 0).length,
    ...(at === undefined ? {} : { at }),
    outcome: outcomeOf(n, pValue, pAgainst),
  };
}

/**
 * Holm's adjustment over the primary claims of one verdict, so that each claim read as a finding
 * on its own keeps its 5% error: the claims' p-values are adjusted together, as are the p-values
 * of their opposites, and each outcome is read again from the adjusted ones.
 */
export function holmAdjust(judgements: readonly Judgement[]): Judgement[] {
  const adjusted = holm(judgements.map((j) => j.pValue));
  const against = judgements.map((j, i) => [j.pAgainst, i] as const).filter((e): e is readonly [number, number] => e[0] !== undefined);
  const adjustedAgainst = new Map(holm(against.map(([p]) => p)).map((p, k) => [against[k]![1], p]));
  return judgements.map((j, i) => {
    const adjustedPAgainst = adjustedAgainst.get(i);
    return { ...j, adjustedP: adjusted[i]!, ...(adjustedPAgainst === undefined ? {} : { adjustedPAgainst }), outcome: outcomeOf(j.n, adjusted[i]!, adjustedPAgainst) };
  });
}

/** Statistics judged beside a claim: labelled exploratory, never adjusted with the claims nor combined into a verdict. */
export const exploratory = (judgements: readonly Judgement[]): Judgement[] => judgements.map((j) => ({ ...j, exploratory: true }));

/** Several claims make one verdict: not held if any is not held, held if all hold, else inconclusive (null). */
export function combine(judgements: readonly Judgement[]): boolean | null {
  if (judgements.some((j) => j.outcome === 'not held')) return false;
  return judgements.length > 0 && judgements.every((j) => j.outcome === 'held') ? true : null;
}
