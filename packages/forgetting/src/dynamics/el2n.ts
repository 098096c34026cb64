import type { PerSamplePlugin } from '../kernel-shape.js';
import { observe, SampleTable, type DynamicsOptions } from './sample-table.js';

/* EL2N (Paul et al. 2021, "Deep Learning on a Data Diet"): ‖softmax − one-hot(label)‖₂ per sample. */

export interface El2nOptions extends DynamicsOptions {
  /**
   * The epochs (1-based) to record; default every epoch. Paul et al. score early in training
   * (e.g. epoch 20 of 200), so listing those few keeps memory at N floats per listed epoch.
   */
  epochs?: readonly number[];
  /**
   * What to keep per sample (default 'each-epoch'): its score in every recorded epoch, so
   * `result` gives any epoch or range of them; or 'mean': only its running mean over the recorded
   * epochs, a fixed 20 bytes per sample however many epochs are listed, for which `result()`
   * gives that mean and refuses an epoch or a range. 'mean' refuses an epoch older than the
   * latest it recorded (training delivers them in order).
   */
  keep?: 'each-epoch' | 'mean';
}

/** One epoch, or the mean over the recorded epochs in [from, to] (either end open by default). */
export type El2nEpochs = number | { from?: number; to?: number };

export interface El2nResult {
  /** Sample ids with a score in the requested epochs, ascending; the other arrays follow them. */
  ids: Int32Array;
  score: Float64Array;
  /** Recorded epochs each score averages. */
  epochs: Uint32Array;
}

export interface El2nPlugin extends PerSamplePlugin {
  /** The epochs (1-based, ascending) that hold scores. */
  recordedEpochs(): number[];
  /** Default: the mean over every recorded epoch. */
  result(epochs?: El2nEpochs): El2nResult;
}

/** How one `keep` stores scores by table row; `result` is the El2nPlugin's. */
interface ScoreStore {
  table: SampleTable<Record<string, 'value' | 'real' | 'count'>>;
  take(epoch: number, rows: Int32Array, values: Float32Array): void;
  recordedEpochs(): number[];
  result(at: El2nEpochs | undefined): El2nResult;
  stateDict(): unknown;
  loadStateDict(state: unknown): void;
}

/**
 * Records each sample's EL2N score per epoch (or, with keep 'mean', its running mean). A sample
 * presented more than once in an epoch keeps its last value there.
 */
export function el2n({ source = 'inference-pass', epochs, keep = 'each-epoch' }: El2nOptions = {}): El2nPlugin {
  const bad = epochs?.find((e) => !(Number.isInteger(e) && e >= 1));
  if (bad !== undefined) throw new RangeError(`epochs must be positive integers (1-based), got ${bad}`);
  if (keep !== 'each-epoch' && keep !== 'mean') throw new RangeError(`keep must be 'each-epoch' or 'mean', got '${String(keep)}'`);
  const wanted = epochs && new Set(epochs);
  const name = `el2n:${source}`;
  const store = keep === 'mean' ? meanStore() : eachEpochStore();
  return {
    name,
    ...observe(name, source, ['el2n'], store.table, (epoch, rows, { el2n: values }) => {
      if (!wanted || wanted.has(epoch)) store.take(epoch, rows, values);
    }),
    stateDict: () => store.stateDict(),
    loadStateDict: (state) => store.loadStateDict(state),
    recordedEpochs: () => store.recordedEpochs(),
    result: (at) => store.result(at),
  };
}

