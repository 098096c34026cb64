import { decodeBase64, encodeBase64 } from '../base64.js';
import { requireInferencePass } from '../inference-pass.js';
import type { PerSampleArrays, PerSampleEvent, PerSamplePlugin } from '../kernel-shape.js';
import type { Series } from '../history.js';

/*
 * Shared by the three training-dynamics plugins (data maps, AUM, EL2N): where values come
 * from, per-sample storage by id, and its JSON state.
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

interface TableState {
  size: number;
  columns: Record<string, { kind: Kind; data: string }>;
}

/**
 * Per-sample columns indexed directly by sample id: ids are dataset indices, hence dense. The
 * table grows when a larger id arrives, doubling its capacity, so it needs no sample count up
 * front and reallocates O(log N) times in a run rather than per batch.
 */
export class SampleTable<S extends Record<string, Kind>> {
  /** One past the largest id seen. */
  size = 0;
  private capacity = 0;
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

  reserve(ids: Int32Array): void {
    let max = this.size - 1;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id < 0) throw new RangeError(`sample ids must be dataset indices (non-negative), got ${id}`);
      if (id > max) max = id;
    }
    this.size = max + 1;
    if (this.size <= this.capacity) return;
    this.capacity = Math.max(this.size, 2 * this.capacity);
    const columns = this.columns as Record<string, Column>;
    for (const [name, kind] of Object.entries(this.kinds)) {
      const grown = fresh(kind, this.capacity);
      grown.set(columns[name]!);
      this.install(name, grown, kind);
    }
  }

  /** Ids (ascending) for which `has` holds. */
  ids(has: (id: number) => boolean): Int32Array {
    const ids: number[] = [];
    for (let id = 0; id < this.size; id++) if (has(id)) ids.push(id);
    return Int32Array.from(ids);
  }

  /** The first `size` entries of every column, as base64 of their bytes (exact, and JSON-safe). */
  toState(): TableState {
    const columns = this.columns as Record<string, Column>;
    const encoded = Object.entries(this.kinds).map(([name, kind]) => {
      const part = columns[name]!.subarray(0, this.size);
      return [name, { kind, data: encodeBase64(new Uint8Array(part.buffer, part.byteOffset, part.byteLength)) }];
    });
    return { size: this.size, columns: Object.fromEntries(encoded) };
  }

  /** Replaces the contents with a `toState()` result, which must hold at least the constructor's columns. */
  load(state: unknown): void {
    const { size, columns } = (state ?? {}) as Partial<TableState>;
    if (!Number.isInteger(size) || size! < 0 || typeof columns !== 'object' || columns === null) throw new Error('not a training-dynamics plugin state');
    const missing = Object.keys(this.kinds).find((name) => !(name in columns));
    if (missing) throw new Error(`training-dynamics state lacks column '${missing}'`);
    const decoded = Object.entries(columns).map(([name, { kind, data }]) => {
      if (!(kind in KINDS)) throw new Error(`training-dynamics state column '${name}' has unknown kind '${kind}'`);
      let bytes: Uint8Array;
      try {
        bytes = decodeBase64(String(data));
      } catch {
        throw new Error(`training-dynamics state column '${name}' is not a base64 string`);
      }
      const column = fresh(kind, size!);
      if (bytes.length !== column.byteLength) throw new Error(`training-dynamics state column '${name}' has ${bytes.length} bytes, expected ${column.byteLength}`);
      new Uint8Array(column.buffer).set(bytes);
      return [name, column, kind] as const;
    });
    this.columns = {} as typeof this.columns;
    this.kinds = {};
    for (const [name, column, kind] of decoded) this.install(name, column, kind);
    this.size = this.capacity = size!;
  }
}

type Field = 'correct' | 'margin' | 'pGold' | 'el2n';
type Fields<F extends Field> = { [K in F]: NonNullable<PerSampleArrays[K]> };

/**
 * The kernel hooks that feed `take` with the 1-based epoch, the ids and `fields` of each batch
 * ('presentation') or inference pass, after making room for the ids in `table`.
 */
export function observe<F extends Field>(
  plugin: string,
  source: Series,
  fields: readonly F[],
  table: Pick<SampleTable<Record<string, Kind>>, 'reserve' | 'size'>,
  take: (epoch: number, ids: Int32Array, values: Fields<F>) => void,
): Pick<PerSamplePlugin, 'perSample' | 'onRunStart' | 'onBatchEnd' | 'onInferencePass'> {
  const deliver = (event: PerSampleEvent): void => {
    const values = {} as Fields<F>;
    for (const field of fields) {
      const array = event[field];
      if (!array) throw new Error(`${plugin} needs per-sample '${field}', which only classification losses provide`);
      values[field] = array as Fields<F>[F];
    }
    table.reserve(event.ids);
    take(event.epoch + 1, event.ids, values);
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

/* Data maps (Swayamdipta et al. 2020, "Dataset Cartography"). */
