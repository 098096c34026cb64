/*
 * Sample id → position lookups for the per-sample plugins' per-batch paths: an array read per
 * sample instead of a Map lookup, built once and kept for the whole run.
 */

/**
 * Dense slots are 4 bytes per id up to the largest: free up to this many (1 MiB, any dataset's
 * indices up to 262,143), beyond it allowed up to 8 per entry; larger ids go to a Map instead.
 */
const DENSE_FREE = 1 << 18;
/** The first dense array's slots (256 KiB): one allocation for the ids of MNIST's or CIFAR's training split, in any order. */
const DENSE_FIRST = 1 << 16;

/**
 * Maps sample ids to non-negative integers (a row, a position). While the ids are compact (the
 * usual 0…N−1, or a subset of a dataset's indices) it is an Int32Array indexed by id, grown by
 * doubling; ids far apart (or negative) switch it to a Map, once and for good.
 */
export class IdLookup {
  /** Distinct ids set. */
  size = 0;
  /** value + 1 by id, 0 where none: a fresh array needs no fill. */
  private dense: Int32Array | undefined = new Int32Array(0);
  private sparse: Map<number, number> | undefined;

  /** Each of `ids` to its index in `ids` (the last index of a repeated id). */
  static of(ids: Int32Array): IdLookup {
    const lookup = new IdLookup();
    let [min, max] = [0, -1];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i]! < min) min = ids[i]!;
      if (ids[i]! > max) max = ids[i]!;
    }
    // Sized for the largest id at once: ids in any order stay dense where they fit, not only ascending ones.
    if (min >= 0 && max < Math.max(DENSE_FREE, 8 * ids.length)) lookup.dense = new Int32Array(max + 1);
    for (let i = 0; i < ids.length; i++) lookup.set(ids[i]!, i);
    return lookup;
  }

  /** The value of `id`, −1 when none was set. */
  get(id: number): number {
    const dense = this.dense;
    // `?? 0`: a fractional id reads undefined, and is no id.
    if (dense) return id >= 0 && id < dense.length ? (dense[id] ?? 0) - 1 : -1;
    return this.sparse!.get(id) ?? -1;
  }

  set(id: number, value: number): void {
    if (this.dense && !(id >= 0 && id < this.dense.length)) this.makeRoom(id);
    const dense = this.dense;
    if (dense) {
      if (dense[id] === 0) this.size++;
      dense[id] = value + 1;
      return;
    }
    const sparse = this.sparse!;
    if (!sparse.has(id)) this.size++;
    sparse.set(id, value);
  }

  private makeRoom(id: number): void {
    const dense = this.dense!;
    const limit = Math.max(DENSE_FREE, 8 * (this.size + 1));
    if (id >= 0 && id < limit) {
      const grown = new Int32Array(Math.min(limit, Math.max(DENSE_FIRST, 2 * dense.length, id + 1)));
      grown.set(dense);
      this.dense = grown;
      return;
    }
    const sparse = new Map<number, number>();
    for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) sparse.set(i, dense[i]! - 1);
    this.dense = undefined;
    this.sparse = sparse;
  }
}

/**
 * The sample ids seen so far, numbered 0, 1, … in the order they first arrived: the position a
 * plugin indexes its typed arrays by. Positions never change, so arrays indexed by them stay valid
 * across epochs; `capacity` (which grows by doubling) tells how long such arrays must be.
 */
export class SampleIndex {
  private lookup = new IdLookup();
  private order = new Int32Array(0);
  private positions = new BatchBuffer();

  get size(): number {
    return this.lookup.size;
  }

  /** Positions that exist before the next growth. */
  get capacity(): number {
    return this.order.length;
  }

  /** The position of `id`, −1 when it never arrived. */
  positionOf(id: number): number {
    return this.lookup.get(id);
  }

  /** The id at each position (a view, valid until the index grows). */
  ids(): Int32Array {
    return this.order.subarray(0, this.size);
  }

  /** The position of each of `ids`, adding the ids not seen before. The result is a buffer reused by the next call. */
  add(ids: Int32Array): Int32Array {
    const positions = this.positions.of(ids.length);
    for (let i = 0; i < ids.length; i++) positions[i] = this.addOne(ids[i]!);
    return positions;
  }

  /** The position of `id`, which it gets now if it never arrived. */
  addOne(id: number): number {
    let position = this.lookup.get(id);
    if (position < 0) {
      position = this.lookup.size;
      if (position === this.order.length) this.grow();
      this.order[position] = id;
      this.lookup.set(id, position);
    }
    return position;
  }

  private grow(): void {
    const order = new Int32Array(Math.max(16, 2 * this.order.length));
    order.set(this.order);
    this.order = order;
  }
}

/**
 * An Int32Array of a batch's length, reused from call to call: a run's batches have one length
 * (and a shorter last one), so after the first epoch this allocates nothing.
 */
export class BatchBuffer {
  private buffer = new Int32Array(0);
  private view = new Int32Array(0);

  /** `length` entries; the previous result's contents are overwritten. */
  of(length: number): Int32Array {
    if (this.buffer.length < length) this.buffer = new Int32Array(Math.max(length, 2 * this.buffer.length));
    if (this.view.length !== length || this.view.buffer !== this.buffer.buffer) this.view = this.buffer.subarray(0, length);
    return this.view;
  }
}

/** `array` when it holds at least `length` entries, else a copy of it padded with zeros to `length`. */
export function withRoom<A extends Float32Array | Float64Array | Int32Array | Uint32Array>(array: A, length: number): A {
  if (array.length >= length) return array;
  const grown = new (array.constructor as new (length: number) => A)(length);
  grown.set(array);
  return grown;
}
