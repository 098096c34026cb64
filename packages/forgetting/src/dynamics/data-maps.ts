import type { PerSamplePlugin } from '../kernel-shape.js';

import { observe, SampleTable, type DynamicsOptions } from './sample-table.js';

export const DATA_MAP_REGIONS = ['other', 'easy', 'hard', 'ambiguous'] as const;
export type DataMapRegion = (typeof DATA_MAP_REGIONS)[number];

export interface RegionThresholds {
  /** variability ≥ this: ambiguous (takes precedence). */
  ambiguous: number;
  /** confidence ≥ this: easy to learn. */
  easy: number;
  /** confidence ≤ this: hard to learn. */
  hard: number;
}

/**
 * Variability is a population std of values in [0, 1], at most 0.5 (p(gold) alternating between
 * 0 and 1); 0.2 marks swings of a large part of that range. Easy and hard sit symmetrically
 * around the 0.5 that separates mostly-right from mostly-wrong. The paper's regions are quantiles
 * (top third by variability, etc.): pass thresholds taken from the result for those.
 */
export const DEFAULT_REGION_THRESHOLDS: Readonly<RegionThresholds> = { ambiguous: 0.2, easy: 0.75, hard: 0.25 };

export interface DataMap {
  /** Sample ids with at least one value, ascending; the other arrays follow them. */
  ids: Int32Array;
  /** Values per sample: epochs, or presentations when a sample is presented more than once per epoch. */
  epochs: Uint32Array;
  /** Mean p(gold). */
  confidence: Float64Array;
  /** Population standard deviation of p(gold). */
  variability: Float64Array;
  /** Fraction of values where the prediction was right. */
  correctness: Float64Array;
  /** Indices into `regionNames`. */
  region: Uint8Array;
  regionNames: typeof DATA_MAP_REGIONS;
}

export interface DataMapsPlugin extends PerSamplePlugin {
  result(thresholds?: Partial<RegionThresholds>): DataMap;
}

/** Region codes (indices into DATA_MAP_REGIONS): ambiguous, else easy, else hard, else other. */
export function dataMapRegions(map: Pick<DataMap, 'confidence' | 'variability'>, thresholds: Partial<RegionThresholds> = {}): Uint8Array {
  const { ambiguous, easy, hard } = { ...DEFAULT_REGION_THRESHOLDS, ...thresholds };
  if (![ambiguous, easy, hard].every(Number.isFinite) || !(hard < easy)) {
    throw new RangeError(`region thresholds must be finite with hard < easy, got ambiguous ${ambiguous}, easy ${easy}, hard ${hard}`);
  }
  return Uint8Array.from(map.confidence, (c, i) => (map.variability[i]! >= ambiguous ? 3 : c >= easy ? 1 : c <= hard ? 2 : 0));
}

/**
 * Per sample over epochs: mean and population std of p(gold) (Welford, so a constant p(gold)
 * gives exactly 0) and the fraction correct. Every delivered value counts once.
 */
export function dataMaps({ source = 'inference-pass' }: DynamicsOptions = {}): DataMapsPlugin {
  const name = `data-maps:${source}`;
  const table = new SampleTable({ epochs: 'count', correct: 'count', mean: 'real', m2: 'real' });
  return {
    name,
    ...observe(name, source, ['pGold', 'correct'], table, (_epoch, rows, { pGold, correct }) => {
      const { epochs, correct: hits, mean, m2 } = table.columns;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const p = pGold[i]!;
        const delta = p - mean[row]!;
        mean[row]! += delta / ++epochs[row]!;
        m2[row]! += delta * (p - mean[row]!);
        hits[row]! += correct[i]!;
      }
    }),
    stateDict: () => table.toState(),
    loadStateDict: (state) => table.load(state),
    result(thresholds) {
      const { epochs, correct, mean, m2 } = table.columns;
      const { ids, rows } = table.select((row) => epochs[row]! > 0);
      const confidence = Float64Array.from(rows, (row) => mean[row]!);
      const variability = Float64Array.from(rows, (row) => Math.sqrt(m2[row]! / epochs[row]!));
      return {
        ids,
        epochs: Uint32Array.from(rows, (row) => epochs[row]!),
        confidence,
        variability,
        correctness: Float64Array.from(rows, (row) => correct[row]! / epochs[row]!),
        region: dataMapRegions({ confidence, variability }, thresholds),
        regionNames: DATA_MAP_REGIONS,
      };
    },
  };
}
