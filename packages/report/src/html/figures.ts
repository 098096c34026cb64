import type { TopLevelSpec } from 'vega-lite';
import { dataMap, histogram, lineChart, regimeBands, renderSvg, scaleTraces } from '../plots/index.js';
import { axisScaleFor } from '../plots/theme.js';
import { series, type LoadedRun } from './load.js';
import type { Figure } from './page.js';

const REGIME = { forgettingBelow: 0.5, memorisingAbove: 2 };

/** The figures one run's records allow; each is skipped when its data is absent. */
export async function runFigures(run: LoadedRun): Promise<Figure[]> {
  const specs: { caption: string; spec: TopLevelSpec }[] = [];
  const curves = (['train', 'validation', 'test'] as const).flatMap((split) =>
    series(run, `${split}/loss`).map((point) => ({ epoch: point.epoch, split, loss: point.value, accuracy: series(run, `${split}/accuracy`).find((a) => a.epoch === point.epoch)?.value })),
  );
  if (curves.length > 0) {
    const hasAccuracy = curves.some((c) => c.accuracy !== undefined);
    specs.push({
      caption: 'Loss (and accuracy) per epoch: train on the noisy training labels, validation/test on clean held-out data.',
      spec: lineChart({ title: `${run.name}: loss per epoch`, x: { field: 'epoch', title: 'epoch' }, y: [{ field: 'loss', title: 'loss (cross-entropy)' }, ...(hasAccuracy ? [{ field: 'accuracy', title: 'accuracy' }] : [])], series: 'split', data: curves }),
    });
  }
  const traces = run.traces;
  if (traces?.compromise) {
    const c = traces.compromise;
    const rows = c.epoch.map((epoch, i) => ({ epoch, M: c.M[i] ?? null, F: c.F[i] ?? null, ratio: c.ratio[i] ?? null }));
    specs.push({ caption: 'System scale: M and F over S3(t), the samples forgotten at least once so far.', spec: lineChart({ title: 'M and F per epoch', x: { field: 'epoch', title: 'epoch' }, y: [{ field: 'M', title: 'M' }, { field: 'F', title: 'F' }], data: rows.filter((r) => r.M !== null) }) });
    const finite = rows.filter((r) => r.ratio !== null && Number.isFinite(r.ratio) && r.ratio > 0);
    if (finite.length > 0) {
      specs.push({ caption: 'M/F per epoch against the regime bands (M/F < 0.5 forgetting-dominated, > 2 memorising-dominated).', spec: regimeBands({ title: 'M/F and regimes', x: { field: 'epoch', title: 'epoch' }, data: finite, thresholds: REGIME }) });
    }
  }
  if (traces?.scales) specs.push({ caption: 'M/F at element, meso and system scale; dashed: the settled value, band: its fluctuation amplitude.', spec: scaleTraces(traces.scales) });
  const forgetting = run.forgetting;
  if (forgetting) {
    const values = Array.from(forgetting.forgettingEvents, (value, i) => ({ group: (forgetting.noisy?.[i] === 1 ? 'noisy' : 'clean') as 'clean' | 'noisy', value })).filter((_, i) => forgetting.set[i] !== 1);
    specs.push({ caption: 'Forgetting events per learned sample, clean vs noisy labels (share of each group).', spec: histogram({ title: 'Forgetting counts', xTitle: 'forgetting events', values, bins: 30 }) });
  }
  const map = run.samples['data-map'];
  if (map?.['confidence'] && map['variability']) {
    const points = map['confidence'].map((c, i) => ({ confidence: Number(c), variability: Number(map['variability']![i]), correctness: Number(map['correctness']?.[i] ?? 0), region: map['region']?.[i] ?? 'other' }));
    specs.push({ caption: 'Data map: variability vs confidence of p(gold) over epochs.', spec: dataMap({ points }) });
  }
  const figures: Figure[] = [];
  for (const { caption, spec } of specs) figures.push({ caption, svg: await renderSvg(spec) });
  return figures;
}

/** Across the runs of a grid: final losses and the forgetting compromise against the swept parameter. */
export async function comparisonFigures(runs: readonly LoadedRun[], parameter: string): Promise<Figure[]> {
  let rows: ComparisonRow[] = runs
    .map((run) => {
      const x = Number(run.params?.grid?.[parameter]);
      const m = run.metrics;
      return { x, train: m?.train?.loss, test: m?.test?.loss, M: m?.forgetting?.M ?? null, F: m?.forgetting?.F ?? null, ratio: m?.forgetting?.settledRatio ?? m?.forgetting?.ratio ?? null };
    })
    .filter((r) => Number.isFinite(r.x));
  rows = meanByX(rows);
  const figures: Figure[] = [];
  const losses = rows.flatMap((r) => [
    ...(r.train !== undefined ? [{ [parameter]: r.x, split: 'train', loss: r.train }] : []),
    ...(r.test !== undefined ? [{ [parameter]: r.x, split: 'test', loss: r.test }] : []),
  ]);
  // Parameters spread over decades (L2 strength, batch size) get a log or symlog axis.
  const { kind: xScale, constant: xSymlogConstant } = axisScaleFor(rows.map((r) => r.x));
  const axis = { x: { field: parameter, title: xScale === 'linear' ? parameter : `${parameter} (${xScale} scale)` }, xScale, ...(xSymlogConstant ? { xSymlogConstant } : {}) };
  if (losses.length > 0) figures.push({ caption: `Final train and test loss against ${parameter}.`, svg: await renderSvg(lineChart({ title: `Loss vs ${parameter}`, ...axis, y: [{ field: 'loss', title: 'loss' }], series: 'split', data: losses })) });
  const mf = rows.filter((r) => r.M !== null);
  if (mf.length > 0) figures.push({ caption: `M and F (over S3, last epoch) against ${parameter}.`, svg: await renderSvg(lineChart({ title: `M and F vs ${parameter}`, ...axis, y: [{ field: 'M', title: 'M' }, { field: 'F', title: 'F' }], data: mf.map((r) => ({ [parameter]: r.x, M: r.M, F: r.F })) })) });
  const ratio = rows.filter((r) => r.ratio !== null && Number.isFinite(r.ratio) && r.ratio > 0);
  if (ratio.length > 0) figures.push({ caption: `Settled M/F against ${parameter}, with the regime bands.`, svg: await renderSvg(regimeBands({ title: `M/F vs ${parameter}`, ...axis, data: ratio.map((r) => ({ [parameter]: r.x, ratio: r.ratio })), thresholds: REGIME })) });
  return figures;
}

type ComparisonRow = { x: number; train?: number; test?: number; M: number | null; F: number | null; ratio: number | null };

/** One point per parameter value: runs that differ only in seed are averaged (the table lists each). */
function meanByX(rows: ComparisonRow[]): ComparisonRow[] {
  const groups = new Map<number, ComparisonRow[]>();
  for (const row of rows) groups.set(row.x, [...(groups.get(row.x) ?? []), row]);
  const mean = (values: (number | null | undefined)[]) => {
    const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    return finite.length ? finite.reduce((a, b) => a + b, 0) / finite.length : undefined;
  };
  return [...groups]
    .sort(([a], [b]) => a - b)
    .map(([x, group]) => ({ x, train: mean(group.map((g) => g.train)), test: mean(group.map((g) => g.test)), M: mean(group.map((g) => g.M)) ?? null, F: mean(group.map((g) => g.F)) ?? null, ratio: mean(group.map((g) => g.ratio)) ?? null }));
}
