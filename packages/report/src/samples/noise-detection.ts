import { z } from 'zod';
import type { SampleScoreRow } from './scores.js';

/*
 * Which per-sample score finds the mislabelled samples: each score ranks the training set from
 * most to least suspicious, and the ranking is judged against the noisy flags the run recorded.
 */

export interface NoiseScore {
  /** Key in metrics.json and in tables. */
  key: string;
  /** What the ranking puts first, in words. */
  label: string;
  /** The value of one sample, oriented so that higher means "more likely mislabelled"; null when the run lacks it. */
  suspicion(row: SampleScoreRow): number | null;
}

const neg = (v: number | null) => (v === null ? null : -v);

/** The per-sample scores a run may hold, each oriented as the literature uses it to find label noise. */
export const NOISE_SCORES: readonly NoiseScore[] = [
  // Toneva et al.: never-learned samples count as forgotten infinitely often.
  { key: 'forgetting', label: 'forgetting count, high first (never learned = ∞)', suspicion: (r) => (r.set === 1 ? Infinity : r.forgetting) },
  { key: 'first_learned', label: 'first-learned epoch, late first (never = ∞)', suspicion: (r) => (r.set === 1 ? Infinity : r.firstLearned) },
  { key: 'aum', label: 'AUM, low first (Pleiss et al.)', suspicion: (r) => neg(r.aum) },
  { key: 'confidence', label: 'data-map confidence, low first', suspicion: (r) => neg(r.confidence) },
  { key: 'variability', label: 'data-map variability, high first', suspicion: (r) => r.variability },
  { key: 'correctness', label: 'data-map correctness, low first', suspicion: (r) => neg(r.correctness) },
  { key: 'el2n', label: 'EL2N (early epochs), high first (Paul et al.)', suspicion: (r) => r.el2n },
  { key: 'final_loss', label: 'final loss, high first', suspicion: (r) => r.finalLoss },
];

/** Positions grouped by equal value, highest value first (ties stay together). */
function tieGroups(values: readonly number[]): number[][] {
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const groups: number[][] = [];
  for (const i of order) {
    const last = groups.at(-1);
    if (last && values[last[0]!] === values[i]) last.push(i);
    else groups.push([i]);
  }
  return groups;
}

const check = (values: readonly number[], positive: readonly boolean[]) => {
  if (values.length !== positive.length) throw new RangeError(`${values.length} scores but ${positive.length} labels`);
  if (values.some((v) => Number.isNaN(v))) throw new RangeError('scores must not be NaN');
};

/**
 * ROC-AUC of `values` (higher = predicted positive): the probability that a random positive scores
 * above a random negative, ties counting one half (the Mann–Whitney U statistic over P·N).
 * NaN when either class is empty.
 */
export function rocAuc(values: readonly number[], positive: readonly boolean[]): number {
  check(values, positive);
  return rocAucOfGroups(tieGroups(values), positive);
}

function rocAucOfGroups(groups: readonly number[][], positive: readonly boolean[]): number {
  const P = positive.filter(Boolean).length;
  const N = positive.length - P;
  if (P === 0 || N === 0) return Number.NaN;
  // Walk groups from the top: each positive beats every negative ranked below, and half of those tied with it.
  let negativesBelow = N;
  let wins = 0;
  for (const group of groups) {
    const pos = group.filter((i) => positive[i]).length;
    const negs = group.length - pos;
    negativesBelow -= negs;
    wins += pos * (negativesBelow + negs / 2);
  }
  return wins / (P * N);
}

/**
 * Average precision as scikit-learn computes it: Σ (Rₙ − Rₙ₋₁)·Pₙ over the distinct thresholds,
 * highest first (tied samples enter together). NaN without positives.
 */
export function averagePrecision(values: readonly number[], positive: readonly boolean[]): number {
  check(values, positive);
  return averagePrecisionOfGroups(tieGroups(values), positive);
}

