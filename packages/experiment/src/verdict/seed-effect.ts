import { averageRanks } from './conclude.js';
import { factorTests } from './stats/two-way.js';
import { seedGrid } from './grid.js';
import { LEVEL, orOne, outcomeOf, type Judgement, type SeedPoint, type TestResult } from './judgement.js';

/**
 * Is the seed a systematic factor: is the same seed better (or worse) across the swept values?
 * The seeds × values table (values that every seed reached) as a two-way layout without
 * replication, the swept values as blocks: Friedman's test (the seeds' ranks within each value;
 * chi-square approximation) and the two-way ANOVA's F-test of the seed factor, both required.
 * Held or inconclusive: a spread that reshuffles from value to value is not evidence of *no* effect.
 */
export function judgeSeedEffect(claim: string, points: readonly SeedPoint[]): Judgement {
  const { xs, seeds, rows } = seedGrid(points);
  const base = { claim, statistic: 'seed-effect' as const, n: seeds.length, level: LEVEL, test: 'Friedman and two-way ANOVA (both)' };
  if (seeds.length < 2 || xs.length < 2) return { ...base, perSeed: seeds.map((seed) => ({ seed, value: Number.NaN })), tests: [], pValue: 1, adjustedP: 1, outcome: 'inconclusive' };
  const table = xs.map((_, i) => rows.map((row) => row[i]!));
  const { friedman, kendallW, anova } = factorTests(table, averageRanks);
  const valueMeans = xs.map((_, i) => rows.reduce((a, row) => a + row[i]!, 0) / seeds.length);
  const perSeed = seeds.map((seed, s) => ({ seed, value: rows[s]!.reduce((a, y, i) => a + y - valueMeans[i]!, 0) / xs.length }));
  const tests: TestResult[] = [
    { name: `Friedman chi-square (df ${friedman.df}; Kendall's W ${kendallW.toFixed(2)})`, statistic: friedman.chiSquare, pValue: friedman.p },
    { name: `two-way ANOVA F of the seed (df ${anova.df[0]}, ${anova.df[1]})`, statistic: anova.F, pValue: anova.p },
  ];
  const pValue = Math.max(...tests.map((t) => orOne(t.pValue)));
  return { ...base, perSeed, tests, pValue, adjustedP: pValue, outcome: outcomeOf(seeds.length, pValue, undefined) };
}
