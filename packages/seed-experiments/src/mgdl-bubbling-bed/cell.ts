import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mgdl/backend';
import { bedConstraints, constraintLearningRate, constraintLoss, type Constraint, type ConstraintLossPlugin } from '@mgdl/constraints';
import { cellFingerprint, cellStopSignal } from '@mgdl/experiment';
import { runFiles } from '@mgdl/io';
import type * as tfl from '@tensorflow/tfjs-layers';
import { train, type EpochMetrics, type KernelPlugin, type TrainingData } from '@mgdl/kernel';
import { buildModel } from '@mgdl/models';
import { runWriter, type RunWriter } from '@mgdl/report';
import { evaluationBatches, operatingPoints, sand, scaleRows, shuffled, standardisation, structureOf, trainingBatches, withMeasuredBubbleFraction } from './data.js';
import type { CellConfig } from './config.js';
import type { MgdlMetrics } from './metrics.js';

/** The cell's data, identical for every cell of a config apart from which pool rows it trains on. */
export function cellData(config: CellConfig) {
  // The labelled pool (100%) and the test set are drawn once per dataSeed; the test set always at random.
  const poolX = operatingPoints(config.poolSize, config.ranges, config.sampling, config.dataSeed);
  const testX = operatingPoints(config.testSize, config.ranges, 'random', config.dataSeed + 1);
  const pool = { x: poolX, y: structureOf(poolX) };
  // Fixed scaling from the whole pool, so that test MSEs of all cells are in the same units.
  const inputScaling = standardisation(pool.x);
  const outputScaling = standardisation(pool.y);
  // The cell's training set: a seeded random share of the pool (at least 2 rows).
  const n = Math.max(2, Math.round(config.fraction * config.poolSize));
  const rows = shuffled(config.poolSize, config.seed).slice(0, n);
  let trainSet = { x: rows.map((i) => pool.x[i]!), y: rows.map((i) => pool.y[i]!) };
  if (config.measurementWindow > 0) trainSet = withMeasuredBubbleFraction(trainSet, config.measurementWindow, config.seed);
  // Unlabelled operating points for the loss term (same for every cell).
  const collocation = scaleRows(operatingPoints(config.collocationSize, config.ranges, 'random', config.dataSeed + 2), inputScaling);
  return {
    train: { x: scaleRows(trainSet.x, inputScaling), y: scaleRows(trainSet.y, outputScaling) },
    test: { x: scaleRows(testX, inputScaling), y: scaleRows(structureOf(testX), outputScaling) },
    collocation,
    inputScaling,
    outputScaling,
  };
}

/** A cell ready to train, alone or as an ensemble member: its data, constraints, plugins (run writer last) and batches. */
export interface RegressionCell {
  config: CellConfig;
  data: ReturnType<typeof cellData>;
  constraints: ReturnType<typeof bedConstraints>;
  lossTerm: ConstraintLossPlugin | undefined;
  writer: RunWriter;
  /** The run writer and the arm's plugin. */
  plugins: KernelPlugin[];
  batches: TrainingData;
}

/** The cell's data, the arm's plugin and its run directory's writer (what the cell trains with, alone or in an ensemble). */
export function prepareRegressionCell(config: CellConfig, cellDir: string, backend: { name: string; threads: number }): RegressionCell {
  const data = cellData(config);
  const constraints = bedConstraints({ system: sand, inputScaling: data.inputScaling, outputScaling: data.outputScaling });
  const lossTerm = lossTermOf(config, constraints.all, data.collocation);
  const plugins: KernelPlugin[] = lossTerm ? [lossTerm] : [];
  if (config.arm === 'lr') plugins.push(constraintLearningRate(constraints.all, { form: 'inverse', beta: config.lrBeta }));
  const writer = runWriter({
    dir: cellDir,
    config,
    environment: { grid: config.grid, backend: backend.name, threads: backend.threads, trainSamples: data.train.x.length, testSamples: data.test.x.length },
  });
  const batches = trainingBatches(data.train, { batchSize: config.batchSize, batchesPerEpoch: config.batchesPerEpoch, seed: config.seed });
  return { config, data, constraints, lossTerm, writer, plugins: [writer, ...plugins], batches };
}

/** The cell's net, regression-mlp of its width and depth. */
export const regressionModel = (config: CellConfig) => () => buildModel('regression-mlp', { inputSize: 3, outputs: 4, width: config.width, depth: config.depth });

