import type { Vocabulary } from './text/vocabulary.js';
import type { LabelNoise } from './noise.js';
import type { SourceFile } from './sources/open.js';

export type Split = 'train' | 'test';

/**
 * A dataset split held once, as typed arrays. Row i of `x` (a `sampleShape`-sized block) has label
 * `labels[i]` and original index `ids[i]` in the source split: subsets, splits and shuffles keep
 * `ids`, so per-sample statistics always name the same sample.
 */
export interface Dataset {
  name: string;
  split: Split;
  /** image and text: the built-in loaders and loadImageFolder; table: float feature rows (fromArrays, readCsvTable). */
  kind: 'image' | 'text' | 'table';
  /** Images: raw pixels 0–255, NHWC rows. Text: token ids, one fixed-length row per sample. Tables: float features, one row per sample. */
  x: Uint8Array | Int32Array | Float32Array;
  sampleShape: readonly number[];
  /** The labels training uses: the noisy ones when noise was applied. All 0 for a regression table. */
  labels: Int32Array;
  ids: Int32Array;
  /**
   * Regression tables: `targetSize` float targets per sample, row i at `targets[i·targetSize…]`;
   * the Batcher then serves them as `y` ([b, targetSize] float32) instead of the labels.
   */
  targets?: Float32Array;
  targetSize?: number;
  /** The samples' own names (file paths, string ids), following `ids` row by row: `names[i]` names `ids[i]`. */
  names?: readonly string[];
  /** Tables: the feature column names. */
  featureNames?: readonly string[];
  classNames: readonly string[];
  /** Images: per-channel mean and standard deviation of pixel/255 over the training split. Tables: per-feature mean and std (used when the Batcher standardises). */
  normalization?: { mean: readonly number[]; std: readonly number[] };
  noise?: LabelNoise;
  vocabulary?: Vocabulary;
  sources: readonly SourceFile[];
}

export const sampleCount = (dataset: Dataset): number => dataset.labels.length;

export const sampleSize = (dataset: Dataset): number => dataset.sampleShape.reduce((a, b) => a * b, 1);

/** The class histogram of the training labels (noisy ones when noise was applied). */
export function classHistogram(dataset: Dataset, labels: Int32Array = dataset.labels): number[] {
  const counts = new Array<number>(dataset.classNames.length).fill(0);
  for (const label of labels) counts[label]!++;
  return counts;
}
