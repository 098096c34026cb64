import { hashSeeded } from '@mgdl/random';
import { HistoryError } from '../errors.js';
import type { SampleStats } from './events.js';

/**
 * What a never-learned sample (S1) counts as when ranking by forgetting: Toneva's paper counts it
 * as forgotten infinitely often; their code uses the number of steps; other tools use a constant or 0.
 */
export type NeverLearnedPolicy = 'infinite' | 'steps' | 'zero' | { value: number };

/** Forgetting counts per sample with the policy applied to S1. */
export function forgettingCounts(stats: SampleStats, steps: number, policy: NeverLearnedPolicy = 'infinite'): Float64Array {
  const never = policy === 'infinite' ? Number.POSITIVE_INFINITY : policy === 'steps' ? steps : policy === 'zero' ? 0 : policy.value;
  if (!(never >= 0)) throw new HistoryError(`never-learned policy value ${String(never)}: expected a count ≥ 0`);
  return Float64Array.from(stats.forgettingEvents, (count, p) => (stats.set[p] === 1 ? never : count));
}

/**
 * Sample ids from least to most forgotten (the order of Toneva's removal experiment), ties broken
 * by a seeded shuffle so equal counts do not favour low ids.
 */
export function rankByForgetting(stats: SampleStats, steps: number, { policy = 'infinite', seed = 0 }: { policy?: NeverLearnedPolicy; seed?: number } = {}): { ids: Int32Array; counts: Float64Array } {
  const counts = forgettingCounts(stats, steps, policy);
  const tieBreak = Uint32Array.from(stats.ids, (id) => hashSeeded(seed, id));
  const order = Array.from(counts.keys()).sort((a, b) => counts[a]! - counts[b]! || tieBreak[a]! - tieBreak[b]! || stats.ids[a]! - stats.ids[b]!);
  return { ids: Int32Array.from(order, (p) => stats.ids[p]!), counts: Float64Array.from(order, (p) => counts[p]!) };
}

/** Forgetting counts summed over runs (e.g. seeds), by id; every run must cover the same ids. */
export function sumForgettingCounts(runs: readonly { stats: SampleStats; steps: number }[], policy: NeverLearnedPolicy = 'infinite'): Map<number, number> {
  const total = new Map<number, number>();
  runs.forEach(({ stats, steps }, r) => {
    if (r > 0 && stats.ids.length !== total.size) throw new HistoryError(`run ${r} has ${stats.ids.length} samples, run 0 has ${total.size}; aggregate runs over the same samples`);
    const counts = forgettingCounts(stats, steps, policy);
    stats.ids.forEach((id, p) => {
      if (r > 0 && !total.has(id)) throw new HistoryError(`run ${r} has sample id ${id}, which run 0 does not`);
      total.set(id, (total.get(id) ?? 0) + counts[p]!);
    });
  });
  return total;
}
