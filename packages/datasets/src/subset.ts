import { permutation } from '@mgdl/random';
import { sampleCount, sampleSize, type Dataset } from './dataset.js';
import { DatasetError } from './errors.js';

/** The rows at `positions` (indices into this dataset, not ids), copied, ids and noise kept. */
export function selectRows(dataset: Dataset, positions: ArrayLike<number>): Dataset {
  const size = sampleSize(dataset);
  const n = positions.length;
  const x = new (dataset.x.constructor as Uint8ArrayConstructor | Int32ArrayConstructor | Float32ArrayConstructor)(n * size);
  const targetSize = dataset.targetSize ?? 0;
  const targets = dataset.targets && new Float32Array(n * targetSize);
  const labels = new Int32Array(n);
  const ids = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = positions[k]!;
    x.set(dataset.x.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = dataset.labels[i]!;
    ids[k] = dataset.ids[i]!;
    if (targets) targets.set(dataset.targets!.subarray(i * targetSize, (i + 1) * targetSize), k * targetSize);
  }
  const names = dataset.names && Array.from(positions, (i) => dataset.names![i]!);
  const noise = dataset.noise && {
    ...dataset.noise,
    cleanLabels: Int32Array.from(positions, (i) => dataset.noise!.cleanLabels[i]!),
    noisy: Uint8Array.from(positions, (i) => dataset.noise!.noisy[i]!),
  };
  if (noise) noise.flipped = noise.noisy.reduce((a, b) => a + b, 0);
  return { ...dataset, x, labels, ids, ...(noise ? { noise } : {}), ...(targets ? { targets } : {}), ...(names ? { names } : {}) };
}

function checkCount(dataset: Dataset, n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1 || n > sampleCount(dataset)) {
    throw new DatasetError('bad-argument', `${what} ${n}`, { expected: `an integer from 1 to ${sampleCount(dataset)} (the size of ${dataset.name} ${dataset.split})` });
  }
}

/** The first n samples in file order. */
export function takeFirst(dataset: Dataset, n: number): Dataset {
  checkCount(dataset, n, 'subset size');
  return selectRows(dataset, Int32Array.from({ length: n }, (_, i) => i));
}

/**
 * n samples with the class proportions of the whole split: each class gets its share rounded by
 * largest remainder, filled with a seeded random choice within the class; kept in file order.
 */
export function takeStratified(dataset: Dataset, n: number, seed = 0): Dataset {
  checkCount(dataset, n, 'stratified subset size');
  const byClass = positionsByClass(dataset, seed);
  const quotas = largestRemainder(byClass.map((p) => p.length), n);
  const chosen = byClass.flatMap((positions, c) => positions.slice(0, quotas[c]));
  return selectRows(dataset, Int32Array.from(chosen).sort());
}

/** Exactly the samples with these original ids, in the order given. */
export function takeIds(dataset: Dataset, ids: ArrayLike<number>): Dataset {
  const positionOf = new Map<number, number>();
  dataset.ids.forEach((id, i) => positionOf.set(id, i));
  const seen = new Set<number>();
  const positions = Array.from(ids, (id, k) => {
    const position = positionOf.get(id);
    if (position === undefined) throw new DatasetError('bad-argument', `id ${id} (entry ${k}) is not in ${dataset.name} ${dataset.split}`, { expected: 'ids of samples in the dataset' });
    if (seen.has(id)) throw new DatasetError('bad-argument', `id ${id} appears twice (entry ${k})`, { expected: 'each id once' });
    seen.add(id);
    return position;
  });
  return selectRows(dataset, positions);
}

export interface ValidationSplitOptions {
  /** A fraction in (0, 1) or a count of samples held out. */
  validation: number;
  seed?: number;
  /** Keep the class proportions in both parts (default true). */
  stratified?: boolean;
}

/** A seeded train/validation split of a training set; ids stay those of the source split. */
export function splitTrainValidation(dataset: Dataset, { validation, seed = 0, stratified = true }: ValidationSplitOptions): { train: Dataset; validation: Dataset } {
  const n = sampleCount(dataset);
  const held = validation > 0 && validation < 1 ? Math.round(validation * n) : validation;
  if (!Number.isInteger(held) || held < 1 || held >= n) {
    throw new DatasetError('bad-argument', `validation size ${validation}`, { expected: `a fraction in (0, 1) or a count from 1 to ${n - 1}` });
  }
  let heldOut: number[];
  if (stratified) {
    const byClass = positionsByClass(dataset, seed);
    const quotas = largestRemainder(byClass.map((p) => p.length), held);
    heldOut = byClass.flatMap((positions, c) => positions.slice(0, quotas[c]));
  } else {
    heldOut = Array.from(permutation(n, seed).subarray(0, held));
  }
  const isHeld = new Uint8Array(n);
  for (const i of heldOut) isHeld[i] = 1;
  const rest = Int32Array.from({ length: n }, (_, i) => i).filter((i) => !isHeld[i]);
  return { train: selectRows(dataset, rest), validation: selectRows(dataset, Int32Array.from(heldOut).sort()) };
}

/** Positions of each class, each list in a seeded random order. */
function positionsByClass(dataset: Dataset, seed: number): number[][] {
  if (dataset.targets) throw new DatasetError('bad-argument', `'${dataset.name}' is a regression table: it has no classes to stratify by`, { hint: 'use takeFirst, takeIds or splitTrainValidation({ stratified: false })' });
  const byClass = dataset.classNames.map((): number[] => []);
  for (const i of permutation(sampleCount(dataset), seed)) byClass[dataset.labels[i]!]!.push(i);
  return byClass;
}

/** Splits `total` over groups in proportion to their sizes, rounding by largest remainder. */
function largestRemainder(sizes: number[], total: number): number[] {
  const all = sizes.reduce((a, b) => a + b, 0);
  const exact = sizes.map((s) => (s * total) / all);
  const quotas = exact.map(Math.floor);
  const order = exact.map((_, c) => c).sort((a, b) => exact[b]! - quotas[b]! - (exact[a]! - quotas[a]!) || a - b);
  for (let k = 0, missing = total - quotas.reduce((a, b) => a + b, 0); k < missing; k++) quotas[order[k]!]!++;
  return quotas;
}
