import { spreadChart } from '@mgdl/report';
import { aggregateBy, defineExperiment, describeJudgement, exploratory, formatSpread, holmAdjust, judgePairedDifference, metric, type Aggregate, type ExperimentResult, type GroupedCell, type Verdict } from '@mgdl/experiment';
import { regressionCell } from './cell.js';
import { regressionEnsemble } from './ensemble-cell.js';
import { arms, schema, type Arm, type CellConfig } from './config.js';
import { mgdlOf, type MgdlMetrics } from './metrics.js';

const common = {
  arms: ['plain', 'loss', 'lr'] as Arm[],
  ranges: { velocity: [0.3, 1.1] as [number, number], diameter: [400e-6, 600e-6] as [number, number], density: [2400, 2800] as [number, number] },
  sampling: 'random' as const,
  dataSeed: 0,
  testSize: 500,
  collocationSize: 200,
  measurementWindow: 0,
  width: 1,
  depth: 2,
  batchSize: 32,
  learningRate: 3e-3,
  lossWeight: 10,
  adaptiveMax: 100,
  lrBeta: 10,
  target: 5e-2,
  smallFraction: 0.05,
};

/*
 * Cost (measured here, one wasm thread per cell, 2 cells in parallel): a 32-row step takes ~4 ms plain
 * and ~10 ms with a constraint (the tf constraint ops, the stability solver's per-step input download
 * and cached look-up, 200 collocation rows for the loss arm), plus a test evaluation and a checkpoint
 * per epoch and ~3 s of process start-up per cell. The steps are small, so per-op overhead, not the
 * ~100k samples/s of regression-mlp arithmetic, sets the pace.
 * smoke: 10 cells (every arm) × 100 steps, 3–4 s each ⇒ ~20 s in all on 2 cores.
 * default: 3 arms × 4 fractions × 5 seeds = 60 cells × 2,000 steps; measured per cell ~11 s plain, ~22 s loss,
 * ~25 s lr (the lr plugin evaluates the full constraint on every batch too) ⇒ 60 × ~19 s / 2 workers ≈ 10 min
 * on 2 idle cores; the one default run here took 18 min 18 s with another session's training sharing them.
 * paper: 3 × 7 × 10 = 210 cells × 6,000 steps — about 1.5 h on 2 idle cores (not the paper's own
 * settings, which the available summary does not give: a larger version of default).
 * These are cells alone (`--ensemble off`); by default an arm and fraction's seeds train as one
 * ensemble (`ensembleCell`), which shares the per-op overhead and start-up: on the 5-arm × 2-seed smoke
 * grid 54 s against 79 s alone, on the 2 cores at load average ~6 (a rough figure, not a benchmark).
 */
export const bubblingBed = defineExperiment({
  name: 'mgdl-bubbling-bed',
  title: 'MGDL on a bubbling fluidized bed: plain vs constraint-guided training over training-set size (seed 1)',
  claim:
    'Adding the mesoscience constraint of the bubbling bed (balances + the stability condition N_st → min) to training — as a loss regularisation term or as a learning-rate correction — gives better prediction accuracy and convergence stability than plain training, especially with much smaller training sets.',
  schema,
  presets: {
    smoke: { ...common, arms: [...arms], fractions: [0.05, 1], seeds: [0], poolSize: 200, testSize: 200, collocationSize: 100, epochs: 10, batchesPerEpoch: 10, warmupEpochs: 3 },
    // default: 6 seeds (Holm over the two constrained arms needs 6 for a sign-flip p to pass)
    default: { ...common, fractions: [0.01, 0.05, 0.2, 1], seeds: [0, 1, 2, 3, 4, 5], poolSize: 2000, epochs: 100, batchesPerEpoch: 20, warmupEpochs: 25 },
    paper: { ...common, fractions: [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 1], seeds: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], poolSize: 4000, epochs: 200, batchesPerEpoch: 30, warmupEpochs: 50, smallFraction: 0.02 },
  },
  grid: (config) => ({ arm: config.arms, fraction: config.fractions, seed: config.seeds }),
  cell: async (config, cellDir) => {
    await regressionCell(config as CellConfig, cellDir);
  },
  // The seeds of an arm and fraction as one ensemble, each cell getting what `cell` writes.
  ensembleCell: async (cells) => {
    await regressionEnsemble(cells as readonly GroupedCell<CellConfig>[]);
  },
  conclude: (results, config) => concludeArms(results, config),
});