/** One run: data, regression-mlp, kernel with the arm's plugin, run directory and the MGDL summary in metrics.json. */
export async function regressionCell(config: CellConfig, cellDir: string): Promise<void> {
  const cell = prepareRegressionCell(config, cellDir, await initBackend());
  const result = await train({
    model: regressionModel(config),
    data: cell.batches,
    epochs: config.epochs,
    learningRate: config.learningRate,
    loss: 'mse',
    seed: config.seed,
    evaluation: { test: evaluationBatches(cell.data.test) },
    checkpoint: { dir: runFiles(cellDir).checkpoints, fingerprint: cellFingerprint(config) },
    resume: true,
    signal: cellStopSignal,
    plugins: cell.plugins,
    progress: { stream: process.stdout, intervalSeconds: 30 },
  });
  summarizeRegressionCell(cell, result);
}

/** Writes the MGDL summary into the cell's metrics.json from its trained model and epoch metrics (restored on resume), then frees the model. */
export function summarizeRegressionCell({ config, data, constraints, lossTerm, writer }: RegressionCell, result: { epochMetrics: readonly EpochMetrics[]; model: tfl.LayersModel }): void {
  // Test MSE per epoch (standardised outputs, mean over the 4 outputs).
  const curve = result.epochMetrics.map((epoch) => epoch.test?.loss ?? Number.NaN);
  const reached = curve.findIndex((mse) => mse <= config.target);
  const tail = curve.slice(-Math.max(2, Math.ceil(0.2 * curve.length))).map(Math.log10);
  const tailMean = tail.reduce((a, b) => a + b, 0) / tail.length;
  writer.summarize('mgdl', {
    arm: config.arm,
    fraction: config.fraction,
    trainSamples: data.train.x.length,
    testMse: curve.at(-1) ?? null,
    testMsePerOutput: perOutputMse(result.model, data.test.x, data.test.y),
    violation: testViolations(result.model, data.test.x, constraints),
    trainViolation: testViolations(result.model, data.train.x, { all: constraints.all }).all ?? null,
    target: config.target,
    epochsToTarget: reached < 0 ? null : reached + 1,
    finalWeight: lossTerm?.weight ?? null,
    bestTestMse: Math.min(...curve),
    // Oscillation at the end of training: std of log10(test MSE) over the last 20% of epochs.
    tailFluctuation: Math.sqrt(tail.reduce((a, b) => a + (b - tailMean) ** 2, 0) / tail.length),
    curve,
  } satisfies MgdlMetrics);
  result.model.dispose();
}

/** The loss-regularisation arms differ only in how λ is set. */
function lossTermOf(config: CellConfig, constraint: Constraint, collocation: number[][]): ConstraintLossPlugin | undefined {
  switch (config.arm) {
    case 'loss':
      return constraintLoss(constraint, { weight: { warmupEpochs: config.warmupEpochs, weight: config.lossWeight }, collocation });
    case 'annealed':
      return constraintLoss(constraint, { weight: 'adaptive', adaptive: { max: config.adaptiveMax }, collocation });
    case 'gradnorm':
      return constraintLoss(constraint, { weight: 'gradnorm', gradnorm: { max: config.adaptiveMax }, collocation });
    default:
      return undefined;
  }
}

const outputs = ['emulsionVoidage', 'emulsionVelocity', 'bubbleFraction', 'bubbleRiseVelocity'] as const;

function perOutputMse(model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] }, x: number[][], y: number[][]): Record<string, number> {
  const values = tf.tidy(() => tf.mean(tf.square(tf.sub(model.predict(tf.tensor2d(x)) as tf.Tensor, tf.tensor2d(y))), 0).dataSync());
  return Object.fromEntries(outputs.map((name, j) => [name, values[j]!]));
}

/** Mean violation of each constraint over the rows (dimensionless; 0 = physically consistent). */
function testViolations(model: { predict(x: tf.Tensor): tf.Tensor | tf.Tensor[] }, x: number[][], constraints: Record<string, Constraint>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(constraints).map(([name, constraint]) => [name, tf.tidy(() => {
      const inputs = tf.tensor2d(x);
      return tf.mean(constraint.violation(inputs, model.predict(inputs) as tf.Tensor)).dataSync()[0]!;
    })]),
  );
}
