import { z } from 'zod';
import { aggregate, classificationCell, classificationEnsemble, combine, defineExperiment, describeJudgement, formatSpread, holmAdjust, judgeInteriorMinimum, judgeTrendAlongEpochs, spearman, trainingFields, type Aggregate, type SeedPoint } from '@mgdl/experiment';
import { writeFileAtomic } from '@mgdl/io';
import { readRunMetrics, readScaleTraces, readTagCsv, runFiles, type RunMetrics } from '@mgdl/report';

const schema = z.object({
  ...trainingFields,
  seeds: z.array(z.number().int()).min(1).describe('one run per seed; each seed\'s curve over the epochs gives one statistic per claim, and the claims are judged over seeds'),
});

// TextCNN w = 5 (kernel heights 3, 4, 5), TREC coarse, as in Han et al.'s setup the seed follows: Adam 1e-3, batch 256.
const common = { dataset: 'trec', noise: 0.2, noiseKind: 'symmetric', batchSize: 256, learningRate: 1e-3, optimizer: 'adam', momentum: 0.9, seed: 0, series: 'presentation' } as const;

const curve = z.array(z.number().nullable());

/**
 * One cell's curves against the epoch (1-based), copied into metrics.json by the cell. The section
 * keeps its file key `history` (run directories stay readable); in code it is the epoch curves.
 */
const epochCurvesSchema = z.object({ epoch: z.array(z.number()).min(1), trainLoss: curve, testLoss: curve, testAccuracy: curve, M: curve, F: curve, ratio: curve });
type EpochCurves = z.output<typeof epochCurvesSchema>;

const TEXTCNN = { model: 'textcnn', modelOptions: { width: 5 } };

export const cicEpochs = defineExperiment({
  name: 'cic-epochs',
  title: 'Epochs vs memorising and forgetting (seed 2, Fig 9)',
  claim:
    'Training a TextCNN (w = 5) on TREC with 20% label noise, training loss falls with the epochs while test loss first falls and then rises (overfitting after about the ninth epoch); M/F rises with the epochs as the system moves from forgetting-dominated to memorising-dominated, the best generalisation lying in between.',
  schema,
  presets: {
    smoke: { ...common, trainSize: 500, testSize: 200, epochs: 3, seeds: [0] },
    // All of TREC (5,452 training and 500 test questions) for 30 epochs, three seeds (fewer than the 5 the
    // verdict rule needs for held): 5,452 × 30 / ≈ 320 samples/s (one thread) ≈ 510 s per cell, +10% evaluation, two cells
    // at a time ≈ 20 min on 2 cores.
    // default: 5 seeds on 3,300 of TREC's 5,452 training questions (all of them at 3 seeds before), about as long as before
    default: { ...common, trainSize: 3300, testSize: 500, epochs: 30, seeds: [0, 1, 2, 3, 4] },
    // The seed gives the model, data and noise only; 30 epochs is Han et al.'s TextCNN setup (they also hold
    // out 10% for validation and clip gradients at 5, which this app does not do). ≈ 20 min on 2 cores.
    paper: { ...common, trainSize: 5452, testSize: 500, epochs: 30, seeds: [0, 1, 2] },
  },
  grid: (config) => ({ seed: config.seeds }),
  cell: async (config, cellDir) => {
    await classificationCell(config, cellDir, TEXTCNN);
    recordEpochCurves(cellDir);
  },
  // All seeds as one ensemble: the same numbers as the cells alone.
  ensembleCell: async (cells) => {
    await classificationEnsemble(cells, TEXTCNN);
    for (const { dir } of cells) recordEpochCurves(dir);
  },
  conclude: (all) => {
    const done = all.filter((r) => r.status === 'done');
    const curves = done.map(epochCurves).filter((h) => h !== undefined);
    if (curves.length === 0) return { held: null, text: 'no cell finished with a per-epoch history, so there is nothing to judge; see the failed cells above.' };
    const epochs = Math.min(...curves.map((h) => h.epoch.length));
    // Per epoch, the mean over seeds and its 95% t-interval (the range below five seeds), as the table prints.
    const overSeeds = (key: Exclude<keyof EpochCurves, 'epoch'>): Aggregate[] =>
      Array.from({ length: epochs }, (_, e) => aggregate(e + 1, curves.map((h) => h[key][e]).filter((v): v is number => typeof v === 'number')));
    const epoch = Array.from({ length: epochs }, (_, e) => e + 1);
    const spreads = (['trainLoss', 'testLoss', 'testAccuracy', 'M', 'F'] as const).map(overSeeds);
    const [trainLoss, testLoss, , M, F] = spreads.map((a) => a.map((x) => x.mean)) as [number[], number[], number[], number[], number[]];
    // M/F of the seed means (a seed's own M/F is infinite once none of its S3 is wrong).
    const ratio = M.map((m, i) => m / F[i]!);
    const trend = (xs: number[], ys: number[]) => {
      const points = xs.map((x) => [x, ys[x - 1]!] as const).filter(([, y]) => Number.isFinite(y));
      return { rho: spearman(points.map(([x]) => x), points.map(([, y]) => y)), n: points.length };
    };
    const train = trend(epoch, trainLoss);
    // M/F = M / (1 − M) orders the epochs as M does, so the trend of M is the trend of M/F, and stays finite.
    const memorising = trend(epoch, M);
    const finiteTest = epoch.filter((e) => Number.isFinite(testLoss[e - 1]!));
    const best = finiteTest.reduce((a, b) => (testLoss[b - 1]! < testLoss[a - 1]! ? b : a), finiteTest[0] ?? 1);
    const last = finiteTest.at(-1) ?? epochs;
    // "Falls then rises": the lowest test loss is at an interior epoch and the loss rises from there on
    // (a rank trend over at least three epochs from the minimum, so a dip at the very end does not count).
    const after = trend(finiteTest.filter((e) => e >= best), testLoss);
    const uShape = best !== finiteTest[0] && after.n >= 3 && after.rho > 0.5;
    // Judged over seeds by the shared rule: the epochs of one run are not independent replicates (each continues
    // the last), so each seed's curve gives one statistic per claim — its Spearman over the epochs, or for the
    // optimum its fall and rise — and only the seeds replicate. Holm over the three claims.
    const points = (key: 'trainLoss' | 'testLoss' | 'M'): SeedPoint[] =>
      done.flatMap((r) => {
        const h = epochCurves(r);
        return h ? h.epoch.slice(0, epochs).map((e, i) => ({ x: e, seed: Number(r.values['seed'] ?? 0), y: h[key][i] ?? Number.NaN })) : [];
      });
    const judgements = holmAdjust([
      judgeTrendAlongEpochs('train loss falls with the epochs', points('trainLoss'), 'falls'),
      judgeTrendAlongEpochs('M (over S3 so far) rises with the epochs', points('M'), 'rises'),
      judgeInteriorMinimum('test loss has an optimum in between (falls, then rises)', points('testLoss')),
    ]);
    const at = (xs: number[], e: number) => (Number.isFinite(xs[e - 1]!) ? xs[e - 1]!.toFixed(3) : Number.isNaN(xs[e - 1]!) ? '—' : '∞');
    const firstWithS3 = epoch.find((e) => Number.isFinite(M[e - 1]!)) ?? 1;
    return {
      held: combine(judgements),
      judgements,
      text:
        `${judgements.map(describeJudgement).join('; ')}. Described on the seed means (not part of the verdict), over ${epochs} epochs of ${curves.length} seed(s): train loss vs epoch Spearman ${train.rho.toFixed(2)}; M (over S3 so far) vs epoch Spearman ${memorising.rho.toFixed(2)} ` +
        `(M/F ${at(ratio, firstWithS3)} at epoch ${firstWithS3}, the first with an S3, and ${at(ratio, last)} at epoch ${last}); ` +
        `lowest test loss ${at(testLoss, best)} at epoch ${best}, where M/F = ${at(ratio, best)} ` +
        `(${uShape ? `test loss falls to it and then rises, Spearman ${after.rho.toFixed(2)} over epochs ${best}–${last}, to ${at(testLoss, last)}` : best === last ? 'the last epoch: test loss has not begun to rise at this scale' : `no sustained rise after it (Spearman ${after.rho.toFixed(2)} over ${after.n} epoch(s))`}).`,
      table: {
        header: ['epoch', 'train loss', 'test loss', 'test acc', 'M', 'F', 'M/F (of the seed means)', 'runs'],
        rows: epoch.map((e) => [e, ...spreads.map((a) => (a[e - 1]!.n > 0 ? formatSpread(a[e - 1]) : '—')), at(ratio, e), curves.length]),
      },
    };
  },
});