export interface ArmSummary {
  arm: string;
  fraction: number;
  trainSamples: number;
  mse: Aggregate;
  violation: Aggregate;
  toTarget: Aggregate | undefined;
  reached: number;
  curveSpread: number;
  tail: Aggregate | undefined;
  best: Aggregate | undefined;
}

const one = (results: readonly ExperimentResult[], get: (mgdl: MgdlMetrics) => number | null | undefined): Aggregate | undefined =>
  aggregateBy(results, 'fraction', (m) => { const mgdl = mgdlOf(m); return mgdl && get(mgdl); })[0];

/** Per arm and fraction over the seeds: test MSE, violation, epochs to target, curve spread. */
export function summarizeArms(results: readonly ExperimentResult[], config: { arms: readonly string[]; fractions: readonly number[] }): ArmSummary[] {
  const rows: ArmSummary[] = [];
  for (const fraction of [...config.fractions].sort((a, b) => a - b)) {
    for (const arm of config.arms) {
      const cells = results.filter((r) => r.status === 'done' && r.values['arm'] === arm && r.values['fraction'] === fraction);
      const mse = one(cells, (m) => m.testMse);
      if (!mse) continue;
      const curves = cells.map((r) => (r.metrics && mgdlOf(r.metrics)?.curve.map((x) => x ?? Number.NaN)) ?? []).filter((c) => c.length > 0);
      rows.push({
        arm,
        fraction,
        trainSamples: metric(cells[0]!, (m) => mgdlOf(m)?.trainSamples),
        mse,
        violation: one(cells, (m) => m.violation.all)!,
        toTarget: one(cells, (m) => m.epochsToTarget),
        reached: cells.filter((r) => Number.isFinite(metric(r, (m) => mgdlOf(m)?.epochsToTarget))).length,
        curveSpread: curveSpread(curves),
        tail: one(cells, (m) => m.tailFluctuation),
        best: one(cells, (m) => m.bestTestMse),
      });
    }
  }
  return rows;
}

/** Mean over epochs of the standard deviation over seeds of log10(test MSE): how far the seeds' loss curves fan out. */
export function curveSpread(curves: readonly (readonly number[])[]): number {
  if (curves.length < 2) return Number.NaN;
  const epochs = Math.min(...curves.map((c) => c.length));
  let sum = 0;
  for (let t = 0; t < epochs; t++) {
    const logs = curves.map((c) => Math.log10(c[t]!));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    sum += Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / logs.length);
  }
  return sum / epochs;
}

const exp = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x.toExponential(2));
/** `mean [low, high]` over seeds (95% t-interval), in exponent notation. */
const spread = (a: Aggregate | undefined) => (a ? (a.n > 1 ? `${exp(a.mean)} [${exp(a.low)}, ${exp(a.high)}]` : exp(a.mean)) : '—');

