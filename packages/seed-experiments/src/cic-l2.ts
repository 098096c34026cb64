import { z } from 'zod';
import { capacityVerdict, classificationCell, classificationEnsemble, defineExperiment, trainingFields } from '@mgdl/experiment';

const schema = z.object({
  ...trainingFields,
  l2s: z.array(z.number().min(0)).min(1).describe('L2 strengths λ: the penalty λ·Σw² on every conv and dense kernel is added to the mean loss (PyTorch weight_decay = 2λ for SGD)'),
  seeds: z.array(z.number().int()).min(1).describe('one run per seed and λ; trends are judged over seeds (Page and t on per-seed Spearman)'),
  dropout: z.number().min(0).lt(1).describe('dropout rate of the Four-layer CNN, the same in every cell (0 leaves the layers out, so λ is the only regulariser)'),
  l2: z.number().min(0).optional().describe('set per cell by the sweep'),
});

const common = { dataset: 'mnist', noise: 0.2, noiseKind: 'symmetric', batchSize: 128, learningRate: 1e-3, optimizer: 'adam', momentum: 0.9, seed: 0, series: 'presentation', dropout: 0 } as const;

const specOf = (config: { l2?: number | undefined; dropout: number }) => ({ model: 'cnn4', modelOptions: { l2: config.l2 ?? 0, dropout: config.dropout } });

export const cicL2 = defineExperiment({
  name: 'cic-l2',
  title: 'L2 regularisation vs memorising and forgetting (seed 2, Fig 11)',
  claim:
    'Training a Four-layer CNN on MNIST with 20% label noise, L2 regularisation (λ from 0 to 0.5) controls the dominance of memorising over forgetting as dropout does: a larger λ forces a simpler model and lowers M/F, from memorising-dominated overfitting without L2, through the best generalisation at a moderate λ, toward forgetting-dominated underfitting at a large λ. (The caption of Fig 11 says the opposite — from underfitting to overfitting, memorising gaining as λ rises — which contradicts the text; this app tests the text, read with the dropout section it refers to.)',
  schema,
  presets: {
    smoke: { ...common, trainSize: 500, testSize: 250, epochs: 3, l2s: [0, 0.01], seeds: [0] },
    // The same 15 cells of the Four-layer CNN as cic-dropout's default, trimmed alike to 2,000 samples (its comment
    // gives the measured times); with 4,000 samples this preset took 64 min on a shared machine.
    // λ spaced by decades: the penalty sums over 1.2 M weights.
    // default: 5 seeds on 1,200 samples (2,000 at 3 seeds before), about as long as before
    default: { ...common, trainSize: 1200, testSize: 1000, epochs: 20, l2s: [0, 1e-3, 0.01, 0.1, 0.5], seeds: [0, 1, 2, 3, 4] },
    // The seed gives the model, MNIST, p = 0.2 and λ from 0 to 0.5, not the other values, the epochs, or whether
    // λ multiplies Σw² or is an optimizer's weight decay (then mgdl's λ is half of it): all of MNIST, 100 epochs.
    paper: { ...common, trainSize: 60000, testSize: 10000, epochs: 100, l2s: [0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 0.5], seeds: [0, 1, 2] },
  },
  grid: (config) => ({ l2: config.l2s, seed: config.seeds }),
  cell: async (config, cellDir) => {
    await classificationCell(config, cellDir, specOf(config));
  },
  // An L2 strength's seeds as one ensemble: the same numbers as the cells alone.
  ensembleCell: async (cells) => {
    await classificationEnsemble(cells, specOf(cells[0]!.config));
  },
  conclude: (results) => capacityVerdict(results, { parameter: 'l2', label: 'λ', capacity: 'shrinks' }),
});
