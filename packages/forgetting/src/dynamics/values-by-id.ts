import { SampleIndex, withRoom } from '../sample-index.js';

/**
 * A Map from sample id to a number, with a Map's behaviour (iteration in insertion order, `set`
 * of a present id keeps its place), stored as a Float64Array indexed by each id's position, so
 * that `setBatch` writes a whole batch with an array read and write per sample.
 */
export class ValuesById implements Map<number, number> {
  readonly [Symbol.toStringTag] = 'ValuesById';
  private index = new SampleIndex();
  private stored = new Float64Array(0);

  get size(): number {
    return this.index.size;
  }

  /** Sets `values[i]` for `ids[i]`, in order (a repeated id keeps its last value). */
  setBatch(ids: Int32Array, values: ArrayLike<number>): void {
    const positions = this.index.add(ids);
    const stored = (this.stored = withRoom(this.stored, this.index.capacity));
    for (let i = 0; i < positions.length; i++) stored[positions[i]!] = values[i]!;
  }

  set(id: number, value: number): this {
    const position = this.index.addOne(id);
    this.stored = withRoom(this.stored, this.index.capacity);
    this.stored[position] = value;
    return this;
  }

  get(id: number): number | undefined {
    const position = this.index.positionOf(id);
    return position < 0 ? undefined : this.stored[position];
  }

  has(id: number): boolean {
    return this.index.positionOf(id) >= 0;
  }

  delete(id: number): boolean {
    if (!this.has(id)) return false;
    // Rare (no plugin deletes): rebuilt without it, so a later `set` of it appends as in a Map.
    const kept = [...this.entries()].filter(([other]) => other !== id);
    this.clear();
    this.setBatch(Int32Array.from(kept, ([other]) => other), kept.map(([, value]) => value));
    return true;
  }

  clear(): void {
    this.index = new SampleIndex();
    this.stored = new Float64Array(0);
  }

  forEach(callback: (value: number, id: number, map: Map<number, number>) => void, thisArg?: unknown): void {
    for (const [id, value] of this.entries()) callback.call(thisArg, value, id, this);
  }

  *entries(): MapIterator<[number, number]> {
    // Positions are insertion order; size and storage are read live, as a Map's iterators read.
    let ids = this.index.ids();
    for (let position = 0; position < this.index.size; position++) {
      if (position >= ids.length) ids = this.index.ids();
      yield [ids[position]!, this.stored[position]!];
    }
  }

  *keys(): MapIterator<number> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<number> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): MapIterator<[number, number]> {
    return this.entries();
  }
}
