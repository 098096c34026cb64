import * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '@mgdl/datasets';
import { createRandom } from '@mgdl/random';

/** A learnable 8×8×1 two-class task: class 1 images are brighter in the top half (as in the kernel's tests). */
export function toyDataset(n: number): Dataset {
  const random = createRandom(1);
  const x = new Uint8Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = random() < 0.5 ? 1 : 0;
    for (let p = 0; p < 64; p++) x[i * 64 + p] = Math.round(((labels[i] === 1) === p < 32 ? 150 : 90) + 60 * (random() - 0.5));
  }
  const ids = Int32Array.from({ length: n }, (_, i) => i);
  return { name: 'toy', split: 'train', kind: 'image', x, sampleShape: [8, 8, 1], labels, ids, classNames: ['dark top', 'bright top'], normalization: { mean: [0.47], std: [0.15] }, sources: [] };
}

/** Layers are named, so a checkpoint fits a second model built in the same process. */
export function toyModel(): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, activation: 'relu', name: 'toy-conv' }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dropout({ rate: 0.3 }));
  model.add(tfl.layers.dense({ units: 2, name: 'toy-logits' }));
  return model;
}