function averagePrecisionOfGroups(groups: readonly number[][], positive: readonly boolean[]): number {
  const P = positive.filter(Boolean).length;
  if (P === 0) return Number.NaN;
  let [tp, seen, recall, ap] = [0, 0, 0, 0];
  for (const group of groups) {
    tp += group.filter((i) => positive[i]).length;
    seen += group.length;
    const next = tp / P;
    ap += (next - recall) * (tp / seen);
    recall = next;
  }
  return ap;
}

/**
 * Share of positives among the k highest values. A tie group straddling rank k contributes its
 * positive share times the slots left: the expected precision over every order of the ties.
 */
export function precisionAtK(values: readonly number[], positive: readonly boolean[], k: number): number {
  check(values, positive);
  if (!(Number.isInteger(k) && k >= 1 && k <= values.length)) throw new RangeError(`k must be an integer in [1, ${values.length}], got ${k}`);
  return precisionAtKOfGroups(tieGroups(values), positive, k);
}

function precisionAtKOfGroups(groups: readonly number[][], positive: readonly boolean[], k: number): number {
  let [left, hits] = [k, 0];
  for (const group of groups) {
    if (left === 0) break;
    const pos = group.filter((i) => positive[i]).length;
    const take = Math.min(left, group.length);
    hits += (pos * take) / group.length;
    left -= take;
  }
  return hits / k;
}

export const noiseScoreResultSchema = z.object({
  score: z.string(),
  label: z.string(),
  /** Samples with this score (a score may be missing for some). */
  samples: z.number(),
  auc: z.number().nullable(),
  averagePrecision: z.number().nullable(),
  precisionAtK: z.number().nullable(),
});

/** metrics.json's `noiseDetection` section. */
export const noiseDetectionSchema = z.object({
  samples: z.number(),
  noisy: z.number(),
  /** k of precision@k: the number of noisy samples. */
  k: z.number(),
  /** What a random ranking scores in average precision and precision@k. */
  prevalence: z.number(),
  /** Best AUC first. */
  scores: z.array(noiseScoreResultSchema),
});

export type NoiseScoreResult = z.output<typeof noiseScoreResultSchema>;
export type NoiseDetection = z.output<typeof noiseDetectionSchema>;

const finiteOrNull = (v: number) => (Number.isFinite(v) ? v : null);

/**
 * ROC-AUC, average precision and precision@k (k = number of noisy samples) of every score the rows
 * carry, best AUC first; undefined when the rows have no noise information or no noisy sample.
 */
export function noiseDetection(rows: readonly SampleScoreRow[], scores: readonly NoiseScore[] = NOISE_SCORES): NoiseDetection | undefined {
  const known = rows.filter((r) => r.noisy !== null);
  const noisy = known.filter((r) => r.noisy).length;
  if (known.length === 0 || noisy === 0 || noisy === known.length) return undefined;
  const results: NoiseScoreResult[] = [];
  for (const score of scores) {
    const scored = known.map((r) => ({ value: score.suspicion(r), positive: r.noisy === true })).filter((s): s is { value: number; positive: boolean } => s.value !== null && !Number.isNaN(s.value));
    if (scored.length === 0) continue;
    const values = scored.map((s) => s.value);
    const positive = scored.map((s) => s.positive);
    const k = positive.filter(Boolean).length;
    check(values, positive);
    // One ranking serves all three measures: sorting 20,000 samples per measure was most of a cell's wrap-up.
    const groups = tieGroups(values);
    results.push({
      score: score.key,
      label: score.label,
      samples: scored.length,
      auc: finiteOrNull(rocAucOfGroups(groups, positive)),
      averagePrecision: finiteOrNull(averagePrecisionOfGroups(groups, positive)),
      precisionAtK: k > 0 ? precisionAtKOfGroups(groups, positive, k) : null,
    });
  }
  results.sort((a, b) => (b.auc ?? -1) - (a.auc ?? -1) || a.score.localeCompare(b.score));
  return { samples: known.length, noisy, k: noisy, prevalence: noisy / known.length, scores: results };
}
