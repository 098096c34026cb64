import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { aggregateBy, classificationCell, classificationEnsemble, defineExperiment, describeJudgement, formatSpread, holmAdjust, judgePairedDifference, metric, stageDirectory, trainingFields, type Aggregate, type ExperimentResult, type Judgement, type Stage, type Verdict, type CellSpec } from '@mgdl/experiment';
import { rankByForgetting, readPerSampleCsv, sumForgettingCounts, type PerSampleTable, type SampleStats } from '@mgdl/forgetting';
import { runFiles, SAMPLE_TABLES, writeFileAtomic } from '@mgdl/io';
import { hashInts, permutation } from '@mgdl/random';
import { spreadChart } from '@mgdl/report';

export const STRATEGIES = ['least-forgotten', 'random'] as const;

const schema = z.object({
  ...trainingFields,
  seeds: z.array(z.number().int()).min(1).describe('counting stage: one run per seed on the same training subset; forgetting counts are summed over them'),
  subsetSeed: z.number().int().describe('draws the training subset every cell of both stages starts from'),
  policy: z.enum(['infinite', 'steps', 'zero']).describe('what a never-learned sample counts as when ranking: forgotten infinitely often (Toneva et al.), `epochs` times (their code), or 0'),
  fractions: z.array(z.number().gt(0).lt(1)).min(1).describe('removal stage: shares of the training subset removed before retraining'),
  removalSeeds: z.array(z.number().int()).min(1).describe('removal stage: one retraining per seed, fraction and strategy; the seed also draws the random removals'),
  fraction: z.number().gt(0).lt(1).optional().describe('set per removal cell by the sweep'),
  strategy: z.enum(STRATEGIES).optional().describe('set per removal cell: remove the least-forgotten examples, or random ones'),
});
type Config = z.output<typeof schema>;

/** Toneva et al.'s MNIST recipe: SGD lr 0.01, momentum 0.5, batch 64, no label noise; statistics per presentation. */
const common = { dataset: 'mnist', noise: 0, noiseKind: 'symmetric', batchSize: 64, learningRate: 0.01, optimizer: 'sgd', momentum: 0.5, seed: 0, series: 'presentation', subsetSeed: 0, policy: 'infinite' } as const;

const RANKING_FILE = 'ranking.csv';
const SUMMARY_FILE = 'summary.json';

export interface CountingSummary {
  samples: number;
  epochs: number;
  policy: Config['policy'];
  seeds: number[];
  /** S2 (learned, never forgotten) of each seed's run. */
  unforgettablePerSeed: number[];
  /** Samples whose count summed over the seeds is 0: unforgettable in every run. */
  unforgettableInEverySeed: number;
  /** Samples never learned in at least one run (their summed count is infinite under the paper's policy). */
  neverLearnedInSomeSeed: number;
  /** How many samples have each summed count ('never learned' for the infinite ones). */
  histogram: Record<string, number>;
}

/** A counting cell's per-sample statistics, read back from the `samples/forgetting.csv` it wrote. */
export function readCellStats(cellDir: string): PerSampleTable {
  const path = runFiles(cellDir).samples(SAMPLE_TABLES.forgetting);
  return readPerSampleCsv(readFileSync(path, 'utf8'), { file: path });
}

/**
 * The counting stage's conclusion: forgetting counts summed over the seeds (never-learned samples
 * per `policy`), ranked from least to most forgotten (ties in a seeded order) into `ranking.csv`,
 * and the unforgettable counts into `summary.json`; the removal cells read the ranking.
 */
