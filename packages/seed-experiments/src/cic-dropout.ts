import { z } from 'zod';
import { capacityVerdict, classificationCell, classificationEnsemble, defineExperiment, trainingFields } from '@mgdl/experiment';

const schema = z.object({
  ...trainingFields,
  dropouts: z.array(z.number().min(0).lt(1)).min(1).describe('dropout rates of the Four-layer CNN (both dropout layers; 0 leaves them out)'),
  seeds: z.array(z.number().int()).min(1).describe('one run per seed and rate; trends are judged over seeds (Page and t on per-seed Spearman)'),
  dropout: z.number().min(0).lt(1).optional().describe('set per cell by the sweep'),
});

const common = { dataset: 'mnist', noise: 0.2, noiseKind: 'symmetric', batchSize: 128, learningRate: 1e-3, optimizer: 'adam', momentum: 0.9, seed: 0, series: 'presentation' } as const;

const specOf = (config: { dropout?: number | undefined }) => ({ model: 'cnn4', modelOptions: { dropout: config.dropout ?? 0 } });

export const cicDropout = defineExperiment({
  name: 'cic-dropout',
  title: 'Dropout vs memorising and forgetting (seed 2, Fig 10)',
  claim:
    'Training a Four-layer CNN on MNIST with 20% label noise, without dropout memorising dominates absolutely and the model overfits; a moderate rate (0.7) gives the best generalisation; an excessive rate (0.95) lets forgetting dominate and the model underfits — dropout lowers the dominance of memorising over forgetting, and test loss is lowest in between. (The caption of Fig 10 says the opposite — from underfitting to overfitting, memorising gaining as the rate rises — which contradicts the text; this app tests the text.)',
  schema,
  presets: {
    smoke: { ...common, trainSize: 500, testSize: 250, epochs: 3, dropouts: [0, 0.7], seeds: [0] },
    // 5 values × 3 seeds (fewer than the 5 the verdict rule needs for held) = 15 cells, 2 at a time. With 4,000 samples × 20 epochs
    // a cell trains at 200–325 samples/s beside another (measured): 10 cells took 20.5 min on a quiet machine, so 15
    // would take ≈ 31 (cic-l2's 15 took 64 min on a shared one). Trimmed to 2,000 samples (the same 20
    // epochs: every sample is still seen 20 times) and 1,000 test samples: half the work. Measured (cic-dropout,
    // 2026-12-02, a slow day: cic-batch took 25 min against 12 in round 1): 290–350 s a cell, ≈ 40 min for the 15.
    // default: 5 seeds on 1,200 samples (2,000 at 3 seeds before), about as long as before
    default: { ...common, trainSize: 1200, testSize: 1000, epochs: 20, dropouts: [0, 0.3, 0.7, 0.9, 0.95], seeds: [0, 1, 2, 3, 4] },
    // The seed gives the model, MNIST, p = 0.2 and rates from 0 to 0.95 (naming 0, 0.7 and 0.95), not the other
    // rates or the epochs: all of MNIST, rates in steps of 0.1, 100 epochs.
    paper: { ...common, trainSize: 60000, testSize: 10000, epochs: 100, dropouts: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95], seeds: [0, 1, 2] },
  },
  grid: (config) => ({ dropout: config.dropouts, seed: config.seeds }),
  cell: async (config, cellDir) => {
    await classificationCell(config, cellDir, specOf(config));
  },
  // A dropout rate's seeds as one ensemble (each member its own masks): the same numbers as the cells alone.
  ensembleCell: async (cells) => {
    await classificationEnsemble(cells, specOf(cells[0]!.config));
  },
  conclude: (results) => capacityVerdict(results, { parameter: 'dropout', label: 'dropout rate', capacity: 'shrinks' }),
});
