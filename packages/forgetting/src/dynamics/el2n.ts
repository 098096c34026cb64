import type { PerSamplePlugin } from '../kernel-shape.js';
import { observe, SampleTable, type DynamicsOptions } from './sample-table.js';

/* EL2N (Paul et al. 2021, "Deep Learning on a Data Diet"): ‖softmax − one-hot(label)‖₂ per sample. */

export interface El2nOptions extends DynamicsOptions {
  /**
   * The epochs (1-based) to record; default every epoch. Paul et al. score early in training
   * (e.g. epoch 20 of 200), so listing those few keeps memory at N floats per listed epoch.
   */
  epochs?: readonly number[];
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

/**
 * Records each sample's EL2N score per epoch, one float32 column per recorded epoch. A sample
 * presented more than once in an epoch keeps its last value there.
 */
export function el2n({ source = 'inference-pass', epochs }: El2nOptions = {}): El2nPlugin {
  const bad = epochs?.find((e) => !(Number.isInteger(e) && e >= 1));
  if (bad !== undefined) throw new RangeError(`epochs must be positive integers (1-based), got ${bad}`);
  const wanted = epochs && new Set(epochs);
  const name = `el2n:${source}`;
  // Column names are the epochs, so the state carries which epochs were recorded.
  const table = new SampleTable<Record<string, 'value'>>({});
  const recordedEpochs = (): number[] => Object.keys(table.columns).map(Number).sort((a, b) => a - b);
  return {
    name,
    ...observe(name, source, ['el2n'], table, (epoch, ids, { el2n: values }) => {
      if (wanted && !wanted.has(epoch)) return;
      const column = table.columns[epoch] ?? table.add(String(epoch), 'value');
      for (let i = 0; i < ids.length; i++) column[ids[i]!] = values[i]!;
    }),
    stateDict: () => table.toState(),
    loadStateDict: (state) => table.load(state),
    recordedEpochs,
    result(at = {}) {
      const recorded = recordedEpochs();
      if (typeof at === 'number' && !recorded.includes(at)) throw new RangeError(`no EL2N scores at epoch ${at}; recorded: ${recorded.join(', ') || 'none'}`);
      const { from = 1, to = Infinity } = typeof at === 'number' ? { from: at, to: at } : at;
      const sum = new Float64Array(table.size);
      const count = new Uint32Array(table.size);
      for (const epoch of recorded.filter((e) => e >= from && e <= to)) {
        const column = table.columns[epoch]!;
        for (let id = 0; id < table.size; id++) {
          const value = column[id]!;
          if (Number.isNaN(value)) continue;
          sum[id]! += value;
          count[id]!++;
        }
      }
      const ids = table.ids((id) => count[id]! > 0);
      return { ids, score: Float64Array.from(ids, (id) => sum[id]! / count[id]!), epochs: Uint32Array.from(ids, (id) => count[id]!) };
    },
  };
}
