import { z } from 'zod';
import { MAX_WIDTH } from '@mgdl/experiment';

export const arms = ['plain', 'loss', 'annealed', 'gradnorm', 'lr'] as const;
export type Arm = (typeof arms)[number];

const range = z.tuple([z.number().positive(), z.number().positive()]).refine(([a, b]) => a < b, 'a range is [low, high] with low < high');

export const schema = z.object({
  arms: z
    .array(z.enum(arms))
    .min(1)
    .describe('plain: MSE only; loss: + λ·violation (warm-up, collocation rows); annealed / gradnorm: the same term with λ adapted by learning-rate annealing / GradNorm-style balancing; lr: lr × 1/(1 + β·v̄)'),
  fractions: z.array(z.number().gt(0).max(1)).min(1).describe('share of the labelled pool the cell trains on'),
  seeds: z.array(z.number().int().min(0)).min(1).describe('per seed: which pool rows, initial weights, batch order'),
  smallFraction: z.number().gt(0).max(1).describe('fractions at or below this are the "small data" the verdict judges'),
  ranges: z.object({ velocity: range, diameter: range, density: range }).describe('operating conditions U (m/s), dp (m), ρp (kg/m³) of the Geldart B sand bed'),
  sampling: z.enum(['random', 'grid']).describe('how the labelled pool is drawn from the ranges (the test set is always random)'),
  dataSeed: z.number().int().min(0).describe('seeds the pool, the test set and the collocation rows (the same for every cell)'),
  poolSize: z.number().int().min(10).describe('labelled pool = the 100% training set'),
  testSize: z.number().int().positive(),
  collocationSize: z.number().int().positive().describe('unlabelled operating points where the loss arm enforces the constraint'),
  measurementWindow: z.number().min(0).describe('> 0: the training δ labels carry the bubble simulator’s sampling fluctuation over this many seconds; 0: exact labels'),
  width: z.number().int().min(1).max(MAX_WIDTH, `at most ${MAX_WIDTH} (larger nets do not fit in memory)`).describe('regression-mlp width w (32·w tanh units per layer)'),
  depth: z.number().int().min(1),
  epochs: z.number().int().positive(),
  batchesPerEpoch: z.number().int().positive().describe('optimizer steps per epoch, the same for every fraction'),
  batchSize: z.number().int().positive().describe('rows per batch (all rows when the training set is smaller)'),
  learningRate: z.number().positive().describe('Adam'),
  lossWeight: z.number().min(0).describe('λ of the loss arm after its warm-up'),
  warmupEpochs: z.number().positive().describe('λ rises linearly from 0 over these epochs'),
  adaptiveMax: z.number().positive().describe('cap on λ of the annealed and gradnorm arms'),
  lrBeta: z.number().min(0).describe('β of the lr arm: f = clip(1/(1 + β·v̄), 0.1, 1)'),
  target: z.number().positive().describe('test MSE (standardised) for epochs-to-target'),
  arm: z.enum(arms).optional().describe('set per cell by the sweep'),
  fraction: z.number().optional().describe('set per cell by the sweep'),
  seed: z.number().int().optional().describe('set per cell by the sweep'),
});

/** What one cell runs: the experiment's config with the cell's grid values set (arm, fraction, seed). */
export type CellConfig = Omit<z.output<typeof schema>, 'arm' | 'fraction' | 'seed'> & {
  arm: Arm;
  fraction: number;
  seed: number;
  grid?: Record<string, unknown>;
};
