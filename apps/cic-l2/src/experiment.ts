import { z } from 'zod';
import { aggregateBy, classificationCell, defineExperiment, formatSpread, spearman, trainingFields, type Aggregate } from '@mgdl/experiment';

const schema = z.object({
  ...trainingFields,
  l2s: z.array(z.number().min(0)).min(1).describe('L2 strengths λ: the penalty λ·Σw² on every conv and dense kernel is added to the mean loss (PyTorch weight_decay = 2λ for SGD)'),
  seeds: z.array(z.number().int()).min(1).describe('one run per seed and λ; trends are judged on the seed means'),
  dropout: z.number().min(0).lt(1).describe('dropout rate of the Four-layer CNN, the same in every cell (0 leaves the layers out, so λ is the only regulariser)'),
  l2: z.number().min(0).optional().describe('set per cell by the sweep'),
});

const common = { dataset: 'mnist', noise: 0.2, noiseKind: 'symmetric', batchSize: 128, learningRate: 1e-3, optimizer: 'adam', momentum: 0.9, seed: 0, series: 'presentation', dropout: 0 } as const;

export const cicL2 = defineExperiment({
  name: 'cic-l2',
  title: 'L2 regularisation vs memorising and forgetting (seed 2, Fig 11)',
  claim:
    'Training a Four-layer CNN on MNIST with 20% label noise, L2 regularisation (λ from 0 to 0.5) controls the dominance of memorising over forgetting as dropout does: a larger λ forces a simpler model and lowers M/F, from memorising-dominated overfitting without L2, through the best generalisation at a moderate λ, toward forgetting-dominated underfitting at a large λ. (The caption of Fig 11 says the opposite — from underfitting to overfitting, memorising gaining as λ rises — which contradicts the text; this app tests the text, read with the dropout section it refers to.)',
  schema,
  presets: {
    smoke: { ...common, trainSize: 500, testSize: 250, epochs: 3, l2s: [0, 0.01], seeds: [0] },
    // 6 cells of 6,000 samples × 25 epochs at ≈ 460 samples/s (one thread) ≈ 330 s, +10% evaluation ≈ 6 min each,
    // 2 at a time: ≈ 18–20 min on 2 cores. λ spaced by decades: the penalty sums over 1.2 M weights.
    default: { ...common, trainSize: 6000, testSize: 2000, epochs: 25, l2s: [0, 1e-4, 1e-3, 0.01, 0.1, 0.5], seeds: [0] },
    // The seed gives the model, MNIST, p = 0.2 and λ from 0 to 0.5, not the other values, the epochs, or whether
    // λ multiplies Σw² or is an optimizer's weight decay (then mgdl's λ is half of it): all of MNIST, 100 epochs.
    paper: { ...common, trainSize: 60000, testSize: 10000, epochs: 100, l2s: [0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 0.5], seeds: [0, 1, 2] },
  },
  grid: (config) => ({ l2: config.l2s, seed: config.seeds }),
  cell: async (config, cellDir) => {
    await classificationCell(config, cellDir, { model: 'cnn4', modelOptions: { l2: config.l2 ?? 0, dropout: config.dropout } });
  },
  conclude: (all) => {
    const results = all.filter((r) => r.status === 'done');
    const train = aggregateBy(results, 'l2', 'train.loss');
    const test = aggregateBy(results, 'l2', 'test.loss');
    const accuracy = aggregateBy(results, 'l2', 'test.accuracy');
    const M = aggregateBy(results, 'l2', 'forgetting.M');
    const ratio = aggregateBy(results, 'l2', 'forgetting.settledRatio');
    if (test.length === 0) return { held: null, text: 'no cell finished, so there is nothing to judge; see the failed cells above.' };
    const at = (aggregates: Aggregate[], x: number) => aggregates.find((a) => a.x === x);
    const regimes = (x: number) => [...new Set(results.filter((r) => Number(r.values['l2']) === x).map((r) => (r.metrics?.['forgetting'] as { regime?: string } | undefined)?.regime ?? '—'))].join(' / ');
    // Train loss is the mean cross-entropy of the presentations, without the penalty term.
    const trainTrend = spearman(train.map((a) => a.x), train.map((a) => a.mean));
    const ratioTrend = spearman(ratio.map((a) => a.x), ratio.map((a) => a.mean));
    const best = test.reduce((a, b) => (b.mean < a.mean ? b : a), test[0]!);
    const interiorMinimum = test.length > 2 && best.x !== test[0]!.x && best.x !== test.at(-1)!.x;
    const [first, last] = [test[0]!.x, test.at(-1)!.x];
    // Two values always give a rank correlation of ±1: a trend needs at least three.
    const held = Math.min(train.length, ratio.length, test.length) < 3 ? null : trainTrend > 0.5 && ratioTrend < -0.5 && interiorMinimum;
    return {
      held,
      text:
        `train loss vs λ: Spearman ${trainTrend.toFixed(2)}; settled M/F vs λ: Spearman ${ratioTrend.toFixed(2)}; ` +
        `regime ${regimes(first)} at λ = ${first} and ${regimes(last)} at λ = ${last}; ` +
        `lowest test loss at λ = ${best.x} (${interiorMinimum ? 'an interior λ: generalisation is best in between' : 'an end of the range: no optimum in between at this scale'}).`,
      table: {
        header: ['λ', 'train loss', 'test loss', 'test acc', 'M (last epoch)', 'M/F settled', 'regime', 'runs'],
        rows: train.map((a) => [a.x, formatSpread(a), formatSpread(at(test, a.x)), formatSpread(at(accuracy, a.x)), formatSpread(at(M, a.x)), formatSpread(at(ratio, a.x)), regimes(a.x), a.n]),
      },
    };
  },
});
