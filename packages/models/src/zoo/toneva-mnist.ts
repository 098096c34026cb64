import * as tfl from '@tensorflow/tfjs-layers';
import { addDropout, checkCommon, checkShape, kernelL2, type CommonOptions } from '../options.js';
import { denseLayer } from '../dense.js';

export interface TonevaMnistOptions extends CommonOptions {
  inputShape?: readonly number[];
}

/**
 * Toneva et al.'s (2019) MNIST net: conv5×5 10w → maxpool 2 → ReLU → conv5×5 20w → maxpool 2 →
 * ReLU → dense 50w → ReLU → (dropout) → dense classes. w = 1: 21,840 parameters. Dropout is off by
 * default, as in the layout the forgetting paper reports.
 */
export function tonevaMnist({ width = 1, dropout = 0, l2 = 0, classes = 10, inputShape = [28, 28, 1] }: TonevaMnistOptions = {}): tfl.Sequential {
  checkCommon('toneva-mnist', { width, dropout, l2, classes });
  checkShape('toneva-mnist', 'inputShape', inputShape, 3);
  const model = tfl.sequential({ name: `toneva_mnist_w${width}` });
  model.add(tfl.layers.conv2d({ inputShape: [...inputShape], filters: 10 * width, kernelSize: 5, ...kernelL2(l2) }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.conv2d({ filters: 20 * width, kernelSize: 5, ...kernelL2(l2) }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.activation({ activation: 'relu' }));
  model.add(tfl.layers.flatten());
  model.add(denseLayer({ units: 50 * width, activation: 'relu', ...kernelL2(l2) }));
  addDropout(model, dropout);
  model.add(denseLayer({ units: classes, ...kernelL2(l2) }));
  return model;
}
