import { requireInferencePass } from '../inference-pass.js';
import type { PerSampleArrays, PerSampleEvent, PerSamplePlugin } from '../kernel-shape.js';
import { BatchBuffer, IdLookup } from '../sample-index.js';
import type { Series } from '../history.js';
import { stateBytes } from '../state-arrays.js';

/*
 * Shared by the three training-dynamics plugins (data maps, AUM, EL2N): where values come
 * from, per-sample storage by id, and its checkpoint state.
 */

export interface DynamicsOptions {
  /**
   * Where values come from (default 'inference-pass'): the inference-mode pass over the training
   * set after each epoch (train's `inferencePass` option, or fitCallback), or each sample's
   * training-mode 'presentation' in its batch, before the update (Toneva et al.). Epochs are
   * numbered from 1, as in train's `every` lists: pass k runs after the k-th epoch of training.
   * With 'inference-pass', a run that has no inference pass is refused at its start.
   */
  source?: Series;
}

// 'count' and 'real' columns accumulate from 0; 'value' columns keep a delivered float32 value, NaN until one arrives.
const KINDS = { count: Uint32Array, real: Float64Array, value: Float32Array } as const;
type Kind = keyof typeof KINDS;
type ColumnOf<K extends Kind> = InstanceType<(typeof KINDS)[K]>;
type Column = ColumnOf<Kind>;

const fresh = (kind: Kind, capacity: number): Column => {
  const column = new KINDS[kind](capacity);
  return kind === 'value' ? column.fill(Number.NaN) : column;
};

/** A table's checkpoint state; states saved before typed arrays hold base64 of the same bytes, which `load` reads too. */
interface TableState {
  /** Rows: one per sample id seen. */
  size: number;
  /** Each row's sample id. */
  ids: Int32Array;
  columns: Record<string, { kind: Kind; data: Column }>;
}

/**
 * Per-sample columns with one row per sample id seen, rows in the order their ids first
 * arrived. A run over a subset of a large dataset (600 of MNIST's 60,000 samples) holds and
 * saves 600 rows, not one per dataset index. Columns double their capacity when full, so a run
 * reallocates them O(log N) times rather than per batch.
 */
export class SampleTable<S extends Record<string, Kind>> {
  /** Rows in use. */
  size = 0;
  private capacity = 0;
  private rowIds = new Int32Array(0);
  private rowOf = new IdLookup();
  /** What `rows` returns: a buffer reused while batches keep their length. */
  private batchRows = new BatchBuffer();
  /** Indexed by row (`rows`, `row`), not by id. */
  columns = {} as { [K in keyof S]: ColumnOf<S[K]> };
  private kinds: Record<string, Kind> = {};

  constructor(spec: S) {
    for (const [name, kind] of Object.entries(spec)) this.install(name, fresh(kind, 0), kind);
  }

  add<K extends keyof S & string>(name: K, kind: S[K]): ColumnOf<S[K]> {
    return this.install(name, fresh(kind, this.capacity), kind) as ColumnOf<S[K]>;
  }

  private install(name: string, column: Column, kind: Kind): Column {
    this.kinds[name] = kind;
    return ((this.columns as Record<string, Column>)[name] = column);
  }

  /** The row of `id`, or undefined when it never arrived. */
  row(id: number): number | undefined {
    const row = this.rowOf.get(id);
    return row < 0 ? undefined : row;
  }

  /** Each id's row, adding rows (with fresh values) for ids not seen before. The result is valid until the next call. */
  rows(ids: Int32Array): Int32Array {
    // Checked before any row is added, so a refused batch changes nothing.
    for (let i = 0; i < ids.length; i++) {
      if (ids[i]! < 0) throw new RangeError(`sample ids must be dataset indices (non-negative), got ${ids[i]}`);
    }
    const rows = this.batchRows.of(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      let row = this.rowOf.get(id);
      if (row < 0) {
        if (this.size === this.capacity) this.grow();
        row = this.size++;
        this.rowIds[row] = id;
        this.rowOf.set(id, row);
      }
      rows[i] = row;
    }
    return rows;
  }

  private grow(): void {
    this.capacity = Math.max(16, 2 * this.capacity);
    const ids = new Int32Array(this.capacity);
    ids.set(this.rowIds);
    this.rowIds = ids;
    const columns = this.columns as Record<string, Column>;
    for (const [name, kind] of Object.entries(this.kinds)) {
      const grown = fresh(kind, this.capacity);
      grown.set(columns[name]!);
      this.install(name, grown, kind);
    }
  }

  /** The ids (ascending) of the rows for which `has` holds, and those rows. */
  select(has: (row: number) => boolean): { ids: Int32Array; rows: Int32Array } {
    const rows: number[] = [];
    for (let row = 0; row < this.size; row++) if (has(row)) rows.push(row);
    rows.sort((a, b) => this.rowIds[a]! - this.rowIds[b]!);
    return { ids: Int32Array.from(rows, (row) => this.rowIds[row]!), rows: Int32Array.from(rows) };
  }

