import { z } from 'zod';
import { capacityVerdict, classificationCell, classificationEnsemble, defineExperiment, MAX_WIDTH, trainingFields } from '@mgdl/experiment';

const schema = z.object({
  ...trainingFields,
  widths: z.array(z.number().int().min(1).max(MAX_WIDTH, `at most ${MAX_WIDTH} (larger nets do not fit in memory)`)).min(1).describe('FCNN widths w: first hidden layer 16·w units'),
  seeds: z.array(z.number().int()).min(1).describe('one run per seed and width; trends are judged over seeds (Page and t on per-seed Spearman)'),
  width: z.number().int().min(1).max(MAX_WIDTH, `at most ${MAX_WIDTH} (larger nets do not fit in memory)`).optional().describe('set per cell by the sweep'),
});

const common = { dataset: 'mnist', noise: 0.4, noiseKind: 'symmetric', batchSize: 128, learningRate: 1e-3, optimizer: 'adam', momentum: 0.9, seed: 0, series: 'presentation' } as const;

export const cicWidth = defineExperiment({
  name: 'cic-width',
  title: 'FCNN width vs memorising and forgetting (seed 2, Figs 6–7)',
  claim:
    'Training FCNNs of width w = 1…10 on MNIST with 40% label noise, training loss falls with width while test loss falls then rises (overfitting); forgetting dominates at low width and memorising at high width, so M/F rises with width, and the best generalisation sits where the two compromise.',
  schema,
  presets: {
    smoke: { ...common, trainSize: 600, testSize: 300, epochs: 4, widths: [1, 4], seeds: [0] },
    // default: 10 seeds (the primary claims' trends), each width's seeds one ensemble; trimmed from 20,000 training and
    // 10,000 test samples at 3 seeds to keep the run near half an hour on 2 cores.
    default: { ...common, trainSize: 10000, testSize: 5000, epochs: 40, widths: [1, 2, 3, 4, 6, 8, 10], seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
    paper: { ...common, trainSize: 60000, testSize: 10000, epochs: 100, widths: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], seeds: [0, 1, 2] },
  },
  grid: (config) => ({ width: config.widths, seed: config.seeds }),
  cell: async (config, cellDir) => {
    await classificationCell(config, cellDir, { model: 'fcnn', modelOptions: { width: config.width ?? 1 } });
  },
  // A width's seeds as one ensemble: the same numbers as the cells alone.
  ensembleCell: async (cells) => {
    await classificationEnsemble(cells, { model: 'fcnn', modelOptions: { width: cells[0]!.config.width ?? 1 } });
  },
  conclude: (results) => capacityVerdict(results, { parameter: 'width', label: 'width', capacity: 'grows' }),
});
