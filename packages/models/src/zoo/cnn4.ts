import * as tfl from '@tensorflow/tfjs-layers';
import { addDropout, checkCommon, checkShape, kernelL2, type CommonOptions } from '../options.js';
import { denseLayer } from '../dense.js';

export interface Cnn4Options extends CommonOptions {
  inputShape?: readonly number[];
}

/**
 * The Four-layer CNN of the SIGUA reproduction (Han et al. 2020), seed 2's MNIST CNN:
 * conv3×3 32w → ReLU → conv3×3 64w → ReLU → maxpool 2 → dropout → dense 128w → ReLU → dropout →
 * dense classes; valid padding, stride 1. w = 1 on MNIST has 1,199,882 parameters. One dropout
 * rate for both places (default 0.25).
 */
export function cnn4({ width = 1, dropout = 0.25, l2 = 0, classes = 10, inputShape = [28, 28, 1] }: Cnn4Options = {}): tfl.Sequential {
  checkCommon('cnn4', { width, dropout, l2, classes });
  checkShape('cnn4', 'inputShape', inputShape, 3);
  const model = tfl.sequential({ name: `cnn4_w${width}` });
  model.add(tfl.layers.conv2d({ inputShape: [...inputShape], filters: 32 * width, kernelSize: 3, activation: 'relu', ...kernelL2(l2) }));
  model.add(tfl.layers.conv2d({ filters: 64 * width, kernelSize: 3, activation: 'relu', ...kernelL2(l2) }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  addDropout(model, dropout);
  model.add(tfl.layers.flatten());
  model.add(denseLayer({ units: 128 * width, activation: 'relu', ...kernelL2(l2) }));
  addDropout(model, dropout);
  model.add(denseLayer({ units: classes, ...kernelL2(l2) }));
  return model;
}
