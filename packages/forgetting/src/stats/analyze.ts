import type { History } from '../history.js';
import { HistoryError } from '../errors.js';
import { maskOf } from './bits.js';
import { eventPass, type InitialState, type SampleStats, type ScaleTrace } from './events.js';

/** M(t), F(t) and M/F over S3(t) at one scale; NaN where S3(t) is empty, Infinity where F(t) = 0 < M(t). */
export interface CompromiseTrace {
  s3: Int32Array;
  M: Float64Array;
  F: Float64Array;
  ratio: Float64Array;
}

/** Where a trace ends up: its mean over a trailing window, and how much it still moves there. */
export interface Settling {
  /** Mean of the finite values in the window (NaN when there are none). */
  value: number;
  /** Half the max − min range in the window. */
  amplitude: number;
  std: number;
  window: { from: number; to: number };
}

export type Regime = 'forgetting-dominated' | 'compromise' | 'memorising-dominated' | 'undetermined';

export interface AnalyzeOptions {
  initial?: InitialState;
  /** Meso-scale groups of sample ids (e.g. `mesoGroups(batcher)`: the batches of epoch 0). */
  groups?: readonly Int32Array[];
  /** Restrict the analysis to these sample ids (e.g. the noisy ones). */
  only?: ArrayLike<number>;
  /** Trailing window for settling: a fraction of the steps (default 0.2) or, when ≥ 1, a number of steps. */
  window?: number;
  /** M/F below `forgettingBelow` is forgetting-dominated, above `memorisingAbove` memorising-dominated (defaults 0.5 and 2). */
  regime?: { forgettingBelow?: number; memorisingAbove?: number };
}

export interface Analysis {
  series: History['series'];
  samples: number;
  steps: number;
  perSample: SampleStats;
  /** Sizes of S1 (never learned), S2 (unforgettable), S3 (forgotten at least once). */
  sets: { S1: number; S2: number; S3: number };
  forgettingEvents: number;
  learningEvents: number;
  system: CompromiseTrace;
  meso?: CompromiseTrace[];
  /** The values at the last step, null where undefined (JSON-friendly). */
  final: { M: number | null; F: number | null; ratio: number | null };
  settled: { system: Settling; meso?: { value: Settling; perGroup: Settling[] } };
  regime: Regime;
}

export function compromise(trace: ScaleTrace): CompromiseTrace {
  const steps = trace.s3.length;
  const out = { s3: trace.s3, M: new Float64Array(steps), F: new Float64Array(steps), ratio: new Float64Array(steps) };
  for (let t = 0; t < steps; t++) {
    const size = trace.s3[t]!;
    const m = size === 0 ? Number.NaN : trace.correctInS3[t]! / size;
    out.M[t] = m;
    out.F[t] = 1 - m;
    out.ratio[t] = size === 0 ? Number.NaN : m === 1 ? Number.POSITIVE_INFINITY : m / (1 - m);
  }
  return out;
}

export function settle(values: Float64Array, window = 0.2): Settling {
  const steps = values.length;
  const span = Math.max(1, Math.min(steps, window >= 1 ? Math.round(window) : Math.ceil(window * steps)));
  const from = steps - span;
  const finite = Array.from(values.subarray(from)).filter(Number.isFinite);
  if (finite.length === 0) return { value: Number.NaN, amplitude: Number.NaN, std: Number.NaN, window: { from, to: steps } };
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const std = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / finite.length);
  return { value: mean, amplitude: (Math.max(...finite) - Math.min(...finite)) / 2, std, window: { from, to: steps } };
}

export function classifyRegime(ratio: number, { forgettingBelow = 0.5, memorisingAbove = 2 }: AnalyzeOptions['regime'] = {}): Regime {
  if (Number.isNaN(ratio)) return 'undetermined';
  if (ratio < forgettingBelow) return 'forgetting-dominated';
  if (ratio > memorisingAbove) return 'memorising-dominated';
  return 'compromise';
}

/** The meso scale as one figure: mean settled value and amplitude over groups; std is the spread between groups. */
function acrossGroups(perGroup: Settling[], window: Settling['window']): Settling {
  const settledGroups = perGroup.filter((g) => Number.isFinite(g.value));
  if (settledGroups.length === 0) return { value: Number.NaN, amplitude: Number.NaN, std: Number.NaN, window };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const value = mean(settledGroups.map((g) => g.value));
  return { value, amplitude: mean(settledGroups.map((g) => g.amplitude)), std: Math.sqrt(mean(settledGroups.map((g) => (g.value - value) ** 2))), window };
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Forgetting events, S1/S2/S3 and the memorising/forgetting compromise at system and meso scale. */
export function analyze(history: History, options: AnalyzeOptions = {}): Analysis {
  const { initial, groups, only, window = 0.2 } = options;
  if (!(window > 0)) throw new HistoryError(`window ${window}: expected a fraction in (0, 1) or a number of steps ≥ 1`);
  const mask = only ? maskOf(positionsOf(history, only, 'only'), history.rowWords) : undefined;
  const groupOf = groups ? groupIndex(history, groups) : undefined;
  const pass = eventPass(history, { initial, mask, groupOf, groupCount: groups?.length ?? 0 });
  const counted = (p: number) => !mask || (mask[p >> 5]! >>> (p & 31)) & 1;
  const sets = { S1: 0, S2: 0, S3: 0 };
  let [forgettingEvents, learningEvents, samples] = [0, 0, 0];
  for (let p = 0; p < history.samples; p++) {
    if (!counted(p)) continue;
    samples++;
    sets[(['S1', 'S2', 'S3'] as const)[pass.perSample.set[p]! - 1]!]++;
    forgettingEvents += pass.perSample.forgettingEvents[p]!;
    learningEvents += pass.perSample.learningEvents[p]!;
  }
  const system = compromise(pass.system);
  const meso = pass.groups?.map(compromise);
  const last = history.steps - 1;
  const systemSettled = settle(system.ratio, window);
  const perGroup = meso?.map((g) => settle(g.ratio, window));
  return {
    series: history.series,
    samples,
    steps: history.steps,
    perSample: pass.perSample,
    sets,
    forgettingEvents,
    learningEvents,
    system,
    ...(meso ? { meso } : {}),
    final: last < 0 ? { M: null, F: null, ratio: null } : { M: orNull(system.M[last]!), F: orNull(system.F[last]!), ratio: orNull(system.ratio[last]!) },
    settled: { system: systemSettled, ...(perGroup ? { meso: { value: acrossGroups(perGroup, systemSettled.window), perGroup } } : {}) },
    regime: classifyRegime(systemSettled.value, options.regime),
  };
}

function positionsOf(history: History, ids: ArrayLike<number>, what: string): number[] {
  return Array.from(ids, (id) => {
    const p = history.positionOf(id);
    if (p < 0) throw new HistoryError(`${what}: id ${id} is not in the history`);
    return p;
  });
}

/** Position → group index (−1 for samples in no group); a sample may be in one group only. */
function groupIndex(history: History, groups: readonly Int32Array[]): Int32Array {
  const groupOf = new Int32Array(history.samples).fill(-1);
  groups.forEach((group, g) => {
    for (const p of positionsOf(history, group, `group ${g}`)) {
      if (groupOf[p] !== -1) throw new HistoryError(`id ${history.ids[p]} is in group ${groupOf[p]} and group ${g}; groups must not overlap`);
      groupOf[p] = g;
    }
  });
  return groupOf;
}
