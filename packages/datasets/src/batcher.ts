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
  /** Scale images to pixel/255 and standardise with the dataset's statistics; tables: standardise each feature with `normalization` when the dataset has it (default true). */
  normalize?: boolean;
  /**
   * Images: convert the whole dataset to float32 once when that takes at most this many bytes
   * (default 256 MiB: MNIST's 60,000 training images fit, CIFAR-10's 50,000 do not), so that a
   * batch is a copy of rows; larger datasets are converted batch by batch.
   */
  floatCacheBytes?: number;
  /**
   * A fixed number of batches per epoch instead of one pass: each batch holds min(batchSize, n) rows,
   * taken in turn from seeded reshuffles of the rows (pass p of epoch e ordered by (seed, e, p), pass 0
   * being the epoch's usual order), so that training sets of any size get the same number of optimizer
   * steps per epoch (small-data experiments). Needs `shuffle` and no `dropLast`.
   */
  batchesPerEpoch?: number;
}

const DEFAULT_FLOAT_CACHE_BYTES = 256 * 1024 * 1024;

/** One mini-batch; its tensors live until the next batch is requested (clone what you keep). */
export interface Batch {
  /** Images: float32 [b, h, w, c], normalised. Text: int32 [b, length]. Tables: float32 [b, …sampleShape]. */
  x: tf.Tensor;
  /** int32 [b] class indices (the noisy labels when noise was applied); regression tables: float32 [b, targetSize] targets. */
  y: tf.Tensor;
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
  private readonly fixedBatches?: number;
  private readonly pixelTable?: Float32Array[];
  private readonly floatPixels?: Float32Array;
  private readonly featureScale?: { mean: Float32Array; std: Float32Array };
  /** The arrays batches are built in, reused where the backend copies what a tensor is made of. */
  private readonly buffers = new Map<string, Float32Array | Int32Array>();

  constructor(readonly dataset: Dataset, { batchSize, seed = 0, shuffle = true, dropLast = false, normalize = true, floatCacheBytes = DEFAULT_FLOAT_CACHE_BYTES, batchesPerEpoch }: BatcherOptions) {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new DatasetError('bad-argument', `batch size ${batchSize}`, { expected: 'a positive integer' });
    if (dropLast && batchSize > sampleCount(dataset)) {
      throw new DatasetError('bad-argument', `batch size ${batchSize} with dropLast leaves no batch of ${sampleCount(dataset)} samples`);
    }
    if (batchesPerEpoch !== undefined) {
      if (!Number.isInteger(batchesPerEpoch) || batchesPerEpoch < 1) throw new DatasetError('bad-argument', `batchesPerEpoch ${batchesPerEpoch}`, { expected: 'a positive integer' });
      if (!shuffle || dropLast) throw new DatasetError('bad-argument', `batchesPerEpoch with ${shuffle ? 'dropLast' : 'shuffle: false'}`, { expected: 'shuffle on and dropLast off: a fixed number of batches draws its rows from reshuffles' });
      this.fixedBatches = batchesPerEpoch;
    }
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    if (dataset.kind === 'image') {
      this.pixelTable = pixelTables(dataset, normalize);
      if (dataset.x.length * Float32Array.BYTES_PER_ELEMENT <= floatCacheBytes) this.floatPixels = floatImages(dataset, this.pixelTable);
    }
    if (dataset.kind === 'table' && normalize && dataset.normalization) this.featureScale = featureScale(dataset);
  }

