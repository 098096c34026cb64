import type * as tfl from '@tensorflow/tfjs-layers';
import { checkCommon, checkInteger, checkShape, type CommonOptions } from '../options.js';
import { mlp } from './mlp.js';

export interface FcnnOptions extends CommonOptions {
  /** Flattened input size (default 784: MNIST). */
  inputSize?: number;
  /** Or an image shape (e.g. [28, 28, 1]), flattened by the net's first layer. */
  inputShape?: readonly number[];
  /** First-hidden-layer units per unit of width (default 16). */
  unitsPerWidth?: number;
}

/**
 * Seed 2's FCNN on MNIST: 784 → 16·w ReLU → classes. The seed only says the first hidden layer's
 * width scales with w ∈ [1, 10]; one hidden layer of 16·w units (16…160) spans an under-fitting to
 * a noise-memorising model on MNIST with 40% label noise. Params = 12,720·w + 10 for 10 classes.
 */
export function fcnn({ width = 1, dropout = 0, l2 = 0, classes = 10, inputSize = 784, inputShape, unitsPerWidth = 16 }: FcnnOptions = {}): tfl.Sequential {
  checkCommon('fcnn', { width, dropout, l2, classes });
  checkInteger('fcnn', 'inputSize', inputSize, 1);
  checkInteger('fcnn', 'unitsPerWidth', unitsPerWidth, 1);
  if (inputShape) checkShape('fcnn', 'inputShape', inputShape, inputShape.length);
  return mlp({ inputSize, ...(inputShape ? { inputShape } : {}), hidden: [unitsPerWidth * width], classes, dropout, l2, name: `fcnn_w${width}` });
}
