import * as tfl from '@tensorflow/tfjs-layers';
import { kernelL2 } from '../options.js';
import { denseLayer } from '../dense.js';

export interface MlpOptions {
  /** Flattened input size. */
  inputSize?: number;
  /** An image shape instead: the net flattens it first (same parameters as inputSize = its product). */
  inputShape?: readonly number[];
  hidden?: readonly number[];
  /** Output units: classes (logits) or regression targets. */
  classes?: number;
  activation?: 'relu' | 'tanh';
  dropout?: number;
  l2?: number;
  name?: string;
}

/** A multilayer perceptron: inputSize → hidden… (activation, optional dropout after each) → linear out. */
export function mlp({ inputSize = 784, inputShape, hidden = [512], classes = 10, activation = 'relu', dropout = 0, l2 = 0, name = 'mlp' }: MlpOptions = {}): tfl.Sequential {
  const model = tfl.sequential({ name });
  if (inputShape) {
    model.add(tfl.layers.flatten({ inputShape: [...inputShape] }));
  } else {
    model.add(tfl.layers.inputLayer({ inputShape: [inputSize] }));
  }
  for (const units of hidden) {
    model.add(denseLayer({ units, activation, ...kernelL2(l2) }));
    if (dropout > 0) model.add(tfl.layers.dropout({ rate: dropout }));
  }
  model.add(denseLayer({ units: classes, ...kernelL2(l2) }));
  return model;
}