/**
 * `conclude` sees each cell's metrics.json but not its directory, so the cell copies its per-epoch
 * curves (metrics/<tag>.csv and the system-scale M/F of traces.json) into metrics.json as `history`.
 */
function recordEpochCurves(cellDir: string): void {
  const files = runFiles(cellDir);
  // The tag CSVs count epochs from 0; a resumed run never repeats a step, and the last row of an epoch wins.
  const byEpoch = (tag: string) => new Map(readTagCsv(files.tagCsv(tag)).map(({ epoch, value }) => [epoch + 1, value]));
  const [trainLoss, testLoss, testAccuracy] = ['train/loss', 'test/loss', 'test/accuracy'].map(byEpoch) as [Map<number, number>, Map<number, number>, Map<number, number>];
  const compromise = readScaleTraces(files.traces).compromise;
  if (!compromise) throw new Error(`${files.traces}: no 'compromise' series, which this experiment's verdict needs`);
  const { epoch, M, F, ratio } = compromise;
  const history: EpochCurves = { epoch, trainLoss: epoch.map((e) => trainLoss.get(e) ?? null), testLoss: epoch.map((e) => testLoss.get(e) ?? null), testAccuracy: epoch.map((e) => testAccuracy.get(e) ?? null), M, F, ratio };
  writeFileAtomic(files.metrics, JSON.stringify({ ...readRunMetrics(files.metrics), history }, null, 2) + '\n');
}

/** A finished cell's epoch curves (its metrics.json section `history`), validated; undefined for a cell that has none. */
function epochCurves(result: { metrics: RunMetrics | undefined }): EpochCurves | undefined {
  if (result.metrics?.['history'] === undefined) return undefined;
  const parsed = epochCurvesSchema.safeParse(result.metrics['history']);
  if (!parsed.success) throw new Error(`metrics.json of a cic-epochs cell: field 'history.${parsed.error.issues[0]!.path.join('.')}': ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}
