import { encodeBase64 } from './base64.js';
import { HistoryError } from './errors.js';
import { renamedSeries } from './legacy-names.js';
import { BatchBuffer, IdLookup } from './sample-index.js';
import { stateBytes, type StateArrayKind } from './state-arrays.js';

/** Optional per-sample float series a history can keep next to correctness. */
export type FloatSeries = 'loss' | 'margin' | 'pGold';
/** presentation: correctness when a sample's batch is trained on; inference-pass: a pass over the whole training set in inference mode, one step per pass. */
export type Series = (typeof SERIES)[number];

/** Canonical float-series order: `floatNames`, the JSON state and the binary bitmask (bit k) follow it. */
export const FLOAT_SERIES: readonly FloatSeries[] = ['loss', 'margin', 'pGold'];
/** Binary series codes are indices into this list. */
export const SERIES = ['presentation', 'inference-pass'] as const;

/**
 * A series name from outside (a file, a flag, a checkpoint): one of SERIES, or the name from before
 * 0.2 that legacy-names.ts still reads.
 */
export function parseSeries(value: unknown, where = 'series'): Series {
  const renamed = renamedSeries(value, where);
  if ((SERIES as readonly unknown[]).includes(renamed)) return renamed as Series;
  throw new HistoryError(`${where}: unknown series ${JSON.stringify(value)}`, {}, `expected ${SERIES.map((x) => `'${x}'`).join(' or ')}`);
}

/** The arrays a history is made of; `History.fromArrays` adopts them without copying. */
export interface HistoryArrays {
  readonly ids: Int32Array;
  readonly series: Series;
  readonly steps: number;
  /** `steps · rowWords` correctness words. */
  readonly words: Uint32Array;
  /** `steps · rowWords` observed words. */
  readonly observed: Uint32Array;
  /** `steps · samples` values per series. */
  readonly floats?: Partial<Record<FloatSeries, Float32Array>>;
}

/** JSON-serialisable form of a history (checkpoints); typed arrays are base64 of their little-endian bytes. */
export interface HistoryState {
  readonly format: typeof STATE_FORMAT;
  readonly version: 1;
  readonly series: Series;
  readonly samples: number;
  readonly steps: number;
  readonly ids: string;
  readonly correct: string;
  readonly observed: string;
  readonly floats: Partial<Record<FloatSeries, string>>;
}

/**
 * `HistoryState` with copies of the typed arrays in place of their base64: forgettingStatistics'
 * checkpoint state, since the kernel's checkpoints store typed arrays as bytes. `fromState` reads both.
 */
export interface HistoryBinaryState extends Omit<HistoryState, 'ids' | 'correct' | 'observed' | 'floats'> {
  readonly ids: Int32Array;
  readonly correct: Uint32Array;
  readonly observed: Uint32Array;
  readonly floats: Partial<Record<FloatSeries, Float32Array>>;
}

const STATE_FORMAT = 'mgdl-forgetting-history';

/**
 * Per-sample correctness over training steps, bit-packed, plus optional float32 series.
 *
 * Layout (the analysis code reads `words()` directly): step-major rows of `rowWords = ceil(N/32)`
 * 32-bit words; sample position i is bit (i & 31) of word (i >> 5) of its step's row, so step t,
 * position i is bit (i & 31) of `words()[t·rowWords + (i >> 5)]`. Bits past N in a row's last word
 * are always 0. `observedWords()` has the same layout and marks the entries actually recorded;
 * the others carry the previous step's value forward (0, "not learned", before the first
 * observation, Toneva et al.'s initial state). Float series are step-major too: value of position i
 * at step t is at `t·N + i`, NaN where not recorded.
 *
 * Views returned by `words()`, `observedWords()` and `float()` are invalidated when a later
 * `record` starts a new step (storage grows by doubling, so it may move).
 */
export class History {
  readonly series: Series;
  /** `ids[i]` is the original sample id of position i. */
  readonly ids: Int32Array;
  readonly samples: number;
  readonly rowWords: number;
  readonly floatNames: readonly FloatSeries[];
  readonly #lookup: IdLookup;
  #steps = 0;
  #capacity = 0;
  #bits: Uint32Array = new Uint32Array(0);
  #observed: Uint32Array = new Uint32Array(0);
  readonly #floats = new Map<FloatSeries, Float32Array>();
  /** Positions of the batch being recorded, reused so that `record` allocates nothing per call. */
  readonly #positions = new BatchBuffer();

