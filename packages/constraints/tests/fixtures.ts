import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { solveStructure, type FluidizedBed, type StructureState } from '@mgdl/fluidization';
import type { KernelBatch, TrainingData } from '@mgdl/kernel';

/** 500 µm round sand in air, 1 m in a 0.5 m column: the reference bed of @mgdl/fluidization's tests. */
export const sand: FluidizedBed = {
  gas: { density: 1.204, viscosity: 1.81e-5 },
  particles: { diameter: 500e-6, density: 2600, sphericity: 0.86 },
  bed: { columnDiameter: 0.5, staticHeight: 1, minFluidizationVoidage: 0.42, distributorAreaPerOrifice: 1e-3 },
};

/** Model outputs in the default layout [ε_e, U_e, δ, u_b] of a structure state. */
export const outputsOf = (s: StructureState): number[] => [s.emulsionVoidage, s.emulsionVelocity, s.bubbleFraction, s.bubbleRiseVelocity];

/** Inputs in the default layout [U, dp, ρp]. */
export const inputsOf = (system: FluidizedBed, U: number): number[] => [U, system.particles.diameter, system.particles.density];

/** A small regression set over U ∈ [0.3, 1.1] m/s for the sand: inputs [U], targets [ε_e, U_e, δ, u_b] of the stability-condition solution. */
export function bedSamples(n: number): { x: number[][]; y: number[][] } {
  const x = Array.from({ length: n }, (_, i) => [0.3 + (0.8 * i) / Math.max(1, n - 1)]);
  return { x, y: x.map(([U]) => outputsOf(solveStructure(sand, U!))) };
}

/** Fixed batches in order; each batch's tensors live only while the kernel consumes it. */
export function arrayData(x: number[][], y: number[][], batchSize: number): TrainingData {
  const batches = Math.ceil(x.length / batchSize);
  return {
    batchesPerEpoch: batches,
    *epoch(_epoch, fromBatch = 0) {
      for (let index = fromBatch; index < batches; index++) {
        const rows = { from: index * batchSize, to: Math.min(x.length, (index + 1) * batchSize) };
        const batch: KernelBatch = {
          x: tf.tensor2d(x.slice(rows.from, rows.to)),
          y: tf.tensor2d(y.slice(rows.from, rows.to)),
          ids: Int32Array.from({ length: rows.to - rows.from }, (_, i) => rows.from + i),
          index,
        };
        try {
          yield batch;
        } finally {
          tf.dispose([batch.x, batch.y]);
        }
      }
    },
  };
}

/** inputs → 8 tanh → 4 outputs, small enough for many short runs. */
export function tinyModel(inputs = 1, outputs = 4): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.dense({ inputShape: [inputs], units: 8, activation: 'tanh' }));
  model.add(tfl.layers.dense({ units: outputs }));
  return model;
}

export const weightsOf = (model: tfl.LayersModel): Float32Array[] => model.getWeights().map((w) => w.dataSync() as Float32Array);

/**
 * Central differences of Σ violation with respect to each prediction entry, against tf.grad; returns
 * the largest error relative to the largest gradient entry (float32: h relative 1e-3).
 */
export function gradientError(violation: (y: tf.Tensor) => tf.Tensor, x: number[][]): number {
  const y0 = tf.tensor2d(x);
  const analytic = tf.tidy(() => tf.grad((y: tf.Tensor) => tf.sum(violation(y)))(y0).dataSync());
  const values = y0.dataSync();
  const f = (v: Float32Array) => tf.tidy(() => tf.sum(violation(tf.tensor2d(v, y0.shape as [number, number]))).dataSync()[0]!);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < values.length; i++) {
    const h = 1e-3 * Math.max(Math.abs(values[i]!), 1e-2);
    const plus = Float32Array.from(values);
    const minus = Float32Array.from(values);
    plus[i] = values[i]! + h;
    minus[i] = values[i]! - h;
    const numeric = (f(plus) - f(minus)) / (Math.fround(values[i]! + h) - Math.fround(values[i]! - h));
    worst = Math.max(worst, Math.abs(numeric - analytic[i]!));
    scale = Math.max(scale, Math.abs(analytic[i]!));
  }
  y0.dispose();
  return worst / scale;
}
