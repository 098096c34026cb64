import { z } from 'zod';
import { classificationCell, classificationEnsemble, combine, defineExperiment, describeJudgement, holmAdjust, judgePairedDifference, MAX_WIDTH, metric, trainingFields } from '@mgdl/experiment';

const schema = z.object({
  ...trainingFields,
  width: z.number().int().min(1).max(MAX_WIDTH, `at most ${MAX_WIDTH} (larger nets do not fit in memory)`).describe('Five-layer CNN width k'),
  seeds: z.array(z.number().int()).min(1).describe('one run per seed'),
});

const common = { dataset: 'cifar-10-or-fashion-mnist', noise: 0.2, noiseKind: 'symmetric', batchSize: 128, learningRate: 1e-3, optimizer: 'adam', momentum: 0.9, seed: 0, series: 'presentation', width: 3 } as const;

const specOf = (config: { width: number }) => ({ model: 'mcnn', modelOptions: { width: config.width }, needs32: true });

export const cicScales = defineExperiment({
  name: 'cic-scales',
  title: 'Memorising vs forgetting at element, meso and system scale (seed 2, Fig 5)',
  claim:
    'For a Five-layer CNN (w = 3) with 20% label noise, a single sample (element scale) never settles: it is memorised and forgotten in turn; a batch (meso scale) settles to a constant with a fluctuation; the whole training set (system scale) settles to another constant with smaller fluctuations.',
  schema,
  presets: {
    smoke: { ...common, trainSize: 512, testSize: 256, epochs: 3, seeds: [0] },
    // Six seeds: Holm over its two paired claims needs six for a sign-flip p to pass (docs/EXPERIMENTS.md).
    default: { ...common, trainSize: 10000, testSize: 5000, epochs: 30, seeds: [0, 1, 2, 3, 4, 5] },
    paper: { ...common, trainSize: 50000, testSize: 10000, epochs: 200, seeds: [0, 1, 2] },
  },
  grid: (config) => ({ seed: config.seeds }),
  cell: async (config, cellDir) => {
    await classificationCell(config, cellDir, specOf(config));
  },
  // All seeds as one ensemble: the same numbers as the cells alone.
  ensembleCell: async (cells) => {
    await classificationEnsemble(cells, specOf(cells[0]!.config));
  },
  conclude: (results) => {
    const rows = results.map((r) => ({
      seed: Number(r.values['seed']),
      element: metric(r, (m) => m.forgetting?.scales?.element?.amplitude),
      meso: metric(r, (m) => m.forgetting?.scales?.meso?.amplitude),
      system: metric(r, (m) => m.forgetting?.scales?.system?.amplitude),
      mesoValue: metric(r, (m) => m.forgetting?.scales?.meso?.value),
      systemValue: metric(r, (m) => m.forgetting?.scales?.system?.value),
    }));
    const complete = rows.filter((r) => [r.element, r.meso, r.system].every((v) => Number.isFinite(v) && v > 0));
    if (complete.length === 0) return { held: null, text: 'no run produced traces at all three scales (too few epochs or no sample was forgotten).' };
    // Each seed's three scales come from one run, so the comparison is paired by seed, on a log scale (amplitudes are ratios); Holm over the two.
    const judgements = holmAdjust([
      judgePairedDifference('element amplitude above meso (log10 ratio)', complete.map((r) => ({ seed: r.seed, y: Math.log10(r.element / r.meso) })), 'positive'),
      judgePairedDifference('meso amplitude above system (log10 ratio)', complete.map((r) => ({ seed: r.seed, y: Math.log10(r.meso / r.system) })), 'positive'),
    ]);
    const ordered = complete.filter((r) => r.element > r.meso && r.meso > r.system).length;
    return {
      held: combine(judgements),
      judgements,
      text: `fluctuation amplitude of M over the last 20% of epochs: ${judgements.map(describeJudgement).join('; ')}; the order element > meso > system holds in ${ordered} of ${complete.length} run(s).`,
      table: {
        header: ['seed', 'element amplitude', 'meso M settled', 'meso amplitude', 'system M settled', 'system amplitude'],
        rows: rows.map((r) => [r.seed, r.element, r.mesoValue, r.meso, r.systemValue, r.system]),
      },
    };
  },
});