  constructor({ ids, series, floats = [] }: { ids: Int32Array; series: Series; floats?: readonly FloatSeries[] }) {
    if (!SERIES.includes(series)) throw new HistoryError(`unknown series '${String(series)}'`, {}, `expected ${SERIES.map((x) => `'${x}'`).join(' or ')}`);
    for (const name of floats) {
      if (!FLOAT_SERIES.includes(name)) throw new HistoryError(`unknown float series '${String(name)}'`, {}, `expected one of ${FLOAT_SERIES.join(', ')}`);
    }
    this.series = series;
    this.ids = ids.slice();
    this.samples = ids.length;
    this.rowWords = Math.ceil(ids.length / 32);
    this.floatNames = FLOAT_SERIES.filter((name) => floats.includes(name));
    for (const name of this.floatNames) this.#floats.set(name, new Float32Array(0));
    this.#lookup = lookupOf(this.ids);
  }

  get steps(): number {
    return this.#steps;
  }

  /** Position of a sample id, −1 when the history does not hold it. */
  positionOf(id: number): number {
    return this.#lookup.get(id);
  }

  correct(position: number, step: number): 0 | 1 {
    if (!(Number.isInteger(position) && position >= 0 && position < this.samples)) throw new RangeError(`position ${position} is outside 0…${this.samples - 1}`);
    if (!(Number.isInteger(step) && step >= 0 && step < this.#steps)) throw new RangeError(`step ${step} is outside 0…${this.#steps - 1}`);
    return ((this.#bits[step * this.rowWords + (position >>> 5)]! >>> (position & 31)) & 1) as 0 | 1;
  }

  words(): Uint32Array {
    return this.#bits.subarray(0, this.#steps * this.rowWords);
  }

  observedWords(): Uint32Array {
    return this.#observed.subarray(0, this.#steps * this.rowWords);
  }

  float(name: FloatSeries): Float32Array | undefined {
    return this.#floats.get(name)?.subarray(0, this.#steps * this.samples);
  }

  /**
   * Records the correctness (any non-zero byte counts as correct) and float values of the samples
   * `ids` at `step`, which must be the last step (more batches of it) or the next one. Validates
   * everything before writing, so a rejected call leaves the history unchanged.
   */
  record(step: number, ids: Int32Array, correct: Uint8Array, floats: Partial<Record<FloatSeries, Float32Array>> = {}): void {
    const n = ids.length;
    if (correct.length !== n) throw new HistoryError(`record: ${n} ids but ${correct.length} correctness values`);
    this.#checkFloats(floats, n);
    const newStep = step === this.#steps;
    if (!newStep && !(step === this.#steps - 1 && step >= 0)) {
      const expected = this.#steps === 0 ? 'step 0' : `step ${this.#steps - 1} or ${this.#steps}`;
      throw new HistoryError(`record: step ${step} is out of order`, {}, `expected ${expected}`);
    }
    const positions = this.#resolve(ids);
    if (newStep) this.#startStep();

    const base = step * this.rowWords;
    const bits = this.#bits;
    const observed = this.#observed;
    for (let k = 0; k < n; k++) {
      const p = positions[k]!;
      const w = base + (p >>> 5);
      const bit = 1 << (p & 31);
      if (correct[k] !== 0) bits[w]! |= bit;
      else bits[w]! &= ~bit;
      observed[w]! |= bit;
    }
    const offset = step * this.samples;
    for (const name of this.floatNames) {
      const values = floats[name];
      if (values === undefined) continue;
      // Looked up only now: starting a step may have moved the storage.
      const store = this.#floats.get(name)!;
      for (let k = 0; k < n; k++) store[offset + positions[k]!] = values[k]!;
    }
  }

  toState(): HistoryState {
    const { ids, correct, observed, floats, ...header } = this.toBinaryState();
    const encoded: Partial<Record<FloatSeries, string>> = {};
    for (const [name, values] of Object.entries(floats) as [FloatSeries, Float32Array][]) encoded[name] = base64Of(values);
    return { ...header, ids: base64Of(ids), correct: base64Of(correct), observed: base64Of(observed), floats: encoded };
  }

  /** `toState()` with copies of the arrays instead of base64 (see HistoryBinaryState). */
  toBinaryState(): HistoryBinaryState {
    const floats: Partial<Record<FloatSeries, Float32Array>> = {};
    for (const name of this.floatNames) floats[name] = this.float(name)!.slice();
    return {
      format: STATE_FORMAT,
      version: 1,
      series: this.series,
      samples: this.samples,
      steps: this.#steps,
      ids: this.ids.slice(),
      correct: this.words().slice(),
      observed: this.observedWords().slice(),
      floats,
    };
  }

  /** A history from a `toState()` or `toBinaryState()` result (copying its arrays). */
  static fromState(state: unknown): History {
    const s = recordOf(state, 'history state');
    if (s.format !== STATE_FORMAT) throw new HistoryError(`history state: format is ${JSON.stringify(s.format)}`, {}, `expected '${STATE_FORMAT}'`);
    if (s.version !== 1) throw new HistoryError(`history state: unsupported version ${JSON.stringify(s.version)}`, {}, 'expected 1');
    const samples = countOf(s.samples, 'samples');
    const steps = countOf(s.steps, 'steps');
    const rowWords = Math.ceil(samples / 32);
    const floats: Partial<Record<FloatSeries, Float32Array>> = {};
    for (const [name, text] of Object.entries(recordOf(s.floats, 'history state floats'))) {
      if (!FLOAT_SERIES.includes(name as FloatSeries)) throw new HistoryError(`history state: unknown float series '${name}'`);
      floats[name as FloatSeries] = decodeArray(text, `floats.${name}`, steps * samples, Float32Array);
    }
    return History.fromArrays({
      ids: decodeArray(s.ids, 'ids', samples, Int32Array),
      series: parseSeries(s.series, 'history state'),
      steps,
      words: decodeArray(s.correct, 'correct', steps * rowWords, Uint32Array),
      observed: decodeArray(s.observed, 'observed', steps * rowWords, Uint32Array),
      floats,
    });
  }

  /** A history from its arrays (see the class comment for the layout), which it adopts, not copies. */
  static fromArrays({ ids, series, steps, words, observed, floats = {} }: HistoryArrays): History {
    for (const name of Object.keys(floats)) {
      if (!FLOAT_SERIES.includes(name as FloatSeries)) throw new HistoryError(`unknown float series '${name}'`);
    }
    const history = new History({ ids, series, floats: FLOAT_SERIES.filter((name) => floats[name] !== undefined) });
    if (!Number.isSafeInteger(steps) || steps < 0) throw new HistoryError(`steps must be a non-negative integer, not ${steps}`);
    const size = steps * history.rowWords;
    checkRows(words, 'correctness', size, history.samples, history.rowWords);
    checkRows(observed, 'observed', size, history.samples, history.rowWords);
    for (const name of history.floatNames) {
      const values = floats[name]!;
      if (values.length !== steps * history.samples) {
        throw new HistoryError(`float series '${name}' has ${values.length} values`, {}, `expected ${steps} steps × ${history.samples} samples`);
      }
      history.#floats.set(name, values);
    }
    history.#bits = words;
    history.#observed = observed;
    history.#steps = steps;
    history.#capacity = steps;
    return history;
  }

  /** A history whose every entry is observed, with `correct(position, step)` as its value (tests, CSV import). */
  static fromMatrix({ ids, series, steps, correct }: { ids: Int32Array; series: Series; steps: number; correct: (position: number, step: number) => 0 | 1 }): History {
    if (!Number.isSafeInteger(steps) || steps < 0) throw new HistoryError(`steps must be a non-negative integer, not ${steps}`);
    const history = new History({ ids, series });
    const row = new Uint8Array(history.samples);
    for (let t = 0; t < steps; t++) {
      for (let p = 0; p < row.length; p++) row[p] = correct(p, t);
      history.record(t, history.ids, row);
    }
    return history;
  }

  #checkFloats(floats: Partial<Record<FloatSeries, Float32Array>>, n: number): void {
    for (const [name, values] of Object.entries(floats)) {
      if (values === undefined) continue;
      if (!this.#floats.has(name as FloatSeries)) throw new HistoryError(`record: this history keeps no '${name}' series`, {}, `it keeps: ${this.floatNames.join(', ') || 'none'}`);
      if (values.length !== n) throw new HistoryError(`record: ${n} ids but ${values.length} '${name}' values`);
    }
  }

  #resolve(ids: Int32Array): Int32Array {
    const positions = this.#positions.of(ids.length);
    for (let k = 0; k < ids.length; k++) {
      const p = this.#lookup.get(ids[k]!);
      if (p < 0) throw new HistoryError(`record: unknown sample id ${ids[k]}`, {}, 'the history was created without it');
      positions[k] = p;
    }
    return positions;
  }

  #startStep(): void {
    const t = this.#steps;
    const rowWords = this.rowWords;
    const n = this.samples;
    if (t === this.#capacity) this.#grow(Math.max(4, 2 * t));
    // Carry forward; the new observed row is already 0 because rows past `steps` are never written.
    if (t > 0) this.#bits.copyWithin(t * rowWords, (t - 1) * rowWords, t * rowWords);
    for (const store of this.#floats.values()) store.fill(NaN, t * n, (t + 1) * n);
    this.#steps = t + 1;
  }

  #grow(capacity: number): void {
    const used = this.#steps * this.rowWords;
    const bits = new Uint32Array(capacity * this.rowWords);
    bits.set(this.#bits.subarray(0, used));
    const observed = new Uint32Array(capacity * this.rowWords);
    observed.set(this.#observed.subarray(0, used));
    this.#bits = bits;
    this.#observed = observed;
    for (const [name, store] of this.#floats) {
      const grown = new Float32Array(capacity * this.samples);
      grown.set(store.subarray(0, this.#steps * this.samples));
      this.#floats.set(name, grown);
    }
    this.#capacity = capacity;
  }
}

/** Raw little-endian bytes of a typed array (a view, not a copy). */
export function bytesOf(view: Int32Array | Uint32Array | Float32Array): Uint8Array {
  assertLittleEndian();
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** A fresh typed array of little-endian `bytes`; copying makes any byte alignment of `bytes` fine. */
export function arrayOf<A>(bytes: Uint8Array, make: new (buffer: ArrayBuffer) => A): A {
  assertLittleEndian();
  // Not bytes.slice(): on a Node Buffer that is a view into a shared pool, not a copy.
  return new make(new Uint8Array(bytes).buffer);
}

function assertLittleEndian(): void {
  if (new Uint8Array(Uint32Array.of(1).buffer)[0] !== 1) throw new HistoryError('history serialisation needs a little-endian host');
}

/** The position of each id; refuses negative and repeated ids, naming them. */
function lookupOf(ids: Int32Array): IdLookup {
  const rule = 'ids must be distinct non-negative integers';
  const negative = ids.findIndex((id) => id < 0);
  if (negative >= 0) throw new HistoryError(`sample id ${ids[negative]} at position ${negative} is negative`, {}, rule);
  const lookup = IdLookup.of(ids);
  if (lookup.size !== ids.length) {
    // IdLookup keeps a repeated id's last position: the first position whose id maps elsewhere is its first occurrence.
    const first = ids.findIndex((id, i) => lookup.get(id) !== i);
    throw new HistoryError(`sample id ${ids[first]} appears at positions ${first} and ${ids.indexOf(ids[first]!, first + 1)}`, {}, rule);
  }
  return lookup;
}

function checkRows(words: Uint32Array, what: string, size: number, samples: number, rowWords: number): void {
  if (words.length !== size) throw new HistoryError(`${what} has ${words.length} words`, {}, `expected ${size} (steps × ${rowWords} words per step)`);
  const used = samples & 31;
  if (used === 0) return;
  // Bits past the last sample must stay 0 so that row-wide popcounts and masks stay exact.
  const padding = ~((1 << used) - 1);
  for (let w = rowWords - 1; w < size; w += rowWords) {
    if ((words[w]! & padding) !== 0) throw new HistoryError(`${what} has bits set past sample ${samples} at step ${(w - rowWords + 1) / rowWords}`);
  }
}

function base64Of(view: Int32Array | Uint32Array | Float32Array): string {
  return encodeBase64(bytesOf(view));
}

/** An array of a state: base64 (toState) or the typed array itself (toBinaryState), copied either way. */
function decodeArray<A>(value: unknown, what: string, count: number, make: StateArrayKind & (new (buffer: ArrayBuffer) => A)): A {
  // A corrupt state must not decode silently: stateBytes refuses anything but canonical base64.
  const bytes = stateBytes(value, make);
  if (!bytes) throw new HistoryError(`history state: ${what} is not a base64 string or a ${make.name}`);
  if (bytes.length !== 4 * count) throw new HistoryError(`history state: ${what} holds ${bytes.length} bytes`, {}, `expected ${4 * count}`);
  return arrayOf(bytes, make);
}

function recordOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HistoryError(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function countOf(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new HistoryError(`history state: ${what} is ${JSON.stringify(value)}`, {}, 'expected a non-negative integer');
  }
  return value;
}