  get batchesPerEpoch(): number {
    if (this.fixedBatches !== undefined) return this.fixedBatches;
    const n = sampleCount(this.dataset);
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** Row positions in epoch `epoch`'s order. */
  order(epoch: number): Int32Array {
    const n = sampleCount(this.dataset);
    return this.shuffle ? permutation(n, hashInts(this.seed, epoch)) : Int32Array.from({ length: n }, (_, i) => i);
  }

  /**
   * @deprecated use `mesoGroups(batcher)` from @mgdl/forgetting, beside the statistics that use the
   * meso scale; removed in 0.3.0. (A copy, not a call: datasets cannot import forgetting, whose tests
   * import datasets.) Group g holds the ids of batch g in epoch 0, every sample covered.
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
    const [positions, size] = this.fixedBatches === undefined ? [this.order(epoch), this.batchSize] : this.reshuffles(epoch);
    let current: Batch | undefined;
    try {
      for (let index = from; index < this.batchesPerEpoch; index++) {
        if (current) tf.dispose([current.x, current.y]);
        current = this.batch(positions.subarray(index * size, (index + 1) * size), epoch, index);
        yield current;
      }
    } finally {
      if (current) tf.dispose([current.x, current.y]);
    }
  }

  /**
   * An array of `length` to build a batch's values in: fresh each time where the backend keeps the
   * array a tensor is made of (cpu), else one per purpose, reused — a fresh 400 kB array per batch
   * cost 5–8× the copy itself (allocation, page faults and the garbage collections it triggers).
   */
  private buffer<A extends Float32Array | Int32Array>(purpose: string, make: new (length: number) => A, length: number): A {
    if (!backendCopiesTensorValues()) return new make(length);
    let buffer = this.buffers.get(purpose);
    if (!(buffer instanceof make) || buffer.length !== length) this.buffers.set(purpose, (buffer = new make(length)));
    return buffer as A;
  }

  /** With `batchesPerEpoch`: the row positions of the epoch's batches, from as many reshuffles as they need, and the batch size. */
  private reshuffles(epoch: number): [Int32Array, number] {
    const n = sampleCount(this.dataset);
    const size = Math.min(this.batchSize, n);
    const positions = new Int32Array(this.fixedBatches! * size);
    for (let pass = 0, filled = 0; filled < positions.length; pass++, filled += n) {
      const order = pass === 0 ? this.order(epoch) : permutation(n, hashInts(this.seed, epoch, pass));
      positions.set(order.subarray(0, Math.min(n, positions.length - filled)), filled);
    }
    return [positions, size];
  }

  private batch(positions: Int32Array, epoch: number, index: number): Batch {
    const { dataset } = this;
    const size = sampleSize(dataset);
    const b = positions.length;
    // Plain loops: Int32Array.from with a mapping function took ~30 µs per 128-row batch.
    const labels = new Int32Array(b);
    const ids = new Int32Array(b);
    for (let k = 0; k < b; k++) {
      labels[k] = dataset.labels[positions[k]!]!;
      ids[k] = dataset.ids[positions[k]!]!;
    }
    let x: tf.Tensor;
    if (this.pixelTable) {
      const values = this.buffer('x', Float32Array, b * size);
      if (this.floatPixels) copyRows(this.floatPixels, positions, size, values);
      else lookUpPixels(dataset.x, positions, size, this.pixelTable, values);
      x = tf.tensor(values, [b, ...dataset.sampleShape], 'float32');
    } else if (dataset.kind === 'table') {
      const values = copyRows(dataset.x, positions, size, this.buffer('x', Float32Array, b * size));
      if (this.featureScale) {
        const { mean, std } = this.featureScale;
        for (let j = 0; j < values.length; j++) values[j] = (values[j]! - mean[j % size]!) / std[j % size]!;
      }
      x = tf.tensor(values, [b, ...dataset.sampleShape], 'float32');
    } else {
      x = tf.tensor(copyRows(dataset.x, positions, size, this.buffer('x', Int32Array, b * size)), [b, ...dataset.sampleShape], 'int32');
    }
    let y: tf.Tensor;
    if (dataset.targets) {
      const k = dataset.targetSize ?? 1;
      const targets = this.buffer('targets', Float32Array, b * k);
      for (let r = 0; r < b; r++) targets.set(dataset.targets.subarray(positions[r]! * k, (positions[r]! + 1) * k), r * k);
      y = tf.tensor2d(targets, [b, k], 'float32');
    } else {
      y = tf.tensor1d(labels, 'int32');
    }
    return { x, y, ids, labels, epoch, index };
  }
}

/** The rows at `positions`, one after another, into `values`. */
function copyRows<A extends Float32Array | Int32Array>(from: Dataset['x'], positions: Int32Array, size: number, values: A): A {
  for (let k = 0; k < positions.length; k++) values.set(from.subarray(positions[k]! * size, (positions[k]! + 1) * size), k * size);
  return values;
}

/**
 * The float values of the images at `positions`. Channels are interleaved, so each channel's table is
 * applied over a stride. Done once per dataset where the float copy fits `floatCacheBytes`: per batch,
 * this lookup was most of a cell's batching time.
 */
function lookUpPixels(pixels: Dataset['x'], positions: Int32Array, size: number, tables: Float32Array[], values = new Float32Array(positions.length * size)): Float32Array {
  const channels = tables.length;
  for (let k = 0; k < positions.length; k++) {
    const from = positions[k]! * size;
    const to = k * size;
    for (let c = 0; c < channels; c++) {
      const table = tables[c]!;
      for (let j = c; j < size; j += channels) values[to + j] = table[pixels[from + j]!]!;
    }
  }
  return values;
}

const copiesByBackend = new Map<string, boolean>();

/** GPU backends upload from the array they were given when a kernel first needs it, and a synchronous read stalls them: no probe, no reuse. */
const LAZY_UPLOAD_BACKENDS = new Set(['webgpu', 'webgl']);

/**
 * Whether the active backend copies a typed array into its own memory when a tensor is made of it
 * (wasm does; cpu keeps the array as the tensor's storage), probed once per backend: only then may
 * the array be reused for the next batch.
 */
function backendCopiesTensorValues(): boolean {
  const backend = tf.getBackend();
  if (LAZY_UPLOAD_BACKENDS.has(backend)) return false;
  let copies = copiesByBackend.get(backend);
  if (copies === undefined) {
    const probe = Float32Array.of(1);
    const tensor = tf.tensor1d(probe);
    probe[0] = 2;
    copies = tensor.dataSync()[0] === 1;
    tensor.dispose();
    copiesByBackend.set(backend, copies);
  }
  return copies;
}

/**
 * Batchers of one dataset share its float copy (a training set's shuffled and in-order Batchers, a
 * test set every ensemble member evaluates on): keyed by the pixel array, which datasets never
 * change in place (every transform makes a new dataset), and by the lookup tables' values.
 */
const floatCopies = new WeakMap<Dataset['x'], Map<string, Float32Array>>();

function floatImages(dataset: Dataset, tables: Float32Array[]): Float32Array {
  const key = tables.map((table) => table.join(',')).join(';');
  let copies = floatCopies.get(dataset.x);
  if (!copies) floatCopies.set(dataset.x, (copies = new Map()));
  let values = copies.get(key);
  if (!values) copies.set(key, (values = lookUpPixels(dataset.x, Int32Array.from({ length: sampleCount(dataset) }, (_, i) => i), sampleSize(dataset), tables)));
  return values;
}

/** Per channel, the float value of each raw pixel byte, so batching is one table lookup per value. */
function pixelTables(dataset: Dataset, normalize: boolean): Float32Array[] {
  const channels = dataset.sampleShape[dataset.sampleShape.length - 1]!;
  const { mean, std } = dataset.normalization ?? { mean: [0], std: [1] };
  return Array.from({ length: channels }, (_, c) =>
    Float32Array.from({ length: 256 }, (_, v) => (normalize ? (v / 255 - (mean[c] ?? mean[0]!)) / (std[c] ?? std[0]!) : v / 255)),
  );
}

/** Per feature (one entry per value of a row), the mean and std to standardise with; a std of 0 counts as 1. */
function featureScale(dataset: Dataset): { mean: Float32Array; std: Float32Array } {
  const size = sampleSize(dataset);
  const { mean, std } = dataset.normalization!;
  if (mean.length !== size || std.length !== size) {
    throw new DatasetError('bad-argument', `'${dataset.name}' normalization has ${mean.length} means and ${std.length} stds for ${size} features`, { expected: 'one mean and one std per feature' });
  }
  return { mean: Float32Array.from(mean), std: Float32Array.from(std, (s) => (s > 0 ? s : 1)) };
}
