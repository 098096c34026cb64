import { initBackend, type BackendReport } from '@mgdl/backend';
import { Batcher, loadDataset, padImages, takeFirst, takeIds, takeStratified, verifyFiles, withLabelNoise, type Dataset } from '@mgdl/datasets';
import { mesoGroups, type Analysis } from '@mgdl/forgetting';
import { runFiles } from '@mgdl/io';
import { gradientClipping, train, type KernelPlugin, type OptimizerSpec } from '@mgdl/kernel';
import { buildModel, type ZooOptions } from '@mgdl/models';
import { cellFingerprint } from '../runner/identity.js';
import { reportedRun, type ReportedRun } from './reported-run.js';
import { cellStopSignal } from '../runner/stop.js';
import type { TrainingConfig } from './training-config.js';

export interface CellSpec {
  model: string;
  modelOptions: ZooOptions;
  /** The model needs 32×32 images: pad 28×28 ones. */
  needs32?: boolean;
  plugins?: KernelPlugin[];
  /** Which training samples the cell sees (see `trainingSubset`). */
  trainSubset?: TrainSubset;
}

export interface TrainSubset {
  /** Draws the stratified subset with this seed instead of `config.seed`: runs that differ in seed then see the same samples. */
  seed?: number;
  /** Drops these ids from the subset (after label noise, so the rest keep their labels); each must be in it. */
  exclude?: Iterable<number>;
}

/**
 * The training set of a cell: a stratified subset of `config.trainSize` samples (seeded by
 * `subset.seed ?? config.seed`), label noise seeded by `config.noiseSeed ?? config.seed`, minus `subset.exclude`.
 */
export function trainingSubset(dataset: Dataset, config: Pick<TrainingConfig, 'trainSize' | 'seed' | 'noiseSeed' | 'noise' | 'noiseKind'>, subset: TrainSubset = {}): Dataset {
  const noisy = withLabelNoise(takeStratified(dataset, config.trainSize, subset.seed ?? config.seed), { kind: config.noiseKind, p: config.noise, seed: config.noiseSeed ?? config.seed });
  if (subset.exclude === undefined) return noisy;
  const exclude = new Set(subset.exclude);
  const present = new Set(noisy.ids);
  for (const id of exclude) if (!present.has(id)) throw new Error(`trainSubset.exclude: id ${id} is not in the ${config.trainSize}-sample training subset`);
  if (exclude.size >= noisy.ids.length) throw new Error(`trainSubset.exclude: removes all ${noisy.ids.length} training samples`);
  return takeIds(noisy, Array.from(noisy.ids).filter((id) => !exclude.has(id)));
}

async function resolveDataset(config: TrainingConfig): Promise<{ name: string; note?: string }> {
  if (config.dataset !== 'cifar-10-or-fashion-mnist') return { name: config.dataset };
  const rows = await verifyFiles({ dataDir: config.dataDir });
  const cifar = rows.filter((r) => r.dataset === 'cifar-10');
  if (cifar.length > 0 && cifar.every((r) => r.status === 'ok')) return { name: 'cifar-10' };
  return { name: 'fashion-mnist', note: 'CIFAR-10 is not available here: Fashion-MNIST padded to 32×32×1 stands in for it' };
}

/** What a classification cell trains on and writes through, for train() or one member of an ensemble. */
export interface PreparedCell {
  trainSet: Dataset;
  batcher: Batcher;
  testData: Batcher;
  /** The training set in a fixed order (the inference pass's data). */
  trainInOrder: Batcher;
  modelOptions: ZooOptions;
  run: ReportedRun;
  /** The kernel's plugins for this cell: the run's, gradient clipping, the spec's. */
  plugins: KernelPlugin[];
}

/** What a cell's data comes from: the whole training split and its test set. */
export interface CellSplits {
  dataset: { name: string; note?: string };
  train: Dataset;
  /** The first `testSize` test samples. */
  test: Dataset;
}

