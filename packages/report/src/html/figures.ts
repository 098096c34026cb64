import type { TopLevelSpec } from 'vega-lite';
import { dataMapSvg, DATA_MAP_MAX_POINTS, histogram, lineChart, regimeBands, renderSvg, scaleTraces, spreadChart, type DataMapPoint, type GroupedValue } from '../plots/index.js';
import { axisScaleFor } from '../plots/theme.js';
import { series, type LoadedRun } from './load.js';
import type { Figure } from './page.js';
import { runNoiseDetection } from './samples.js';

const REGIME = { forgettingBelow: 0.5, memorisingAbove: 2 };

/** Whether the run knows which training labels are noisy (and some are): only then are clean and noisy told apart. */
export function knowsNoise(run: LoadedRun): boolean {
  if (run.scores?.some((r) => r.noisy === true)) return true;
  return Boolean(run.forgetting?.noisy?.some((flag) => flag === 1));
}

/** The label-noise rate the run's config names, when it names one. */
const noiseRate = (run: LoadedRun): number | undefined => {
  const noise = (run.params?.config as { noise?: unknown } | undefined)?.noise;
  return typeof noise === 'number' ? noise : undefined;
};

export interface RunFigureOptions {
  /** Most points a data map draws (a sweep report draws fewer per run). */
  dataMapPoints?: number;
  /** Per-point hover titles in the data map (bytes per point; off in large sweeps). */
  tooltips?: boolean;
}

/** The figures one run's records allow; each is skipped when its data is absent. */
export async function runFigures(run: LoadedRun, { dataMapPoints = DATA_MAP_MAX_POINTS, tooltips = true }: RunFigureOptions = {}): Promise<Figure[]> {
  const specs: { caption: string; spec: TopLevelSpec }[] = [];
  const curves = (['train', 'validation', 'test'] as const).flatMap((split) =>
    series(run, `${split}/loss`).map((point) => ({ epoch: point.epoch, split, loss: point.value, accuracy: series(run, `${split}/accuracy`).find((a) => a.epoch === point.epoch)?.value })),
  );
  const noise = knowsNoise(run);
  if (curves.length > 0) {
    const hasAccuracy = curves.some((c) => c.accuracy !== undefined);
    const rate = noiseRate(run);
    const trainOn = noise ? `the training labels${rate ? ` (${Math.round(rate * 100)}% of them noisy)` : ', some of them noisy'}` : 'the training labels';
    const held = [...new Set(curves.map((c) => c.split))].filter((s) => s !== 'train');
    specs.push({
      caption: `Loss${hasAccuracy ? ' and accuracy' : ''} per epoch: train on ${trainOn}${held.length ? `; ${held.join(' and ')} on the held-out ${held.length > 1 ? 'splits' : 'split'} as given` : ''}.`,
      spec: lineChart({ title: `${run.name}: loss${hasAccuracy ? ' and accuracy' : ''} per epoch`, x: { field: 'epoch', title: 'Epoch' }, y: [{ field: 'loss', title: 'Loss (cross-entropy)' }, ...(hasAccuracy ? [{ field: 'accuracy', title: 'Accuracy' }] : [])], series: 'split', data: curves }),
    });
  }
  const traces = run.traces;
  if (traces?.compromise) {
    const c = traces.compromise;
    const rows = c.epoch.map((epoch, i) => ({ epoch, M: c.M[i] ?? null, F: c.F[i] ?? null, ratio: c.ratio[i] ?? null }));
    specs.push({ caption: 'M and F per epoch at system scale, over S3(t): the samples forgotten at least once so far.', spec: lineChart({ title: 'M and F per epoch', x: { field: 'epoch', title: 'Epoch' }, y: [{ field: 'M', title: 'M' }, { field: 'F', title: 'F' }], data: rows.filter((r) => r.M !== null) }) });
    const finite = rows.filter((r) => r.ratio !== null && Number.isFinite(r.ratio) && r.ratio > 0);
    if (finite.length > 0) {
      specs.push({ caption: 'M/F per epoch against the regime bands (M/F < 0.5 forgetting-dominated, > 2 memorising-dominated).', spec: regimeBands({ title: 'M/F per epoch and regimes', x: { field: 'epoch', title: 'Epoch' }, data: finite, thresholds: REGIME }) });
    }
  }
  if (traces?.scales) {
    const title = traces.scales.title ?? 'M/F across scales';
    specs.push({ caption: `${title} per epoch; dashed: the settled value, band: its fluctuation amplitude.`, spec: scaleTraces(traces.scales) });
  }
  const counts = forgettingCounts(run, noise);
  if (counts.length > 0) {
    specs.push({
      caption: `Forgetting events per learned sample (S2 and S3)${counts.some((c) => c.value === NEVER_LEARNED) ? `; the samples never learned (S1) in a bar of their own, '${NEVER_LEARNED}'` : ''}; ${noise ? 'clean and noisy labels side by side, each as a share of its group' : 'as a share of all samples'}.`,
      spec: histogram({ title: 'Forgetting events per sample', xTitle: 'Forgetting events (count)', values: counts, bins: 30 }),
    });
  }
  const figures: Figure[] = [];
  for (const { caption, spec } of specs) figures.push({ caption, svg: await renderSvg(spec) });
  const points = dataMapPointsOf(run);
  if (points.length > 0) {
    const shown = Math.min(points.length, dataMapPoints);
    figures.push({
      caption: `Data map: variability against confidence of p(true label) over epochs${shown < points.length ? ` (${shown} of ${points.length} samples drawn; all are in samples/scores.csv)` : ''}${tooltips ? '; hover a point for its id, label and scores' : ''}.`,
      svg: await dataMapSvg({ points, maxPoints: dataMapPoints, tooltips }),
    });
  }
  return figures;
}