  /** Copies of the ids and of the first `size` entries of every column (kernel checkpoints store them as bytes). */
  toState(): TableState {
    const columns = this.columns as Record<string, Column>;
    const copied = Object.entries(this.kinds).map(([name, kind]) => [name, { kind, data: columns[name]!.slice(0, this.size) }]);
    return { size: this.size, ids: this.rowIds.slice(0, this.size), columns: Object.fromEntries(copied) };
  }

  /** Replaces the contents with a `toState()` result (or its base64 form), which must hold at least the constructor's columns. */
  load(state: unknown): void {
    const { size, ids, columns } = (state ?? {}) as { size?: number; ids?: unknown; columns?: Record<string, { kind: Kind; data: unknown }> };
    if (!Number.isInteger(size) || size! < 0 || typeof columns !== 'object' || columns === null) throw new Error('not a training-dynamics plugin state');
    const missing = Object.keys(this.kinds).find((name) => !(name in columns));
    if (missing) throw new Error(`training-dynamics state lacks column '${missing}'`);
    // States saved before rows (mgdl 0.1) have no ids: a column's index was the sample id, so every id below size becomes a row (unseen ones keep fresh values, which no result counts).
    const rowIds = Int32Array.from({ length: size! }, (_, i) => i);
    if (ids !== undefined) new Uint8Array(rowIds.buffer).set(decodeBytes('ids', ids, Int32Array, rowIds.byteLength));
    const rowOf = IdLookup.of(rowIds);
    if (rowOf.size !== size || rowIds.some((id) => id < 0)) throw new Error('training-dynamics state has repeated or negative sample ids');
    const decoded = Object.entries(columns).map(([name, { kind, data }]) => {
      if (!(kind in KINDS)) throw new Error(`training-dynamics state column '${name}' has unknown kind '${kind}'`);
      const column = fresh(kind, size!);
      new Uint8Array(column.buffer).set(decodeBytes(name, data, KINDS[kind], column.byteLength));
      return [name, column, kind] as const;
    });
    this.columns = {} as typeof this.columns;
    this.kinds = {};
    for (const [name, column, kind] of decoded) this.install(name, column, kind);
    this.size = this.capacity = size!;
    this.rowIds = rowIds;
    this.rowOf = rowOf;
  }
}

/** The bytes of a column (its typed array or, in older states, its base64), which must be `byteLength` long. */
function decodeBytes(name: string, data: unknown, kind: Parameters<typeof stateBytes>[1], byteLength: number): Uint8Array {
  const bytes = stateBytes(data, kind);
  if (!bytes) throw new Error(`training-dynamics state column '${name}' is not a base64 string or a ${kind.name}`);
  if (bytes.length !== byteLength) throw new Error(`training-dynamics state column '${name}' has ${bytes.length} bytes, expected ${byteLength}`);
  return bytes;
}

type Field = 'correct' | 'margin' | 'pGold' | 'el2n';
type Fields<F extends Field> = { [K in F]: NonNullable<PerSampleArrays[K]> };

/**
 * The kernel hooks that feed `take` with the 1-based epoch, the `table` rows of the ids (added
 * where new) and `fields` of each batch ('presentation') or inference pass.
 */
export function observe<F extends Field>(
  plugin: string,
  source: Series,
  fields: readonly F[],
  table: Pick<SampleTable<Record<string, Kind>>, 'rows'>,
  take: (epoch: number, rows: Int32Array, values: Fields<F>) => void,
): Pick<PerSamplePlugin, 'perSample' | 'onRunStart' | 'onBatchEnd' | 'onInferencePass'> {
  // Refilled by every batch rather than made anew: `take` reads it before the next one.
  const values = {} as Fields<F>;
  const deliver = (event: PerSampleEvent): void => {
    for (const field of fields) {
      const array = event[field];
      if (!array) throw new Error(`${plugin} needs per-sample '${field}', which only classification losses provide`);
      values[field] = array as Fields<F>[F];
    }
    take(event.epoch + 1, table.rows(event.ids), values);
  };
  if (source === 'presentation') return { perSample: true, onBatchEnd: deliver };
  if (source !== 'inference-pass') throw new RangeError(`source must be 'presentation' or 'inference-pass', got '${String(source)}'`);
  return {
    // Refused before training: the default source would record nothing in a run without an inference pass.
    onRunStart: (info) => requireInferencePass(info, plugin, `${factoryOf(plugin)}({ source: 'presentation' })`),
    onInferencePass: deliver,
  };
}

/** The factory a plugin name comes from ('data-maps:inference-pass' → 'dataMaps'), for messages that show the call. */
const factoryOf = (plugin: string) => plugin.split(':')[0]!.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