export function concludeArms(results: readonly ExperimentResult[], config: { arms: readonly string[]; fractions: readonly number[]; smallFraction: number; target: number }): Verdict {
  const rows = summarizeArms(results, config);
  const table = {
    header: ['arm', 'fraction', 'train rows', 'test MSE (std. units)', 'best-epoch test MSE', 'test violation (all)', `epochs to MSE ≤ ${config.target}`, 'reached', 'curve spread (log10)', 'end fluctuation (log10)'],
    rows: rows.map((r) => [r.arm, r.fraction, r.trainSamples, spread(r.mse), spread(r.best), spread(r.violation), r.toTarget ? formatSpread(r.toTarget, 1) : '—', `${r.reached}/${r.mse.n}`, Number.isFinite(r.curveSpread) ? r.curveSpread.toFixed(3) : '—', r.tail ? formatSpread(r.tail, 3) : '—']),
  };
  if (rows.length === 0) return { held: null, text: 'no cell finished, so there is nothing to judge; see the failed cells above.', table };
  const figures = armFigures(results);
  const fractions = [...new Set(rows.map((r) => r.fraction))];
  const small = fractions.filter((f) => f <= config.smallFraction);
  const constrained = config.arms.filter((a) => a !== 'plain');
  if (!config.arms.includes('plain') || constrained.length === 0 || small.length === 0) {
    return { held: null, text: 'the verdict needs the plain arm, a constrained arm and at least one fraction ≤ smallFraction.', table, figures };
  }
  // Every arm runs every seed (the same pool rows, initial weights and batch order): paired by seed, on log10 test MSE.
  // Each arm's claim is one statistic per seed, its gain averaged over the small fractions; Holm over the arms, since
  // the verdict holds when any arm wins. The larger fractions are exploratory.
  const mse = (arm: string, fraction: number, seed: unknown) => {
    const cell = results.find((r) => r.status === 'done' && r.values['arm'] === arm && r.values['fraction'] === fraction && r.values['seed'] === seed);
    return cell ? metric(cell, (m) => mgdlOf(m)?.testMse) : Number.NaN;
  };
  const seeds = [...new Set(results.map((r) => r.values['seed']))];
  const gain = (arm: string, among: readonly number[]) => seeds.flatMap((seed) => among.map((f) => ({ seed: Number(seed), y: Math.log10(mse('plain', f, seed) / mse(arm, f, seed)) })));
  const judgements = holmAdjust(constrained.map((arm) => judgePairedDifference(`${arm} beats plain at the small fractions ${small.join(', ')} (log10 of plain / ${arm} test MSE, mean over them)`, gain(arm, small), 'positive')));
  const larger = exploratory(constrained.flatMap((arm) => fractions.filter((f) => !small.includes(f)).map((f) => judgePairedDifference(`${arm} beats plain at fraction ${f} (log10 of plain / ${arm} test MSE)`, gain(arm, [f]), 'positive'))));
  const winners = constrained.filter((_, i) => judgements[i]!.outcome === 'held');
  const held = winners.length > 0 ? true : judgements.every((j) => j.outcome === 'not held') ? false : null;
  const head =
    held === true
      ? `${winners.join(' and ')} beat plain on test MSE over the small fractions (≤ ${config.smallFraction}).`
      : held === false
        ? `every constrained arm did worse than plain on test MSE over the small fractions (≤ ${config.smallFraction}).`
        : `no constrained arm is shown by the seeds to beat plain on test MSE over the small fractions (≤ ${config.smallFraction}), nor every one to lose.`;
  return {
    held,
    judgements,
    ...(larger.length ? { companions: larger } : {}),
    text: `${head} ${judgements.map(describeJudgement).join('; ')}.${larger.length ? ` At the larger fractions (not part of the claim): ${larger.map(describeJudgement).join('; ')}.` : ''}`,
    table,
    figures,
  };
}

/** Test MSE and test violation against the training fraction, one colour per arm, both axes logarithmic: each seed faint, the line through the seed mean, bars its 95% t-interval. */
function armFigures(results: readonly ExperimentResult[]) {
  const runs = results
    .filter((r) => r.status === 'done')
    .map((r) => ({ arm: String(r.values['arm']), fraction: Number(r.values['fraction']), mse: metric(r, (m) => mgdlOf(m)?.testMse), violation: metric(r, (m) => mgdlOf(m)?.violation.all) }));
  const chart = (field: 'mse' | 'violation', title: string) =>
    spreadChart({ title: `${title} vs training fraction`, x: { field: 'fraction', title: 'training fraction' }, xScale: 'log', y: [{ field, title }], yScale: 'log', series: 'arm', runs });
  return [
    { caption: 'Test MSE (standardised outputs) against the share of the labelled pool trained on, per arm: each seed faint, the line through the seed mean, bars its 95% t-interval.', spec: chart('mse', 'test MSE') },
    { caption: 'Test violation of the bed constraints (0 = physically consistent) against the training fraction, per arm: each seed faint, the line through the seed mean, bars its 95% t-interval.', spec: chart('violation', 'test violation') },
  ];
}
