import { z } from 'zod';
import { renamedSeries, SERIES } from '@mgdl/forgetting';

/** Config fields every classification experiment shares, with what each means. */
export const trainingFields = {
  dataset: z.enum(['mnist', 'fashion-mnist', 'cifar-10', 'trec', 'cifar-10-or-fashion-mnist']).describe('dataset; cifar-10-or-fashion-mnist falls back to Fashion-MNIST padded to 32×32 when CIFAR-10 is absent'),
  dataDir: z.string().optional().describe('dataset folder (else MGDL_DATA_DIR, the cache, or a download)'),
  trainSize: z.number().int().positive().describe('training samples (stratified subset of the training split)'),
  testSize: z.number().int().positive().describe('test samples (first n of the test split)'),
  noise: z.number().min(0).lt(1).describe('label-noise rate p on the training set'),
  noiseKind: z.enum(['symmetric', 'pair']).describe('symmetric: any other class; pair: class i → i+1'),
  epochs: z.number().int().positive(),
  batchSize: z.number().int().positive(),
  learningRate: z.number().positive(),
  optimizer: z.enum(['adam', 'sgd']),
  momentum: z.number().min(0).lt(1).describe('SGD momentum'),
  seed: z.number().int().describe('seeds the data subset, noise, batch order, initial weights and dropout (each role can be set on its own below)'),
  initSeed: z.number().int().optional().describe('initial weights and dropout masks (default: seed)'),
  orderSeed: z.number().int().optional().describe('batch composition: the shuffle order of every epoch (default: seed)'),
  noiseSeed: z.number().int().optional().describe('which labels the label noise flips, and to what (default: seed)'),
  series: z
    .preprocess((value) => renamedSeries(value, 'config series'), z.enum(SERIES))
    .describe('forgetting statistics from each presentation (training mode) or an inference pass over the training set per epoch'),
  checkpointEverySteps: z.number().int().positive().optional().describe('checkpoint within epochs too (default: each epoch)'),
  clipNorm: z.number().positive().optional().describe('clip the gradients to this global L2 norm every step (default: no clipping)'),
};

/**
 * The largest model width an app accepts (FCNN 16·w units, CNN k…8k channels, regression 32·w
 * units): 16× the seeds' largest. Far past it, the parameters alone outgrow a workstation's memory
 * (FCNN w = 100,000 is 1.25 G parameters, 5 GB), and training would fail after minutes, not at once.
 */
export const MAX_WIDTH = 256;

export const trainingSchema = z.object(trainingFields);
export type TrainingConfig = z.output<typeof trainingSchema>;
