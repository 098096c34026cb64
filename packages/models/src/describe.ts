import type * as tfl from '@tensorflow/tfjs-layers';
import { trainableParams } from './regularization.js';

export interface LayerSummary {
  name: string;
  className: string;
  outputShape: (number | null)[] | (number | null)[][];
  params: number;
}

export interface ModelSummary {
  name: string;
  inputShape: (number | null)[];
  outputShape: (number | null)[];
  /** Trainable parameters. */
  params: number;
  /** All weights, including batch-norm running statistics. */
  weights: number;
  layers: LayerSummary[];
}

const size = (shape: readonly (number | null)[]): number => shape.reduce<number>((a, b) => a * (b ?? 1), 1);

export function describeModel(model: tfl.LayersModel): ModelSummary {
  return {
    name: model.name,
    inputShape: model.inputs[0]!.shape,
    outputShape: model.outputs[0]!.shape,
    params: trainableParams(model),
    weights: model.weights.reduce((n, w) => n + size(w.shape), 0),
    layers: model.layers.map((layer) => ({
      name: layer.name,
      className: layer.getClassName(),
      outputShape: layer.outputShape as LayerSummary['outputShape'],
      params: layer.trainableWeights.reduce((n, w) => n + size(w.shape), 0),
    })),
  };
}
