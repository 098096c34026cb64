/**
 * MGDL on the bubbling bed: a regression net learns the bed structure [ε_e, U_e, δ, u_b] from the
 * operating conditions [U, dp, ρp] with few samples, plain and with each plugin family.
 *   node --conditions=source --import tsx examples/bubbling-bed.ts   (from packages/constraints)
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@mgdl/backend';
import { solveStructure, type FluidizedBed } from '@mgdl/fluidization';
import { train, type KernelBatch, type KernelPlugin, type TrainingData } from '@mgdl/kernel';
import { regressionMlp } from '@mgdl/models';
import { bedConstraints, constraintLearningRate, constraintLoss, type Affine } from '@mgdl/constraints';

const sand: FluidizedBed = {
  gas: { density: 1.204, viscosity: 1.81e-5 },
  particles: { diameter: 500e-6, density: 2600, sphericity: 0.86 },
  bed: { columnDiameter: 0.5, staticHeight: 1, minFluidizationVoidage: 0.42, distributorAreaPerOrifice: 1e-3 },
};

/** n operating points [U, dp, ρp] from a seeded LCG, with their stability-condition structure. */
function conditions(n: number, seed: number): { x: number[][]; y: number[][] } {
  let state = seed;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const x = Array.from({ length: n }, () => [0.3 + 0.8 * random(), (400 + 200 * random()) * 1e-6, 2400 + 400 * random()]);
  const y = x.map(([U, dp, rho]) => {
    const s = solveStructure({ ...sand, particles: { ...sand.particles, diameter: dp!, density: rho! } }, U!);
    return [s.emulsionVoidage, s.emulsionVelocity, s.bubbleFraction, s.bubbleRiseVelocity];
  });
  return { x, y };
}

const standardise = (rows: number[][]): Affine => {
  const mean = rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
  const std = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j]! - m) ** 2, 0) / rows.length) || 1);
  return { mean, std };
};
const scale = (rows: number[][], { mean, std }: Affine) => rows.map((r) => r.map((v, j) => (v - mean[j]!) / std[j]!));

function batches(x: number[][], y: number[][]): TrainingData {
  return {
    batchesPerEpoch: 1,
    *epoch() {
      const batch: KernelBatch = { x: tf.tensor2d(x), y: tf.tensor2d(y), ids: Int32Array.from(x.keys()), index: 0 };
      try {
        yield batch;
      } finally {
        tf.dispose([batch.x, batch.y]);
      }
    },
  };
}

await initBackend({ threads: 1 });
const trainSet = conditions(12, 1);
const testSet = conditions(200, 2);
const inputScaling = standardise(trainSet.x);
const outputScaling = standardise(trainSet.y);
const { all } = bedConstraints({ system: sand, inputScaling, outputScaling });
// Unlabelled operating points: the constraint needs no targets, so it can act between the 12 labels.
const collocation = scale(conditions(100, 3).x, inputScaling);

async function fit(label: string, plugins: KernelPlugin[]): Promise<void> {
  const { model } = await train({
    model: () => regressionMlp({ inputSize: 3, outputs: 4, width: 1 }),
    data: batches(scale(trainSet.x, inputScaling), scale(trainSet.y, outputScaling)),
    epochs: 400,
    learningRate: 3e-3,
    loss: 'mse',
    plugins,
    progress: false,
    seed: 0,
  });
  const [mse, violation] = tf.tidy(() => {
    const x = tf.tensor2d(scale(testSet.x, inputScaling));
    const prediction = model.predict(x) as tf.Tensor;
    return [tf.mean(tf.square(tf.sub(prediction, tf.tensor2d(scale(testSet.y, outputScaling))))), tf.mean(all.violation(x, prediction))].map((t) => t.dataSync()[0]!);
  });
  console.log(`${label.padEnd(28)} test MSE (standardised) ${mse!.toExponential(2)}, mean violation ${violation!.toExponential(2)}`);
}

await fit('plain', []);
await fit('loss term, λ = 10', [constraintLoss(all, { weight: 10, collocation })]);
await fit('loss term, warm-up to 10', [constraintLoss(all, { weight: { warmupEpochs: 100, weight: 10 }, collocation })]);
const adaptive = constraintLoss(all, { weight: 'adaptive', adaptive: { every: 20, max: 100 }, collocation });
await fit('loss term, adaptive λ', [adaptive]);
console.log(`  adaptive λ ended at ${adaptive.weight.toFixed(1)}`);
await fit('lr correction, 1/(1 + 10 v)', [constraintLearningRate(all, { form: 'inverse', beta: 10 })]);
