import { hashInts, hashString } from '@mgdl/random';
import type { Dataset } from './dataset.js';
import { DatasetError } from './errors.js';

export type NoiseKind = 'symmetric' | 'pair';

export interface NoiseOptions {
  /** symmetric: a uniformly random *other* class; pair: class i → i+1 (wrapping). */
  kind: NoiseKind;
  /** Fraction of labels to corrupt, in [0, 1). */
  p: number;
  seed: number;
  /** exact (default): exactly round(p·n) labels flip; bernoulli: each flips with probability p. */
  mode?: 'exact' | 'bernoulli';
}

export interface LabelNoise extends Required<NoiseOptions> {
  cleanLabels: Int32Array;
  /** 1 where the label was flipped. */
  noisy: Uint8Array;
  flipped: number;
}

/**
 * Corrupts labels as a pure function of (dataset, split, kind, p, seed) and the sample ids, and
 * returns the noisy labels with the clean ones and the mask. Each sample gets a seeded priority
 * from its id alone and the lowest round(p·n) flip, so the noisy set at a smaller p is contained in
 * the one at a larger p, and a sample's fate does not depend on the order of the data.
 */
export function labelNoise(
  { name, split, labels, ids, classNames }: Pick<Dataset, 'name' | 'split' | 'labels' | 'ids' | 'classNames'>,
  { kind, p, seed, mode = 'exact' }: NoiseOptions,
): { labels: Int32Array; noise: LabelNoise } {
  if (!(p >= 0 && p < 1)) throw new DatasetError('bad-argument', `noise rate p = ${p}`, { expected: 'a number in [0, 1)' });
  if (kind !== 'symmetric' && kind !== 'pair') throw new DatasetError('bad-argument', `noise kind '${String(kind)}'`, { expected: "'symmetric' or 'pair'" });
  if (!Number.isInteger(seed)) throw new DatasetError('bad-argument', `noise seed ${seed}`, { expected: 'an integer' });
  const classes = classNames.length;
  if (classes < 2) throw new DatasetError('bad-argument', `label noise needs at least 2 classes, '${name}' has ${classes}`);
  const n = labels.length;
  const key = hashString(`${name}/${split}/${seed}`);
  const labelKey = hashString(`${name}/${split}/${kind}/${seed}`);
  const priority = new Uint32Array(n);
  for (let i = 0; i < n; i++) priority[i] = hashInts(key, ids[i]!);
  const noisy = new Uint8Array(n);
  if (mode === 'exact') {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => priority[a]! - priority[b]! || ids[a]! - ids[b]!);
    for (let k = 0, flips = Math.round(p * n); k < flips; k++) noisy[order[k]!] = 1;
  } else if (mode === 'bernoulli') {
    for (let i = 0; i < n; i++) noisy[i] = priority[i]! / 4294967296 < p ? 1 : 0;
  } else {
    throw new DatasetError('bad-argument', `noise mode '${String(mode)}'`, { expected: "'exact' or 'bernoulli'" });
  }
  const noisyLabels = Int32Array.from(labels);
  let flipped = 0;
  for (let i = 0; i < n; i++) {
    if (!noisy[i]) continue;
    const clean = labels[i]!;
    if (kind === 'pair') {
      noisyLabels[i] = (clean + 1) % classes;
    } else {
      const other = hashInts(labelKey, ids[i]!) % (classes - 1);
      noisyLabels[i] = other >= clean ? other + 1 : other;
    }
    flipped++;
  }
  return { labels: noisyLabels, noise: { kind, p, seed, mode, cleanLabels: Int32Array.from(labels), noisy, flipped } };
}

/** The dataset with noisy labels in `labels`, and the clean ones and the mask in `noise`. */
export function withLabelNoise(dataset: Dataset, options: NoiseOptions): Dataset {
  if (dataset.noise) throw new DatasetError('bad-argument', `'${dataset.name}' already has label noise`, { hint: 'apply noise once, to the clean dataset' });
  return { ...dataset, ...labelNoise(dataset, options) };
}
