import { Command } from 'commander';
import { describeAdapter, initBackend, type BackendName } from '@mgdl/backend';
import { Batcher, fromArrays, type Dataset } from '@mgdl/datasets';
import { train, type KernelPlugin } from '@mgdl/kernel';
import { mcnn } from '@mgdl/models';
import { backendOptions, positiveInt } from '../options.js';
import { syntheticGratings, type SyntheticImages } from '../synthetic.js';

interface DemoOptions {
  backend?: BackendName;
  threads?: number;
  epochs: number;
  train: number;
  width: number;
  seed: number;
}

export function demoCommand(): Command {
  return backendOptions(new Command('demo'))
    .description('a short real training run through the kernel\'s train(): the five-layer CNN (mcnn) on a synthetic 32×32×3 task; prints backend, samples/s and accuracy')
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'), 3)
    .option('--train <n>', 'training samples', positiveInt('--train'), 4096)
    .option('--width <k>', 'mcnn width k', positiveInt('--width'), 3)
    .option('--seed <n>', 'seed for data, weights and shuffling', positiveInt('--seed'), 1)
    .action(runDemo);
}

async function runDemo(options: DemoOptions): Promise<void> {
  const report = await initBackend({ backend: options.backend, threads: options.threads });
  const detail = report.name === 'wasm' ? ` (${report.threads} thread(s))` : report.adapter ? ` (${describeAdapter(report.adapter)})` : '';
  console.log(`backend ${report.name}${detail}; run \`mgdl backend\` for why`);
  const trainSet = gratingsDataset(syntheticGratings(options.train, options.seed), 'train');
  const testSet = gratingsDataset(syntheticGratings(1024, options.seed + 1), 'test');
  console.log(`data: synthetic gratings, 10 classes, ${options.train} train / 1024 test (32×32×3)`);
  // The gratings are already centred around 0: the batches serve them as they are.
  const result = await train({
    model: () => mcnn({ width: options.width }),
    data: new Batcher(trainSet, { batchSize: 128, seed: options.seed, normalize: false }),
    epochs: options.epochs,
    learningRate: 1e-3,
    optimizer: { name: 'adam' },
    seed: options.seed,
    evaluation: { test: new Batcher(testSet, { batchSize: 256, shuffle: false, normalize: false }), every: options.epochs },
    plugins: [epochLines(options.epochs)],
    progress: false,
  });
  const test = result.epochMetrics.at(-1)!.test!;
  console.log(`test accuracy ${pct(test.accuracy!)} (${test.samples} held-out samples)`);
  result.model.dispose();
}

/** The synthetic images as a Dataset, so that the Batcher serves them to train(). */
function gratingsDataset(images: SyntheticImages, split: 'train' | 'test'): Dataset {
  return fromArrays({ x: images.x, shape: [images.count, ...images.shape], labels: images.labels, classNames: Array.from({ length: images.classes }, (_, c) => String(c)), name: 'synthetic-gratings', split, normalization: 'none' });
}

/** Prints one line per epoch from the kernel's epoch metrics. */
function epochLines(epochs: number): KernelPlugin {
  return {
    name: 'demo-epoch-lines',
    onEpochEnd({ epoch, train }) {
      console.log(`epoch ${epoch + 1}/${epochs}  loss ${train.loss.toFixed(4)}  train acc ${pct(train.accuracy!)}  ${train.samplesPerSec.toFixed(0)} samples/s`);
    },
  };
}

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
