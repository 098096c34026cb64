import { join } from 'node:path';
import { initBackend } from '@mgdl/backend';
import { Batcher, loadDataset, padImages, takeFirst, takeStratified, verifyFiles, withLabelNoise, type Dataset } from '@mgdl/datasets';
import { analyze, analyzeByNoise, forgettingStatistics, perSampleCsv, settle, summarize, type Analysis, type History } from '@mgdl/forgetting';
import { train, type KernelPlugin } from '@mgdl/kernel';
import { buildModel, type ZooOptions } from '@mgdl/models';
import { runRecorder } from '@mgdl/report';
import type { TrainingConfig } from './training-config.js';

export interface CellSpec {
  model: string;
  modelOptions: ZooOptions;
  /** The model needs 32×32 images: pad 28×28 ones. */
  needs32?: boolean;
  plugins?: KernelPlugin[];
}

async function resolveDataset(config: TrainingConfig): Promise<{ name: string; note?: string }> {
  if (config.dataset !== 'cifar-10-or-fashion-mnist') return { name: config.dataset };
  const rows = await verifyFiles({ dataDir: config.dataDir });
  const cifar = rows.filter((r) => r.dataset === 'cifar-10');
  if (cifar.length > 0 && cifar.every((r) => r.status === 'ok')) return { name: 'cifar-10' };
  return { name: 'fashion-mnist', note: 'CIFAR-10 is not available here: Fashion-MNIST padded to 32×32×1 stands in for it' };
}

/**
 * One training run of a classification experiment: data (stratified subset, label noise, padding),
 * a zoo model, the kernel with checkpoints, forgetting statistics, and the run directory with the
 * forgetting summary, per-sample counts and the element/meso/system traces the report draws.
 */
export async function classificationCell(config: TrainingConfig & { sweep: Record<string, unknown> }, cellDir: string, spec: CellSpec): Promise<Analysis> {
  const backend = await initBackend();
  const dataset = await resolveDataset(config);
  const source = { dataDir: config.dataDir, split: 'train' as const };
  let trainSet = withLabelNoise(takeStratified(await loadDataset(dataset.name, source), config.trainSize, config.seed), { kind: config.noiseKind, p: config.noise, seed: config.seed });
  let testSet: Dataset = takeFirst(await loadDataset(dataset.name, { ...source, split: 'test', ...(trainSet.vocabulary ? { vocabulary: trainSet.vocabulary } : {}) }), config.testSize);
  if (spec.needs32 && trainSet.sampleShape[0] !== 32) [trainSet, testSet] = [padImages(trainSet), padImages(testSet)];
  const batcher = new Batcher(trainSet, { batchSize: config.batchSize, seed: config.seed });
  const inOrder = (data: Dataset) => new Batcher(data, { batchSize: 500, shuffle: false });
  const recorder = runRecorder({
    dir: cellDir,
    config,
    environment: { sweep: config.sweep, backend: backend.name, threads: backend.threads, dataset: dataset.name, ...(dataset.note ? { datasetNote: dataset.note } : {}) },
  });
  const stats = forgettingStatistics({ ids: trainSet.ids, mode: config.series });
  const inputShape = trainSet.kind === 'image' ? { inputShape: trainSet.sampleShape } : {};
  const vocabulary = trainSet.vocabulary ? { vocabSize: trainSet.vocabulary.size, sequenceLength: trainSet.sampleShape[0]! } : {};
  const modelOptions: ZooOptions = { classes: trainSet.classNames.length, ...inputShape, ...vocabulary, ...spec.modelOptions };
  await train({
    model: () => buildModel(spec.model, modelOptions),
    data: batcher,
    epochs: config.epochs,
    learningRate: config.learningRate,
    optimizer: config.optimizer === 'sgd' ? { name: 'sgd', momentum: config.momentum } : { name: 'adam' },
    seed: config.seed,
    evaluation: { test: inOrder(testSet) },
    ...(config.series === 'sweep' ? { sweep: { data: inOrder(trainSet) } } : {}),
    checkpoint: { dir: join(cellDir, 'checkpoints'), ...(config.checkpointEverySteps ? { everySteps: config.checkpointEverySteps } : {}) },
    resume: true,
    plugins: [stats, recorder, ...(spec.plugins ?? [])],
    progress: { stream: process.stdout, intervalSeconds: 30 },
  });
  const groups = batcher.mesoGroups();
  const analysis = analyze(stats.history(config.series), { groups });
  const noisy = new Set(Array.from(trainSet.ids).filter((_, i) => trainSet.noise?.noisy[i] === 1));
  const split = analyzeByNoise(stats.history(config.series), noisy);
  recorder.writeSamples('forgetting', perSampleCsv(analysis, noisy));
  const scaleTraces = traces(analysis, stats.history(config.series));
  recorder.writeTraces(scaleTraces);
  recorder.summarize('forgetting', {
    series: config.series,
    ...summarize(analysis),
    settledRatio: Number.isFinite(analysis.settled.system.value) ? analysis.settled.system.value : null,
    settledAmplitude: Number.isFinite(analysis.settled.system.amplitude) ? analysis.settled.system.amplitude : null,
    mesoSettledRatio: analysis.settled.meso && Number.isFinite(analysis.settled.meso.value.value) ? analysis.settled.meso.value.value : null,
    regime: analysis.regime,
    clean: summarize(split.clean),
    noisy: summarize(split.noisy),
    scales: scaleSummary(scaleTraces.scales),
  });
  return analysis;
}