/** Loads a cell's splits; an ensemble's members (cells differing in seeds only) share one load. */
export async function loadCellSplits(config: TrainingConfig): Promise<CellSplits> {
  const dataset = await resolveDataset(config);
  const source = { dataDir: config.dataDir, split: 'train' as const };
  const train = await loadDataset(dataset.name, source);
  const test = takeFirst(await loadDataset(dataset.name, { ...source, split: 'test', ...(train.vocabulary ? { vocabulary: train.vocabulary } : {}) }), config.testSize);
  return { dataset, train, test };
}

/** Prepares one cell's data (subset, noise, padding), model options and run directory writer, from its splits (loaded here unless given). */
export async function prepareCell(config: TrainingConfig & { grid: Record<string, unknown> }, cellDir: string, spec: CellSpec, backend: BackendReport, splits?: CellSplits): Promise<PreparedCell> {
  const { dataset, train, test } = splits ?? (await loadCellSplits(config));
  let trainSet = trainingSubset(train, config, spec.trainSubset);
  let testSet: Dataset = test;
  if (spec.needs32 && trainSet.sampleShape[0] !== 32) [trainSet, testSet] = [padImages(trainSet), padImages(testSet)];
  const inOrder = (data: Dataset) => new Batcher(data, { batchSize: 500, shuffle: false });
  const run = reportedRun({
    dir: cellDir,
    trainSet,
    epochs: config.epochs,
    series: config.series,
    config,
    environment: { grid: config.grid, backend: backend.name, threads: backend.threads, dataset: dataset.name, ...(dataset.note ? { datasetNote: dataset.note } : {}) },
  });
  const inputShape = trainSet.kind === 'image' ? { inputShape: trainSet.sampleShape } : {};
  const vocabulary = trainSet.vocabulary ? { vocabSize: trainSet.vocabulary.size, sequenceLength: trainSet.sampleShape[0]! } : {};
  return {
    trainSet,
    batcher: new Batcher(trainSet, { batchSize: config.batchSize, seed: config.orderSeed ?? config.seed }),
    testData: inOrder(testSet),
    trainInOrder: inOrder(trainSet),
    modelOptions: { classes: trainSet.classNames.length, ...inputShape, ...vocabulary, ...spec.modelOptions },
    run,
    plugins: [...run.plugins, ...(config.clipNorm ? [gradientClipping({ maxNorm: config.clipNorm })] : []), ...(spec.plugins ?? [])],
  };
}

/** The kernel's optimizer for a training config. */
export const optimizerOf = (config: TrainingConfig): OptimizerSpec => (config.optimizer === 'sgd' ? { name: 'sgd', momentum: config.momentum } : { name: 'adam' });

/**
 * One training run of a classification experiment: data (stratified subset, label noise, padding),
 * a zoo model, the kernel with checkpoints, forgetting statistics, and the run directory with the
 * forgetting summary, per-sample counts and the element/meso/system traces the report draws.
 */
export async function classificationCell(config: TrainingConfig & { grid: Record<string, unknown> }, cellDir: string, spec: CellSpec): Promise<Analysis> {
  const backend = await initBackend();
  const cell = await prepareCell(config, cellDir, spec, backend);
  await train({
    model: () => buildModel(spec.model, cell.modelOptions),
    data: cell.batcher,
    epochs: config.epochs,
    learningRate: config.learningRate,
    optimizer: optimizerOf(config),
    seed: config.initSeed ?? config.seed,
    evaluation: { test: cell.testData },
    ...(config.series === 'inference-pass' ? { inferencePass: { data: cell.trainInOrder } } : {}),
    checkpoint: { dir: runFiles(cellDir).checkpoints, fingerprint: cellFingerprint(config), ...(config.checkpointEverySteps ? { everySteps: config.checkpointEverySteps } : {}) },
    resume: true,
    signal: cellStopSignal,
    plugins: cell.plugins,
    progress: { stream: process.stdout, intervalSeconds: 30 },
  });
  // The grid's report draws every cell; a cell writes no page of its own.
  const { analysis } = await cell.run.finish({ groups: mesoGroups(cell.batcher), report: false });
  return analysis;
}
