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
    stateDict: () => ({ ids: [...values.keys()], loss: [...values.values()] }),
    loadStateDict(state) {
      const saved = state as { ids: number[]; loss: number[] };
      values.clear();
      saved.ids.forEach((id, i) => values.set(id, saved.loss[i]!));
    },
  };
}
