import type * as tfl from '@tensorflow/tfjs-layers';
import { ModelOptionError } from './options.js';
import { cnn4, type Cnn4Options } from './zoo/cnn4.js';
import { fcnn, type FcnnOptions } from './zoo/fcnn.js';
import { mcnn, type McnnOptions } from './zoo/mcnn.js';
import { regressionMlp, type RegressionMlpOptions } from './zoo/regression-mlp.js';
import { textcnn, type TextCnnOptions } from './zoo/textcnn.js';
import { tonevaMnist, type TonevaMnistOptions } from './zoo/toneva-mnist.js';

/** Every option any zoo model takes; each model reads the ones it knows and rejects the rest. */
export type ZooOptions = FcnnOptions & Cnn4Options & McnnOptions & TextCnnOptions & TonevaMnistOptions & RegressionMlpOptions;

export interface ZooEntry {
  name: string;
  summary: string;
  /** The seed experiment whose setup the defaults follow. */
  defaults: string;
  options: readonly (keyof ZooOptions)[];
  build: (options: ZooOptions) => tfl.LayersModel;
}

const common = ['width', 'dropout', 'l2', 'classes'] as const;

export const modelZoo: readonly ZooEntry[] = [
  {
    name: 'fcnn',
    summary: 'MLP 784 → 16·w ReLU → classes (seed 2 FCNN, w ∈ [1, 10])',
    defaults: 'MNIST 28×28×1 flattened, 10 classes, w = 1',
    options: [...common, 'inputSize', 'inputShape', 'unitsPerWidth'],
    build: fcnn,
  },
  {
    name: 'cnn4',
    summary: 'Four-layer CNN: conv 32w, conv 64w, maxpool, dense 128w, dense (SIGUA / seed 2)',
    defaults: 'MNIST 28×28×1, 10 classes, w = 1, dropout 0.25',
    options: [...common, 'inputShape'],
    build: cnn4,
  },
  {
    name: 'mcnn',
    summary: 'Five-layer CNN with batch norm, widths k, 2k, 4k, 8k (Nakkiran et al.; seed 2)',
    defaults: 'CIFAR-10 32×32×3, 10 classes, k = 3',
    options: [...common, 'inputShape'],
    build: mcnn,
  },
  {
    name: 'textcnn',
    summary: 'TextCNN: embedding 300, kernel heights 3…w × 100 filters, dense 300 (SIGUA / seed 2)',
    defaults: 'TREC coarse, 6 classes, vocabulary 8,680, length 40, w = 5, dropout 0.5',
    options: [...common, 'vocabSize', 'sequenceLength', 'embeddingDim', 'filters'],
    build: textcnn,
  },
  {
    name: 'toneva-mnist',
    summary: 'Toneva et al. MNIST net: conv5×5 10w, conv5×5 20w, dense 50w, dense',
    defaults: 'MNIST 28×28×1, 10 classes, w = 1',
    options: [...common, 'inputShape'],
    build: tonevaMnist,
  },
  {
    name: 'regression-mlp',
    summary: 'Regression MLP: inputs → depth × 32·w tanh → outputs (physics data, MGDL)',
    defaults: '4 inputs, 1 output, w = 2, depth 2',
    options: ['width', 'dropout', 'l2', 'inputSize', 'outputs', 'depth'],
    build: regressionMlp,
  },
];

export const modelNames = modelZoo.map((m) => m.name);

export function zooEntry(name: string): ZooEntry {
  const entry = modelZoo.find((m) => m.name === name);
  if (!entry) throw new ModelOptionError('zoo', 'name', name, `one of ${modelNames.join(', ')}`);
  return entry;
}

/** Builds a zoo model by name; options it does not take are an error, not silently ignored. */
export function buildModel(name: string, options: ZooOptions = {}): tfl.LayersModel {
  const entry = zooEntry(name);
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !entry.options.includes(key as keyof ZooOptions)) {
      throw ModelOptionError.unknown(name, key, entry.options);
    }
  }
  return entry.build(options);
}
