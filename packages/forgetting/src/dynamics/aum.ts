import type { PerSamplePlugin } from '../kernel-shape.js';
import { createRandom } from '@mgdl/random';
import { observe, SampleTable, type DynamicsOptions } from './sample-table.js';

/* Area Under the Margin (Pleiss et al. 2020, "Identifying Mislabeled Data using the Area Under the Margin Ranking"). */

export interface AumOptions extends DynamicsOptions {
  /**
   * The last epoch (1-based) whose margins count. Pleiss et al. stop at the first learning-rate
   * drop, after which mislabeled samples get memorised and their margins rise. Default: all.
   */
  until?: number;
}

export interface AumResult {
  /** Sample ids with at least one margin, ascending; the other arrays follow them. */
  ids: Int32Array;
  /** Mean margin: logit of the assigned label minus the largest other logit. */
  aum: Float64Array;
  /** Margins averaged per sample. */
  epochs: Uint32Array;
}

export interface AumThresholdOptions {
  /** The threshold samples (thresholdSamples' `thresholdIds`). */
  thresholdIds: ArrayLike<number>;
  /** Default 99, as in the paper. */
  percentile?: number;
}

export interface AumFlags extends AumResult {
  /** That percentile of the threshold samples' AUMs (linear interpolation between ranks). */
  threshold: number;
  /** 1 where a sample, not a threshold sample, has AUM below the threshold: likely mislabeled. */
  flagged: Uint8Array;
}

export interface AumPlugin extends PerSamplePlugin {
  result(): AumResult;
  result(options: AumThresholdOptions): AumFlags;
}

export interface ThresholdSampleOptions {
  /** Each sample's label in [0, classes). */
  labels: Int32Array;
  classes: number;
  seed: number;
  /** Share of samples moved to the fake class; default 1/(classes + 1), so it is as large as a real class. */
  fraction?: number;
  /** The samples' ids (a Dataset's `ids`); default their positions. */
  ids?: Int32Array;
}

/**
 * Picks ⌊N/(classes + 1)⌋ (or ⌊N·fraction⌋) samples uniformly (seeded; a pure function) and
 * relabels them as the fake class `classes`. Train with classes + 1 outputs on the returned
 * labels: the fake class has no real signal, so its samples' AUMs show what a mislabeled
 * sample's AUM looks like.
 */
export function thresholdSamples({ labels, classes, seed, fraction, ids }: ThresholdSampleOptions): { labels: Int32Array; thresholdIds: Int32Array } {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`classes must be a positive integer, got ${classes}`);
  if (fraction !== undefined && !(fraction > 0 && fraction < 1)) throw new RangeError(`fraction must lie in (0, 1), got ${fraction}`);
  if (ids && ids.length !== labels.length) throw new RangeError(`ids has ${ids.length} entries for ${labels.length} labels`);
  const bad = labels.findIndex((label) => !(label >= 0 && label < classes));
  if (bad >= 0) throw new RangeError(`label ${labels[bad]} at position ${bad} is outside [0, ${classes})`);
  const n = labels.length;
  // n · (1/(C+1)) can round to just below an integer (49 · 1/49), so the default divides.
  const count = Math.floor(fraction === undefined ? n / (classes + 1) : n * fraction);
  const positions = Int32Array.from({ length: n }, (_, i) => i);
  const random = createRandom(seed);
  // A partial Fisher–Yates shuffle: the first `count` positions are a uniform sample.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (n - i));
    [positions[i], positions[j]] = [positions[j]!, positions[i]!];
  }
  const chosen = positions.subarray(0, count);
  const relabeled = labels.slice();
  for (const p of chosen) relabeled[p] = classes;
  return { labels: relabeled, thresholdIds: Int32Array.from(chosen, (p) => (ids ? ids[p]! : p)).sort() };
}

/** numpy's default ('linear') percentile of `values`, p in [0, 100]. */
function percentileOf(values: Float64Array, p: number): number {
  const sorted = values.slice().sort();
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (rank - low) * (sorted[high]! - sorted[low]!);
}

/** Per sample, the mean margin over epochs (every delivered margin up to `until` counts once). */
export function aum({ source = 'inference-pass', until = Infinity }: AumOptions = {}): AumPlugin {
  if (!(until === Infinity || (Number.isInteger(until) && until >= 1))) throw new RangeError(`until must be a positive integer epoch, got ${until}`);
  const name = `aum:${source}`;
  const table = new SampleTable({ epochs: 'count', sum: 'real' });

  function result(): AumResult;
  function result(options: AumThresholdOptions): AumFlags;
  function result(options?: AumThresholdOptions): AumResult | AumFlags {
    const { epochs, sum } = table.columns;
    const { ids, rows } = table.select((row) => epochs[row]! > 0);
    const values = Float64Array.from(rows, (row) => sum[row]! / epochs[row]!);
    const base = { ids, aum: values, epochs: Uint32Array.from(rows, (row) => epochs[row]!) };
    if (!options) return base;
    const { thresholdIds, percentile = 99 } = options;
    if (!(percentile >= 0 && percentile <= 100)) throw new RangeError(`percentile must lie in [0, 100], got ${percentile}`);
    const threshold = new Set(Array.from(thresholdIds));
    if (threshold.size === 0) throw new RangeError('thresholdIds is empty');
    const thresholdRows = [...threshold].map((id) => table.row(id));
    const unseen = [...threshold].find((_, k) => !(thresholdRows[k] !== undefined && epochs[thresholdRows[k]]! > 0));
    if (unseen !== undefined) throw new RangeError(`threshold sample ${unseen} has no margin: was it in the training data?`);
    const cut = percentileOf(Float64Array.from(thresholdRows as number[], (row) => sum[row]! / epochs[row]!), percentile);
    return { ...base, threshold: cut, flagged: Uint8Array.from(ids, (id, i) => (!threshold.has(id) && values[i]! < cut ? 1 : 0)) };
  }

  return {
    name,
    ...observe(name, source, ['margin'], table, (epoch, rows, { margin }) => {
      if (epoch > until) return;
      const { epochs, sum } = table.columns;
      for (let i = 0; i < rows.length; i++) {
        sum[rows[i]!]! += margin[i]!;
        epochs[rows[i]!]!++;
      }
    }),
    stateDict: () => table.toState(),
    loadStateDict: (state) => table.load(state),
    result,
  };
}