export function writeRanking(results: readonly ExperimentResult[], dir: string, config: Config): void {
  const runs = results.map((r) => ({ stats: readCellStats(join(dir, r.name)), steps: metric(r, (m) => m.forgetting?.steps) }));
  const totals = sumForgettingCounts(runs, config.policy);
  const ids = Int32Array.from(totals.keys());
  const sums = Array.from(totals.values());
  // The summed counts as one run's statistics, never-learned (infinite) samples as S1, so that
  // rankByForgetting orders them exactly as the paper orders the sums.
  const summed: SampleStats = {
    ...runs[0]!.stats,
    ids,
    forgettingEvents: Int32Array.from(sums, (s) => (Number.isFinite(s) ? s : 0)),
    set: Uint8Array.from(sums, (s) => (!Number.isFinite(s) ? 1 : s > 0 ? 3 : 2)),
  };
  const ranking = rankByForgetting(summed, config.epochs, { policy: 'infinite', seed: config.subsetSeed });
  writeFileAtomic(join(dir, RANKING_FILE), `rank,id,count\n${Array.from(ranking.ids, (id, k) => `${k},${id},${ranking.counts[k]}`).join('\n')}\n`);
  const histogram: Record<string, number> = {};
  for (const count of ranking.counts) {
    const key = Number.isFinite(count) ? String(count) : 'never learned';
    histogram[key] = (histogram[key] ?? 0) + 1;
  }
  const summary: CountingSummary = {
    samples: ids.length,
    epochs: config.epochs,
    policy: config.policy,
    seeds: results.map((r) => Number(r.values['seed'])),
    unforgettablePerSeed: results.map((r) => metric(r, (m) => m.forgetting?.unforgettable)),
    unforgettableInEverySeed: sums.filter((s) => s === 0).length,
    neverLearnedInSomeSeed: new Set(runs.flatMap(({ stats }) => Array.from(stats.ids).filter((_, p) => stats.set[p] === 1))).size,
    histogram,
  };
  writeFileAtomic(join(dir, SUMMARY_FILE), JSON.stringify(summary, null, 2) + '\n');
}

/** The ids a removal cell drops: the first k of the ranking, or k drawn at random (seeded; nested as k grows). */
export function removedIds(ranking: Int32Array, fraction: number, strategy: (typeof STRATEGIES)[number], seed: number): Int32Array {
  const k = Math.round(fraction * ranking.length);
  if (strategy === 'least-forgotten') return ranking.slice(0, k);
  const order = permutation(ranking.length, hashInts(seed, 0x72616e64));
  return Int32Array.from(order.subarray(0, k), (p) => ranking[p]!);
}

function readRanking(runDir: string): Int32Array {
  const path = join(stageDirectory(runDir, 'counting'), RANKING_FILE);
  if (!existsSync(path)) throw new Error(`${path} is missing: the counting stage has not completed`);
  const rows = readFileSync(path, 'utf8').split('\n').filter(Boolean).slice(1);
  return Int32Array.from(rows, (row) => Number(row.split(',')[1]));
}

function readSummary(runDir: string): CountingSummary | undefined {
  const path = join(stageDirectory(runDir, 'counting'), SUMMARY_FILE);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as CountingSummary) : undefined;
}

/** A counting cell trains on the subset; a removal cell on what is left of it after its removal, which it records in removal.json. */
function cellSpec(config: Config & { stage?: string }, cellDir: string, runDir: string): CellSpec {
  const spec = { model: 'toneva-mnist', modelOptions: {} };
  if (config.stage === 'counting') return { ...spec, trainSubset: { seed: config.subsetSeed } };
  const ranking = readRanking(runDir);
  if (ranking.length !== config.trainSize) throw new Error(`the counting stage ranked ${ranking.length} samples, this config trains on ${config.trainSize}: rerun with the same trainSize, or in a new run directory (--name)`);
  const exclude = removedIds(ranking, config.fraction ?? 0, config.strategy ?? 'random', config.seed);
  writeFileAtomic(join(cellDir, 'removal.json'), JSON.stringify({ strategy: config.strategy, fraction: config.fraction, removed: exclude.length, kept: ranking.length - exclude.length }, null, 2) + '\n');
  return { ...spec, trainSubset: { seed: config.subsetSeed, exclude } };
}

