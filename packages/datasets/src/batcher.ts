import * as tf from '@tensorflow/tfjs-core';
import { hashInts, permutation } from '@mgdl/random';
import { sampleCount, sampleSize, type Dataset } from './dataset.js';
import { DatasetError } from './errors.js';

export interface BatcherOptions {
  batchSize: number;
  /** Seeds the per-epoch shuffles; epoch e's order is a pure function of (seed, e). */
  seed?: number;
  shuffle?: boolean;
  /** Drop the last, smaller batch of each epoch. */
  dropLast?: boolean;
  /** Scale images to pixel/255 and standardise with the dataset's statistics (default true). */
  normalize?: boolean;
}

/** One mini-batch; its tensors live until the next batch is requested (clone what you keep). */
export interface Batch {
  /** Images: float32 [b, h, w, c], normalised. Text: int32 [b, length]. */
  x: tf.Tensor;
  /** int32 [b] class indices (the noisy labels when noise was applied). */
  y: tf.Tensor1D;
  /** Original sample ids, so statistics follow a sample through shuffling. */
  ids: Int32Array;
  labels: Int32Array;
  epoch: number;
  index: number;
}

/**
 * Serves a dataset held once as typed arrays in seeded, shuffled mini-batches; makes each batch's
 * tensors when it is requested and disposes them when the next one is.
 */
export class Batcher {
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly pixelTable?: Float32Array[];

  constructor(readonly dataset: Dataset, { batchSize, seed = 0, shuffle = true, dropLast = false, normalize = true }: BatcherOptions) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new DatasetError('bad-argument', `batch size ${batchSize}`, { expected: 'a positive integer' });
    if (dropLast && batchSize > sampleCount(dataset)) {
      throw new DatasetError('bad-argument', `batch size ${batchSize} with dropLast leaves no batch of ${sampleCount(dataset)} samples`);
    }
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    if (dataset.kind === 'image') this.pixelTable = pixelTables(dataset, normalize);
  }

  get batchesPerEpoch(): number {
    const n = sampleCount(this.dataset);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Row positions in epoch `epoch`'s order. */
  order(epoch: number): Int32Array {
    const n = sampleCount(this.dataset);
    return this.shuffle ? permutation(n, hashInts(this.seed, epoch)) : Int32Array.from({ length: n }, (_, i) => i);
  }

  /**
   * The fixed partition of the training set into batch-sized groups by id — the meso scale of the
   * seed paper: group g holds the samples of batch g in epoch 0 (dataset order when not
   * shuffling). Unlike batches, it covers every sample even with dropLast (the last group is then
   * the smaller remainder).
   */
  mesoGroups(): Int32Array[] {
    const order = this.order(0);
    const groups: Int32Array[] = [];
    for (let start = 0; start < order.length; start += this.batchSize) {
      groups.push(Int32Array.from(order.subarray(start, start + this.batchSize), (i) => this.dataset.ids[i]!));
    }
    return groups;
  }

  /** Batches of one epoch, from batch `from` on (to resume mid-epoch). */
  *epoch(epoch: number, from = 0): Generator<Batch, void, undefined> {
    const order = this.order(epoch);
    let current: Batch | undefined;
    try {
      for (let index = from; index < this.batchesPerEpoch; index++) {
        if (current) tf.dispose([current.x, current.y]);
        current = this.batch(order.subarray(index * this.batchSize, (index + 1) * this.batchSize), epoch, index);
        yield current;
      }
    } finally {
      if (current) tf.dispose([current.x, current.y]);
    }
  }

  private batch(positions: Int32Array, epoch: number, index: number): Batch {
    const { dataset } = this;
    const size = sampleSize(dataset);
    const b = positions.length;
    const labels = Int32Array.from(positions, (i) => dataset.labels[i]!);
    const ids = Int32Array.from(positions, (i) => dataset.ids[i]!);
    let x: tf.Tensor;
    if (this.pixelTable) {
      const values = new Float32Array(b * size);
      const channels = this.pixelTable.length;
      for (let k = 0; k < b; k++) {
        const row = dataset.x.subarray(positions[k]! * size, (positions[k]! + 1) * size);
        for (let j = 0, out = k * size; j < size; j++) values[out + j] = this.pixelTable[j % channels]![row[j]!]!;
      }
      x = tf.tensor(values, [b, ...dataset.sampleShape], 'float32');
    } else {
      const values = new Int32Array(b * size);
      for (let k = 0; k < b; k++) values.set(dataset.x.subarray(positions[k]! * size, (positions[k]! + 1) * size), k * size);
      x = tf.tensor(values, [b, ...dataset.sampleShape], 'int32');
    }
    return { x, y: tf.tensor1d(labels, 'int32'), ids, labels, epoch, index };
  }
}

/** Per channel, the float value of each raw pixel byte, so batching is one table lookup per value. */
function pixelTables(dataset: Dataset, normalize: boolean): Float32Array[] {
  const channels = dataset.sampleShape[dataset.sampleShape.length - 1]!;
  const { mean, std } = dataset.normalization ?? { mean: [0], std: [1] };
  return Array.from({ length: channels }, (_, c) =>
    Float32Array.from({ length: 256 }, (_, v) => (normalize ? (v / 255 - (mean[c] ?? mean[0]!)) / (std[c] ?? std[0]!) : v / 255)),
  );
}