/** The histogram's bar of the samples never learned (S1): they have no forgetting count, 0 would be a lie. */
const NEVER_LEARNED = 'never learned';

/** Forgetting counts per sample (S1 as 'never learned'), grouped clean/noisy when the run knows, else all in one group. */
function forgettingCounts(run: LoadedRun, noise: boolean): GroupedValue[] {
  const group = (noisy: boolean | null | undefined): GroupedValue['group'] => (noise ? (noisy ? 'noisy' : 'clean') : 'all');
  const value = (set: number, forgetting: number) => (set === 1 ? NEVER_LEARNED : forgetting);
  if (run.scores) return run.scores.map((r) => ({ group: group(r.noisy), value: value(r.set, r.forgetting) }));
  const forgetting = run.forgetting;
  if (!forgetting) return [];
  return Array.from(forgetting.forgettingEvents, (events, i) => ({ group: group(forgetting.noisy?.[i] === 1), value: value(forgetting.set[i]!, events) }));
}

/** Data-map points from samples/scores.csv, else from samples/data-map.csv (imported runs). */
function dataMapPointsOf(run: LoadedRun): DataMapPoint[] {
  if (run.scores?.some((r) => r.confidence !== null && r.variability !== null)) {
    return run.scores
      .filter((r) => r.confidence !== null && r.variability !== null)
      .map((r) => ({ id: r.id, confidence: r.confidence!, variability: r.variability!, correctness: r.correctness ?? 0, region: '', label: r.label, ...(r.noisy !== null ? { noisy: r.noisy } : {}), forgetting: r.forgetting, ...(r.aum !== null ? { aum: r.aum } : {}) }));
  }
  return (run.dataMap ?? []).map(({ id, confidence, variability, correctness, region }) => ({ id, confidence, variability, correctness, region }));
}