export const forgettingToneva = defineExperiment({
  name: 'forgetting-toneva',
  title: 'Forgetting events and removing unforgettable examples (Toneva et al. 2019, MNIST)',
  claim:
    'Training Toneva et al.\'s MNIST network, many examples are unforgettable (learned once and never forgotten), and forgetting counts summed over seeds rank the examples; retraining without the least-forgotten examples hurts test accuracy much less than removing as many random examples.',
  schema,
  // Times on 2 cores, two single-thread cells at once (toneva-mnist trains ≈ 3,600 samples/s per thread at batch 64;
  // evaluating the test set per epoch costs about as much as training a third as many samples; ≈ 3 s start-up per cell):
  // smoke: 2 counting + 2 removal cells on 1,000 samples, 4 epochs: ≈ 20 s with process start-up.
  // default: counting 4 seeds × 10,000 samples × 25 epochs = 1.0 M presentations ≈ 280 s of training;
  //   removal 4 fractions × 2 strategies × 3 seeds, on (1 − k)·10,000 samples × 25 epochs = 3.0 M ≈ 830 s;
  //   28 cells × 25 epochs × 10,000 test samples ≈ 700 s of evaluation; ≈ 90 s of start-up
  //   → ≈ 1,900 s of cell time on two cores ≈ 16 min by these rates; measured on 2 cores (two cells at once): 36 min,
  //   counting 10 min and removal 26 min (a counting cell: 250–350 s, where these rates give ≈ 130).
  // paper: all 60,000 training samples, 200 epochs, 5 counting seeds, removal in 10% steps: weeks on 2 cores.
  presets: {
    smoke: { ...common, trainSize: 1000, testSize: 500, epochs: 4, seeds: [0, 1], fractions: [0.5], removalSeeds: [0] },
    // default: 6 counting and 6 removal seeds (Holm over the two paired claims needs 6; "random removal lowers test
    // accuracy" pairs each removal seed with the counting run of the same seed, so the counting stage needs 6 too: with 4
    // it stayed "4 of 4 seeds agree", inconclusive), on 6,000 samples, 5,000 test samples and fractions 0.2–0.6
    // (10,000, 10,000 and 0.2–0.8 at 3 seeds before): 36 removal cells of about the size of the old 24
    default: { ...common, trainSize: 6000, testSize: 5000, epochs: 25, seeds: [0, 1, 2, 3, 4, 5], fractions: [0.2, 0.4, 0.6], removalSeeds: [0, 1, 2, 3, 4, 5] },
    paper: { ...common, trainSize: 60000, testSize: 10000, epochs: 200, seeds: [0, 1, 2, 3, 4], fractions: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9], removalSeeds: [0, 1, 2] },
  },
  // The removal stage needs the counting stage's ranking, so it runs after it.
  stages: (config): Stage[] => [
    { name: 'counting', grid: { seed: config.seeds }, complete: (results, dir) => writeRanking(results, dir, config) },
    { name: 'removal', grid: { fraction: config.fractions, strategy: [...STRATEGIES], seed: config.removalSeeds } },
  ],
  cell: async (config, cellDir, context) => {
    await classificationCell(config, cellDir, cellSpec(config, cellDir, context.runDir));
  },
  // A stage's seeds (in removal: at one fraction and strategy, each member on what its own removal left) as one ensemble: the same numbers as the cells alone.
  ensembleCell: async (cells, context) => {
    const specs = new Map(cells.map(({ config, dir }) => [dir, cellSpec(config, dir, context.runDir)]));
    await classificationEnsemble(cells, ({ dir }) => specs.get(dir)!);
  },
  conclude: (results, config, { runDir }) => judge(results, config, readSummary(runDir)),
});

