import type { PerSamplePlugin } from '../kernel-shape.js';
import type { Series } from '../history.js';
import { ValuesById } from './values-by-id.js';

export interface LastLossOptions {
  /** Which per-sample losses to keep: each batch's training-mode 'presentation' or the 'inference-pass' after each epoch. */
  source: Series;
}

export interface LastLossPlugin extends PerSamplePlugin {
  /** Each sample's latest loss by id: its final loss once training ends. */
  readonly values: Map<number, number>;
}

/**
 * Keeps each sample's latest per-sample loss from the chosen series — after training, its final
 * loss, the score the report ranks samples by beside AUM, EL2N and the data maps. Its state
 * travels with checkpoints, so a resumed run keeps the losses of samples not yet seen again.
 */
export function lastLoss({ source }: LastLossOptions): LastLossPlugin {
  const values = new ValuesById();
  const take = (event: { ids: Int32Array; loss?: Float32Array }) => {
    if (event.loss) values.setBatch(event.ids, event.loss);
  };
  return {
    name: `last-loss:${source}`,
    values,
    ...(source === 'presentation' ? { perSample: true, onBatchEnd: take } : { onInferencePass: take }),
    // Typed arrays, which checkpoints store as bytes; the losses came as float32, so nothing is lost.
    stateDict: () => ({ ids: Int32Array.from(values.keys()), loss: Float32Array.from(values.values()) }),
    loadStateDict(state) {
      // Number lists in states saved before typed arrays, typed arrays since: both index alike.
      const saved = state as { ids: ArrayLike<number>; loss: ArrayLike<number> };
      values.clear();
      for (let i = 0; i < saved.ids.length; i++) values.set(saved.ids[i]!, saved.loss[i]!);
    },
  };
}
