import * as tfl from '@tensorflow/tfjs-layers';

export interface MlpOptions {
  /** Flattened input size. */
  inputSize?: number;
  hidden?: number[];
  classes?: number;
}

/** A ReLU multilayer perceptron: inputSize → hidden… → classes (logits). */
export function mlp({ inputSize = 784, hidden = [512], classes = 10 }: MlpOptions = {}): tfl.Sequential {
  const model = tfl.sequential({ name: 'mlp' });
  hidden.forEach((units, i) => {
    model.add(tfl.layers.dense({ units, activation: 'relu', ...(i === 0 ? { inputShape: [inputSize] } : {}) }));
  });
  model.add(tfl.layers.dense({ units: classes, ...(hidden.length === 0 ? { inputShape: [inputSize] } : {}) }));
  return model;
}