/** The verdict: the counting summary, and test accuracy after removing the least-forgotten vs random examples. */
export function judge(results: readonly ExperimentResult[], config: Config, summary: CountingSummary | undefined): Verdict {
  const counting = results.filter((r) => r.stage === 'counting' && r.status === 'done');
  const removal = results.filter((r) => r.stage === 'removal' && r.status === 'done');
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const countingText = summary
    ? `counting (${summary.samples} MNIST samples, ${summary.epochs} epochs, ${summary.seeds.length} seed(s)): unforgettable per seed ${summary.unforgettablePerSeed.join(', ')} ` +
      `(${summary.unforgettablePerSeed.map((u) => pct(u / summary.samples)).join(', ')}); unforgettable in every seed ${summary.unforgettableInEverySeed} (${pct(summary.unforgettableInEverySeed / summary.samples)}); never learned in some seed ${summary.neverLearnedInSomeSeed}.`
    : 'the counting stage did not complete, so there is no ranking.';
  const baseline = aggregateBy(counting.map((r) => ({ ...r, values: { ...r.values, fraction: 0 } })), 'fraction', (m) => m.test?.accuracy)[0];
  const arm = (strategy: string) => aggregateBy(removal.filter((r) => r.values['strategy'] === strategy), 'fraction', (m) => m.test?.accuracy);
  const [forgotten, random] = [arm('least-forgotten'), arm('random')];
  const fractions = forgotten.map((a) => a.x).filter((x) => random.some((b) => b.x === x));
  const at = (rows: Aggregate[], x: number) => rows.find((a) => a.x === x)!;
  const header = ['removed', 'samples removed', 'of them unforgettable in every seed', 'test acc, least-forgotten removed', 'test acc, random removed', 'least-forgotten − random (points)', 'runs per arm'];
  const rows: unknown[][] = [];
  if (baseline) rows.push(['0% (the counting runs)', 0, '—', formatSpread(baseline, 4), formatSpread(baseline, 4), '—', baseline.n]);
  for (const x of fractions) {
    const removed = Math.round(x * config.trainSize);
    const unforgettable = summary ? Math.min(removed, summary.unforgettableInEverySeed) : Number.NaN;
    const [f, r] = [at(forgotten, x), at(random, x)];
    rows.push([pct(x), removed, Number.isFinite(unforgettable) ? `${unforgettable} (${pct(unforgettable / removed)})` : '—', formatSpread(f, 4), formatSpread(r, 4), (100 * (f.mean - r.mean)).toFixed(2), Math.min(f.n, r.n)]);
  }
  const table = { header, rows };
  // The counting runs are both curves' start (nothing removed).
  const runs = STRATEGIES.flatMap((strategy) => [
    ...counting.map((r) => ({ removed: 0, strategy, accuracy: metric(r, (m) => m.test?.accuracy) })),
    ...removal.filter((r) => r.values['strategy'] === strategy).map((r) => ({ removed: Number(r.values['fraction']), strategy, accuracy: metric(r, (m) => m.test?.accuracy) })),
  ]);
  const figures = [
    {
      caption: 'Test accuracy after removing a share of the training subset and retraining: the least-forgotten examples vs random ones (Toneva et al., Fig 5); each run faint, the line through the seed mean, bars its 95% t-interval.',
      spec: spreadChart({ title: 'Test accuracy vs share removed', x: { field: 'removed', title: 'share of the training subset removed' }, y: [{ field: 'accuracy', title: 'test accuracy' }], series: 'strategy', runs }),
    },
  ];
  if (!baseline || fractions.length === 0) return { held: null, text: `${countingText} No removal runs finished on both arms, so the removal claim cannot be judged.`, table, figures };
  const gaps = fractions.map((x) => at(forgotten, x).mean - at(random, x).mean);
  const randomDrop = Math.max(...fractions.map((x) => baseline.mean - at(random, x).mean));
  const points = (x: number) => `${(100 * x).toFixed(2)} points`;
  // Both arms of a removal seed share it (its training order and initial weights): paired by seed, averaged over the
  // fractions. The whole-subset baseline is the counting run of the same seed, not the counting runs' mean: that mean
  // varies from seed to seed too, and a constant in its place would leave its spread out of the comparison.
  const accuracy = (stage: 'counting' | 'removal', seed: unknown, strategy?: string, fraction?: number) => {
    const cell = (stage === 'counting' ? counting : removal).find((r) => r.values['seed'] === seed && (stage === 'counting' || (r.values['strategy'] === strategy && r.values['fraction'] === fraction)));
    return cell ? metric(cell, (m) => m.test?.accuracy) : Number.NaN;
  };
  const seeds = [...new Set(removal.map((r) => r.values['seed']))];
  const paired = (f: (seed: unknown, x: number) => number) => seeds.flatMap((seed) => fractions.map((x) => ({ seed: Number(seed), y: f(seed, x) })));
  const [randomCosts, rankingHelps] = holmAdjust([
    judgePairedDifference('random removal lowers test accuracy (whole subset − random removed, the same seed, mean over fractions)', paired((seed, x) => accuracy('counting', seed) - accuracy('removal', seed, 'random', x)), 'positive'),
    judgePairedDifference('removing the least-forgotten examples costs less than removing random ones (least-forgotten − random, paired by seed, mean over fractions)', paired((seed, x) => accuracy('removal', seed, 'least-forgotten', x) - accuracy('removal', seed, 'random', x)), 'positive'),
  ]) as [Judgement, Judgement];
  const judgements = [randomCosts, rankingHelps];
  const removalText =
    `Removal: test accuracy ${pct(baseline.mean)} on the whole subset; removing random examples costs up to ${points(randomDrop)}; ` +
    `removing the least-forgotten ones instead scores ${gaps.map((g, i) => `${g >= 0 ? '+' : ''}${points(g)} at ${pct(fractions[i]!)}`).join(', ')} against random. ${judgements.map(describeJudgement).join('; ')}.`;
  // Random removal has to hurt measurably before anything can hurt "less" than it.
  if (randomCosts.outcome !== 'held') return { held: null, judgements, text: `${countingText} ${removalText} Random removal did not lower test accuracy measurably over the seeds at this scale (the rule needs five seeds for that), so there is nothing for the ranking to beat.`, table, figures };
  const held = rankingHelps.outcome === 'held' ? true : rankingHelps.outcome === 'not held' ? false : null;
  const judgement = held === true ? 'Removing the least-forgotten examples hurt less than removing random ones.' : held === false ? 'Removing the least-forgotten examples hurt more than removing random ones.' : 'Inconclusive: the seeds do not establish a difference between the two removals.';
  return { held, judgements, text: `${countingText} ${removalText} ${judgement}`, table, figures };
}
