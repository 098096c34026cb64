import * as tfl from '@tensorflow/tfjs-layers';
import { BatchNorm } from '../batch-norm.js';
import { addDropout, checkCommon, checkShape, kernelL2, ModelOptionError, type CommonOptions } from '../options.js';
import { denseLayer } from '../dense.js';

export interface McnnOptions extends CommonOptions {
  /** 32×32 with 1 or 3 channels. */
  inputShape?: readonly number[];
}

/**
 * Nakkiran et al.'s five-layer CNN (deep double descent, "mcnn"): conv3×3 k → 2k → 4k → 8k, each
 * with bias, batch norm and ReLU, max-pooling after the last three, a final 4×4 max-pool and a
 * linear classifier (dropout before it when asked; none in the paper). Conv biases are kept (as in
 * the reference code), which the published parameter counts include: k=1 → 540, k=3 → 3,868,
 * k=10 → 39,330, k=64 → 1,558,026.
 */
export function mcnn({ width = 3, dropout = 0, l2 = 0, classes = 10, inputShape = [32, 32, 3] }: McnnOptions = {}): tfl.Sequential {
  checkCommon('mcnn', { width, dropout, l2, classes });
  checkShape('mcnn', 'inputShape', inputShape, 3);
  if (inputShape[0] !== 32 || inputShape[1] !== 32 || (inputShape[2] !== 1 && inputShape[2] !== 3)) {
    throw new ModelOptionError('mcnn', 'inputShape', inputShape, '[32, 32, 1] or [32, 32, 3] (pad 28×28 images with padImages)');
  }
  const model = tfl.sequential({ name: `mcnn_k${width}` });
  [1, 2, 4, 8].forEach((multiple, i) => {
    model.add(tfl.layers.conv2d({ filters: multiple * width, kernelSize: 3, padding: 'same', ...kernelL2(l2), ...(i === 0 ? { inputShape: [...inputShape] } : {}) }));
    model.add(new BatchNorm());
    model.add(tfl.layers.activation({ activation: 'relu' }));
    if (i > 0) model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  });
  model.add(tfl.layers.maxPooling2d({ poolSize: 4 }));
  model.add(tfl.layers.flatten());
  addDropout(model, dropout);
  model.add(denseLayer({ units: classes, ...kernelL2(l2) }));
  return model;
}
