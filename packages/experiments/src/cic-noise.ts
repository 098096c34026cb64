import { z } from 'zod';
import { lineChart } from '@mgdl/report';
import { aggregateBy, classificationCell, defineExperiment, formatSpread, MAX_WIDTH, spearman, trainingFields, type Aggregate } from '@mgdl/experiment';

const schema = z.object({
  ...trainingFields,
  widths: z.array(z.number().int().min(1).max(MAX_WIDTH, `at most ${MAX_WIDTH} (larger nets do not fit in memory)`)).min(1).describe('Five-layer CNN widths k (conv stages k, 2k, 4k, 8k)'),
  noises: z.array(z.number().min(0).lt(1)).min(1).describe('label-noise rates p; each cell sets `noise` from this list (the noisy set at a smaller p is inside the one at a larger p)'),
  seeds: z.array(z.number().int()).min(1).describe('one run per seed, width and noise rate; trends are judged on the seed means'),
  width: z.number().int().min(1).max(MAX_WIDTH, `at most ${MAX_WIDTH} (larger nets do not fit in memory)`).optional().describe('set per cell by the sweep'),
});

// `noise` is the training field the sweep overwrites per cell from `noises`; the 0 here is only its base value.
const common = { dataset: 'cifar-10-or-fashion-mnist', noise: 0, noiseKind: 'symmetric', batchSize: 128, learningRate: 1e-3, optimizer: 'adam', momentum: 0.9, seed: 0, series: 'presentation' } as const;

export const cicNoise = defineExperiment({
  name: 'cic-noise',
  title: 'Label noise vs memorising and forgetting at several widths (seed 2, Fig 8)',
  claim:
    'For Five-layer CNNs of different widths trained on CIFAR-10, increasing the level of label noise consistently decreases M and increases F at every width: label noise hinders the memorising of training data and enhances the forgetting of memorised data, lowering the dominance of memorising over forgetting.',
  schema,
  presets: {
    smoke: { ...common, trainSize: 500, testSize: 250, epochs: 3, widths: [3], noises: [0, 0.4], seeds: [0] },
    // 12 cells of 10,000 samples × 30 epochs, 2 at a time. Single-thread speed ≈ 8,000 (k = 1, estimated),
    // 3,400 (k = 3) and 1,500 (k = 6, estimated) samples/s, +10% evaluation: ≈ 1,450 core-s ≈ 12–15 min on 2 cores.
    default: { ...common, trainSize: 10000, testSize: 2000, epochs: 30, widths: [1, 3, 6], noises: [0, 0.2, 0.4, 0.6], seeds: [0] },
    // The seed gives neither the widths, the noise rates nor the epochs of Fig 8. CIFAR-10 in full, widths
    // inside its w ∈ [1, 10], 200 epochs (Fig 5 of the same CNN shows epoch 106 of a longer run); hours per cell.
    paper: { ...common, trainSize: 50000, testSize: 10000, epochs: 200, widths: [1, 3, 5, 10], noises: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6], seeds: [0, 1, 2] },
  },
  // Noise first: the report's across-the-grid figures use the first numeric key (averaging over the others).
  grid: (config) => ({ noise: config.noises, width: config.widths, seed: config.seeds }),
  cell: async (config, cellDir) => {
    await classificationCell(config, cellDir, { model: 'mcnn', modelOptions: { width: config.width ?? 3 }, needs32: true });
  },
  conclude: (all) => {
    const results = all.filter((r) => r.status === 'done');
    const widths = [...new Set(results.map((r) => Number(r.values['width'])))].sort((a, b) => a - b);
    if (widths.length === 0) return { held: null, text: 'no cell finished, so there is nothing to judge; see the failed cells above.' };
    const at = (aggregates: Aggregate[], x: number) => aggregates.find((a) => a.x === x);
    const rows: unknown[][] = [];
    const perWidth = widths.map((width) => {
      const cells = results.filter((r) => Number(r.values['width']) === width);
      const M = aggregateBy(cells, 'noise', (m) => m.forgetting?.M);
      const F = aggregateBy(cells, 'noise', (m) => m.forgetting?.F);
      const ratio = aggregateBy(cells, 'noise', (m) => m.forgetting?.settledRatio);
      const S3 = aggregateBy(cells, 'noise', (m) => m.forgetting?.S3);
      const accuracy = aggregateBy(cells, 'noise', (m) => m.test?.accuracy);
      for (const noise of [...new Set(cells.map((r) => Number(r.values['noise'])))].sort((a, b) => a - b)) {
        rows.push([width, noise, formatSpread(at(accuracy, noise)), formatSpread(at(S3, noise), 0), formatSpread(at(M, noise)), formatSpread(at(F, noise)), formatSpread(at(ratio, noise)), cells.filter((r) => Number(r.values['noise']) === noise).length]);
      }
      return {
        width,
        points: M.map((m) => ({ width: `w = ${width}`, noise: m.x, M: m.mean, F: at(F, m.x)?.mean ?? null })),
        levels: Math.min(M.length, ratio.length),
        mTrend: spearman(M.map((a) => a.x), M.map((a) => a.mean)),
        fTrend: spearman(F.map((a) => a.x), F.map((a) => a.mean)),
        ratioTrend: spearman(ratio.map((a) => a.x), ratio.map((a) => a.mean)),
      };
    });
    // Two noise rates always give a rank correlation of ±1: a trend needs at least three at every width.
    const judged = perWidth.every((w) => w.levels >= 3);
    const holds = (w: (typeof perWidth)[number]) => w.mTrend < -0.5 && w.fTrend > 0.5 && w.ratioTrend < -0.5;
    const heldAt = perWidth.filter(holds).map((w) => w.width);
    return {
      held: judged ? heldAt.length === perWidth.length : null,
      text:
        perWidth.map((w) => `w = ${w.width}: Spearman over noise of M ${w.mTrend.toFixed(2)}, of F ${w.fTrend.toFixed(2)}, of settled M/F ${w.ratioTrend.toFixed(2)}`).join('; ') +
        `. M falls and F rises with noise (and the settled M/F falls) at ${heldAt.length} of ${perWidth.length} width(s)` +
        (judged ? '.' : '; fewer than three noise rates finished at some width, so no trend can be judged.') +
        ' M and F are taken over S3 at the last epoch (F = 1 − M); the settled M/F is the mean over the last 20% of epochs.',
      table: { header: ['width', 'noise', 'test acc', '|S3|', 'M (last epoch)', 'F (last epoch)', 'M/F settled', 'runs'], rows },
      figures: [
        {
          caption: 'M and F over S3 at the last epoch (seed means) against the label-noise rate, one line per width (the seed paper’s Fig 8).',
          spec: lineChart({ title: 'M and F vs label noise', x: { field: 'noise', title: 'label-noise rate' }, y: [{ field: 'M', title: 'M' }, { field: 'F', title: 'F' }], series: 'width', data: perWidth.flatMap((w) => w.points) }),
        },
      ],
    };
  },
});