/** Across the runs of a grid: final losses and the forgetting compromise against the swept parameter. */
export async function comparisonFigures(runs: readonly LoadedRun[], parameter: string): Promise<Figure[]> {
  // One row per run: runs that differ only in seed are drawn faint, with their mean and its 95% interval.
  const rows = runs
    .map((run) => {
      const m = run.metrics;
      return { [parameter]: Number(run.params?.grid?.[parameter]), train: m?.train?.loss, test: m?.test?.loss, M: m?.forgetting?.M ?? undefined, F: m?.forgetting?.F ?? undefined, ratio: m?.forgetting?.settledRatio ?? m?.forgetting?.ratio ?? undefined };
    })
    .filter((r) => Number.isFinite(r[parameter]));
  const figures: Figure[] = [];
  const seeds = `each run faint, the line through the mean of the runs at each ${parameter} (over seeds, and over any other swept parameter), bars the 95% t-interval of that mean`;
  const losses = rows.flatMap((r) => [
    ...(r.train !== undefined ? [{ [parameter]: r[parameter], split: 'train', loss: r.train }] : []),
    ...(r.test !== undefined ? [{ [parameter]: r[parameter], split: 'test', loss: r.test }] : []),
  ]);
  // Parameters spread over decades (L2 strength, batch size) get a log or symlog axis.
  const { kind: xScale, constant: xSymlogConstant } = axisScaleFor(rows.map((r) => Number(r[parameter])));
  const axis = { x: { field: parameter, title: xScale === 'linear' ? parameter : `${parameter} (${xScale} scale)` }, xScale, ...(xSymlogConstant ? { xSymlogConstant } : {}) };
  if (losses.length > 0) figures.push({ caption: `Final train and test loss against ${parameter} (${seeds}).`, svg: await renderSvg(spreadChart({ title: `Final loss vs ${parameter}`, ...axis, y: [{ field: 'loss', title: 'Loss (cross-entropy)' }], series: 'split', runs: losses })) });
  const mf = rows.filter((r) => r.M !== undefined);
  if (mf.length > 0) figures.push({ caption: `M and F over S3 at the last epoch against ${parameter} (${seeds}).`, svg: await renderSvg(spreadChart({ title: `M and F vs ${parameter}`, ...axis, y: [{ field: 'M', title: 'M' }, { field: 'F', title: 'F' }], runs: mf })) });
  const ratio = rows.filter((r) => r.ratio !== undefined && Number.isFinite(r.ratio) && r.ratio > 0);
  if (ratio.length > 0) figures.push({ caption: `Settled M/F against ${parameter} against the regime bands (M/F < 0.5 forgetting-dominated, > 2 memorising-dominated; ${seeds}).`, svg: await renderSvg(regimeBands({ title: `Settled M/F vs ${parameter} and regimes`, ...axis, runs: ratio, thresholds: REGIME })) });
  const auc = await noiseScoreFigure(runs, parameter);
  if (auc) figures.push(auc);
  return figures;
}

/** How each score's ROC-AUC at finding the noisy labels moves with `parameter` (runs with label noise only; other parameters averaged). */
export async function noiseScoreFigure(runs: readonly LoadedRun[], parameter: string): Promise<Figure | undefined> {
  const auc = runs.flatMap((run) => {
    const x = Number(run.params?.grid?.[parameter]);
    const result = runNoiseDetection(run);
    return Number.isFinite(x) && result ? result.scores.filter((s) => s.auc !== null).map((s) => ({ x, score: s.score, auc: s.auc! })) : [];
  });
  if (auc.length === 0) return undefined;
  const data = auc.map((row) => ({ [parameter]: row.x, score: row.score, auc: row.auc }));
  const { kind: xScale, constant: xSymlogConstant } = axisScaleFor(data.map((r) => Number(r[parameter])));
  const axis = { x: { field: parameter, title: xScale === 'linear' ? parameter : `${parameter} (${xScale} scale)` }, xScale, ...(xSymlogConstant ? { xSymlogConstant } : {}) };
  return {
    caption: `ROC-AUC of each per-sample score at finding the noisy labels against ${parameter} (0.5 = chance; each run faint, the line through the mean of the runs at the same ${parameter}, bars its 95% t-interval; noise-free runs left out).`,
    svg: await renderSvg(spreadChart({ title: `Which score finds the noisy labels vs ${parameter}`, ...axis, y: [{ field: 'auc', title: 'ROC-AUC (noisy vs clean)' }], series: 'score', runs: data })),
  };
}

