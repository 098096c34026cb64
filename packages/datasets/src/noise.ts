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

/** Noise mgdl injected (`withLabelNoise`): how it was drawn, the clean labels and the mask. */
export interface InjectedLabelNoise extends Required<NoiseOptions> {
  cleanLabels: Int32Array;
  /** 1 where the label was flipped. */
  noisy: Uint8Array;
  flipped: number;
}

/** Noise the data came with (`withCleanLabels`): the trained labels are the data's, the clean ones known beside them. */
export interface KnownLabelNoise {
  kind: 'known';
  cleanLabels: Int32Array;
  /** 1 where the trained label differs from the clean one. */
  noisy: Uint8Array;
  flipped: number;
}

export type LabelNoise = InjectedLabelNoise | KnownLabelNoise;

/**
 * Corrupts labels as a pure function of (dataset, split, kind, p, seed) and the sample ids, and
 * returns the noisy labels with the clean ones and the mask. Each sample gets a seeded priority
 * from its id alone and the lowest round(p·n) flip, so the noisy set at a smaller p is contained in
 * the one at a larger p, and a sample's fate does not depend on the order of the data.
 */
export function labelNoise(
  { name, split, labels, ids, classNames }: Pick<Dataset, 'name' | 'split' | 'labels' | 'ids' | 'classNames'>,
  { kind, p, seed, mode = 'exact' }: NoiseOptions,
): { labels: Int32Array; noise: InjectedLabelNoise } {
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

/**
 * Known clean labels: one per sample in row order (class indices or class names), or a map from a
 * sample's id or name to its class. Every sample needs one; the class names are the dataset's.
 */
export type CleanLabels = Int32Array | readonly number[] | readonly string[] | ReadonlyMap<number | string, number | string>;

/**
 * The dataset as it is (it trains on its own labels), with the clean labels known beside them: the
 * samples whose labels differ are its noisy ones, which the noise-detection table and the report
 * score every per-sample statistic against.
 */
export function withCleanLabels(dataset: Dataset, clean: CleanLabels): Dataset {
  if (dataset.noise) throw new DatasetError('bad-argument', `'${dataset.name}' already has ${dataset.noise.kind === 'known' ? 'clean labels' : 'injected label noise'}`, { hint: 'give the clean labels once, to the dataset as loaded' });
  if (dataset.targets) throw new DatasetError('bad-argument', `'${dataset.name}' is a regression table`, { expected: 'a classification dataset (labels, not targets)' });
  const n = dataset.labels.length;
  const classes = dataset.classNames;
  const classOf = (value: number | string | undefined, sample: string): number => {
    const c = typeof value === 'number' ? value : value !== undefined && classes.includes(value) ? classes.indexOf(value) : /^\d+$/.test(value ?? '') ? Number(value) : -1;
    if (!(Number.isInteger(c) && c >= 0 && c < classes.length)) {
      throw new DatasetError('bad-value', `clean label of ${sample} is ${JSON.stringify(value)}`, { expected: `a class index below ${classes.length} or one of the class names ${classes.slice(0, 10).map((name) => `'${name}'`).join(', ')}${classes.length > 10 ? ', …' : ''}` });
    }
    return c;
  };
  const sampleName = (i: number) => `sample ${dataset.names?.[i] !== undefined ? `'${dataset.names[i]}'` : `id ${dataset.ids[i]}`} (row ${i})`;
  let cleanLabels: Int32Array;
  if (clean instanceof Map) {
    const map = clean as ReadonlyMap<number | string, number | string>;
    const missing: string[] = [];
    cleanLabels = Int32Array.from({ length: n }, (_, i) => {
      const key = map.has(dataset.ids[i]!) ? dataset.ids[i]! : dataset.names?.[i];
      if (key === undefined || !map.has(key)) {
        missing.push(dataset.names?.[i] ?? String(dataset.ids[i]));
        return -1;
      }
      return classOf(map.get(key), sampleName(i));
    });
    if (missing.length > 0) throw new DatasetError('bad-argument', `no clean label for ${missing.length} of ${n} samples (${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''})`, { expected: 'a clean label for every sample, keyed by its id or name' });
    const known = new Set<number | string>([...dataset.ids, ...(dataset.names ?? [])]);
    const stray = [...map.keys()].filter((key) => !known.has(key));
    if (stray.length > 0) throw new DatasetError('bad-argument', `${stray.length} clean labels name no sample of '${dataset.name}' (${stray.slice(0, 5).map(String).join(', ')})`, { expected: "the samples' ids or names" });
  } else {
    const list = clean as ArrayLike<number | string>;
    if (list.length !== n) throw new DatasetError('bad-argument', `${list.length} clean labels for ${n} samples`, { expected: 'one clean label per sample, in row order (or a Map from id or name to label)' });
    cleanLabels = Int32Array.from({ length: n }, (_, i) => classOf(list[i], sampleName(i)));
  }
  const noisy = Uint8Array.from(cleanLabels, (c, i) => (c !== dataset.labels[i] ? 1 : 0));
  return { ...dataset, noise: { kind: 'known', cleanLabels, noisy, flipped: noisy.reduce((a, b) => a + b, 0) } };
}