/** M per epoch at three scales: two S3 samples (element), group 1 (meso, the seed's "batch index = 1"), all (system). */
function traces(analysis: Analysis, history: History) {
  const epochs = Array.from({ length: analysis.steps }, (_, t) => t + 1);
  const finite = (xs: Float64Array) => Array.from(xs, (x) => (Number.isFinite(x) ? x : null));
  const s3 = Array.from(analysis.perSample.set.keys()).filter((p) => analysis.perSample.set[p] === 3).slice(0, 2);
  const element = s3.map((p) => ({ label: `sample ${analysis.perSample.ids[p]}`, epoch: epochs, value: epochs.map((_, t) => history.correct(p, t)) }));
  const meso = analysis.meso?.[1] ?? analysis.meso?.[0];
  const mesoM = meso ? Array.from(meso.M, (m) => (Number.isFinite(m) ? m : Number.NaN)) : [];
  const keep = (values: number[]) => epochs.map((e, i) => ({ e, v: values[i]! })).filter((p) => Number.isFinite(p.v));
  const systemPoints = keep(Array.from(analysis.system.M));
  const mesoPoints = keep(mesoM);
  const settledM = (values: number[]) => settle(Float64Array.from(values));
  return {
    compromise: { epoch: epochs, M: finite(analysis.system.M), F: finite(analysis.system.F), ratio: finite(analysis.system.ratio) },
    scales: {
      title: 'M at element, meso and system scale',
      yTitle: 'M (share of S3 correct)',
      element,
      meso: mesoPoints.length ? [{ label: 'group 1', epoch: mesoPoints.map((p) => p.e), value: mesoPoints.map((p) => p.v) }] : [],
      system: systemPoints.length ? [{ label: 'all samples', epoch: systemPoints.map((p) => p.e), value: systemPoints.map((p) => p.v) }] : [],
      settled: [
        ...(mesoPoints.length ? [{ scale: 'meso', ...pick(settledM(mesoPoints.map((p) => p.v))) }] : []),
        ...(systemPoints.length ? [{ scale: 'system', ...pick(settledM(systemPoints.map((p) => p.v))) }] : []),
      ],
    },
  };
}

const pick = (s: { value: number; amplitude: number }) => ({ value: s.value, amplitude: s.amplitude });

/** Settled M and its fluctuation per scale (element: the mean over the traced samples), for the verdicts. */
function scaleSummary(scales: ReturnType<typeof traces>['scales']) {
  const of = (trace: { value: number[] } | undefined) => (trace ? pick(settle(Float64Array.from(trace.value))) : undefined);
  const elements = scales.element.map(of).filter((s) => s !== undefined);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return {
    element: elements.length ? { value: mean(elements.map((e) => e.value)), amplitude: mean(elements.map((e) => e.amplitude)) } : null,
    meso: of(scales.meso[0]) ?? null,
    system: of(scales.system[0]) ?? null,
  };
}