/** One float32 column per recorded epoch, named by the epoch, so the state carries which epochs were recorded. */
function eachEpochStore(): ScoreStore {
  const table = new SampleTable<Record<string, 'value'>>({});
  const recordedEpochs = (): number[] => Object.keys(table.columns).map(Number).sort((a, b) => a - b);
  return {
    table,
    take(epoch, rows, values) {
      const column = table.columns[epoch] ?? table.add(String(epoch), 'value');
      for (let i = 0; i < rows.length; i++) column[rows[i]!] = values[i]!;
    },
    recordedEpochs,
    result(at = {}) {
      const recorded = recordedEpochs();
      if (typeof at === 'number' && !recorded.includes(at)) throw new RangeError(`no EL2N scores at epoch ${at}; recorded: ${recorded.join(', ') || 'none'}`);
      const { from = 1, to = Infinity } = typeof at === 'number' ? { from: at, to: at } : at;
      const sum = new Float64Array(table.size);
      const count = new Uint32Array(table.size);
      for (const epoch of recorded.filter((e) => e >= from && e <= to)) {
        const column = table.columns[epoch]!;
        for (let row = 0; row < table.size; row++) {
          const value = column[row]!;
          if (Number.isNaN(value)) continue;
          sum[row]! += value;
          count[row]!++;
        }
      }
      const { ids, rows } = table.select((row) => count[row]! > 0);
      return { ids, score: Float64Array.from(rows, (row) => sum[row]! / count[row]!), epochs: Uint32Array.from(rows, (row) => count[row]!) };
    },
    stateDict: () => table.toState(),
    loadStateDict(state) {
      const { columns } = (state ?? {}) as { columns?: unknown };
      const stray = typeof columns === 'object' && columns !== null ? Object.keys(columns).find((column) => !/^[1-9]\d*$/.test(column)) : undefined;
      if (stray !== undefined) throw new Error(`el2n state column '${stray}' is not an epoch: a state of el2n({ keep: 'mean' }) loads only into such a plugin`);
      table.load(state);
    },
  };
}

/**
 * Per sample, the sum and count of its scores in finished epochs and its latest epoch's score
 * apart, which a later presentation in that epoch may still replace. The sum adds epochs in
 * order from 0, so the mean equals 'each-epoch''s to the bit; NaN scores count as missing there too.
 */
function meanStore(): ScoreStore {
  const table = new SampleTable({ sum: 'real', count: 'count', last: 'value', lastEpoch: 'count' });
  let recorded: number[] = [];
  return {
    table,
    take(epoch, rows, values) {
      const { sum, count, last, lastEpoch } = table.columns;
      const latest = recorded.at(-1) ?? 0;
      if (epoch < latest) throw new RangeError(`el2n({ keep: 'mean' }) got scores of epoch ${epoch} after those of epoch ${latest}: it needs epochs in order (keep 'each-epoch' takes any order)`);
      if (epoch > latest) recorded.push(epoch);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        if (lastEpoch[row] !== epoch) {
          if (!Number.isNaN(last[row]!)) {
            sum[row]! += last[row]!;
            count[row]!++;
          }
          lastEpoch[row] = epoch;
        }
        last[row] = values[i]!;
      }
    },
    recordedEpochs: () => [...recorded],
    result(at) {
      if (at !== undefined && (typeof at === 'number' || at.from !== undefined || at.to !== undefined)) {
        throw new RangeError(`el2n({ keep: 'mean' }) keeps only the mean over every recorded epoch, so it cannot give ${JSON.stringify(at)}; make it with keep: 'each-epoch' for that`);
      }
      const { sum, count, last } = table.columns;
      const has = (row: number): number => (Number.isNaN(last[row]!) ? 0 : 1);
      const { ids, rows } = table.select((row) => count[row]! + has(row) > 0);
      return {
        ids,
        score: Float64Array.from(rows, (row) => (has(row) ? sum[row]! + last[row]! : sum[row]!) / (count[row]! + has(row))),
        epochs: Uint32Array.from(rows, (row) => count[row]! + has(row)),
      };
    },
    stateDict: () => ({ ...table.toState(), recorded }),
    loadStateDict(state) {
      const saved = (state ?? {}) as { recorded?: unknown };
      if (!Array.isArray(saved.recorded) || !saved.recorded.every((e) => Number.isInteger(e) && e >= 1)) throw new Error("not a state of el2n({ keep: 'mean' }): it lacks the recorded epochs");
      table.load(state);
      recorded = [...(saved.recorded as number[])];
    },
  };
}
