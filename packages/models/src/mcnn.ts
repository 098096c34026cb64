import * as tfl from '@tensorflow/tfjs-layers';
import { BatchNorm } from './batch-norm.js';

export interface McnnOptions {
  /** Width k: the four convolutions have k, 2k, 4k, 8k channels. */
  width?: number;
  inputShape?: [number, number, number];
  classes?: number;
}

/**
 * Nakkiran et al.'s five-layer CNN (deep double descent, "mcnn"): conv3×3 k → 2k → 4k → 8k, each
 * with bias, batch norm and ReLU, max-pooling after the last three, a final 4×4 max-pool and a
 * linear classifier. Conv biases are kept (as in the reference code), which the published
 * parameter counts include: k=1 → 540, k=3 → 3,868, k=10 → 39,330, k=64 → 1,558,026.
 */
export function mcnn({ width = 3, inputShape = [32, 32, 3], classes = 10 }: McnnOptions = {}): tfl.Sequential {
  const model = tfl.sequential({ name: `mcnn_k${width}` });
  [1, 2, 4, 8].forEach((multiple, i) => {
    model.add(
      tfl.layers.conv2d({
        filters: multiple * width,
        kernelSize: 3,
        padding: 'same',
        ...(i === 0 ? { inputShape } : {}),
      }),
    );
    model.add(new BatchNorm());
    model.add(tfl.layers.activation({ activation: 'relu' }));
    if (i > 0) model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  });
  model.add(tfl.layers.maxPooling2d({ poolSize: 4 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: classes }));
  return model;
}
