import { normalUpper } from './distributions.js';
import type { OneSidedP } from './location.js';

/** Page's L for ordered treatments: exact up to this many treatments (k! orderings per block), normal approximation beyond. */
const EXACT_TREATMENTS = 8;

export interface PageResult extends OneSidedP {
  /** Σ over blocks and positions j = 1…k of j × the rank (1…k, ties averaged) of the block's value at position j. */
  L: number;
  exact: boolean;
}

/** The distribution of one block's Σ j·r_j (doubled: ties give half ranks) over the k! orderings of its ranks, as counts per value. */
function blockDistribution(ranks: readonly number[]): Map<number, number> {
  const counts = new Map<number, number>();
  const order = [...ranks];
  // Heap's algorithm: every ordering of the ranks once.
  const c = new Array<number>(order.length).fill(0);
  const visit = () => {
    const doubled = Math.round(2 * order.reduce((s, r, j) => s + (j + 1) * r, 0));
    counts.set(doubled, (counts.get(doubled) ?? 0) + 1);
  };
  visit();
  for (let i = 1; i < order.length; ) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      [order[j], order[i]] = [order[i]!, order[j]!];
      visit();
      c[i]!++;
      i = 1;
    } else c[i++] = 0;
  }
  return counts;
}

const blockCache = new Map<string, Map<number, number>>();
const sumCache = new Map<string, Map<number, number>>();

/** The exact null distribution (probabilities) of the doubled L over blocks with these ranks: the blocks' distributions convolved. */
function exactDistribution(blocks: readonly (readonly number[])[]): Map<number, number> {
  const keys = blocks.map((ranks) => [...ranks].sort((a, b) => a - b).join(',')).sort();
  const whole = keys.join('|');
  const known = sumCache.get(whole);
  if (known) return known;
  let total = new Map([[0, 1]]);
  for (const key of keys) {
    if (!blockCache.has(key)) blockCache.set(key, blockDistribution(key.split(',').map(Number)));
    const block = blockCache.get(key)!;
    const size = [...block.values()].reduce((a, b) => a + b, 0);
    const next = new Map<number, number>();
    for (const [a, pa] of total) for (const [b, cb] of block) next.set(a + b, (next.get(a + b) ?? 0) + (pa * cb) / size);
    total = next;
  }
  sumCache.set(whole, total);
  return total;
}

/**
 * Page's test of an ordered alternative: within each block (a seed) the k values are ranked, and L
 * grows when the ranks rise with the position (the swept value). Under the null every ordering of
 * a block's ranks is equally likely, blocks independent. Exact (the blocks' permutation
 * distributions convolved, ties kept as they are) up to 8 positions; beyond, the normal
 * approximation with the permutation mean and variance of each block.
 * `above`: P(L ≥ observed), the p-value of a rise; `below`: P(L ≤ observed), of a fall.
 */
export function pageTest(blocks: readonly (readonly number[])[], rank: (values: readonly number[]) => number[]): PageResult {
  const ranked = blocks.map((values) => rank(values).map((r) => r + 1));
  const L = ranked.reduce((s, ranks) => s + ranks.reduce((t, r, j) => t + (j + 1) * r, 0), 0);
  const k = blocks[0]?.length ?? 0;
  if (k <= EXACT_TREATMENTS) {
    const observed = Math.round(2 * L);
    let [above, below] = [0, 0];
    for (const [value, p] of exactDistribution(ranked)) {
      if (value >= observed) above += p;
      if (value <= observed) below += p;
    }
    return { L, above: Math.min(1, above), below: Math.min(1, below), exact: true };
  }
  // Per block: E = Σj · mean(r); Var = Σ(j − j̄)² · Σ(r − r̄)² / (k − 1) (a linear statistic of a random permutation).
  const positions = Array.from({ length: k }, (_, j) => j + 1);
  const jMean = (k + 1) / 2;
  const jSpread = positions.reduce((s, j) => s + (j - jMean) ** 2, 0);
  let [mean, variance] = [0, 0];
  for (const ranks of ranked) {
    const rMean = ranks.reduce((a, b) => a + b, 0) / k;
    mean += positions.reduce((a, b) => a + b, 0) * rMean;
    variance += (jSpread * ranks.reduce((s, r) => s + (r - rMean) ** 2, 0)) / (k - 1);
  }
  if (variance === 0) return { L, above: 1, below: 1, exact: false };
  const z = (L - mean) / Math.sqrt(variance);
  return { L, above: normalUpper(z), below: normalUpper(-z), exact: false };
}
