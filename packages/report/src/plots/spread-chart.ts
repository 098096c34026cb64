import type { TopLevelSpec } from 'vega-lite';
import { meanInterval } from './seed-interval.js';
import { flatField, PLOT_HEIGHT, PLOT_WIDTH, seriesColour, THEME, xScaleSpec, type AxisScale, type FieldRef, type Row } from './theme.js';

export interface SpreadChartInput {
  title: string;
  x: FieldRef;
  /** One panel per entry, stacked and sharing x, as lineChart's. */
  y: readonly FieldRef[];
  /** Column whose values become coloured lines. */
  series?: string;
  /** One row per run (seed): every run is drawn faint, their mean as the line, the 95% interval of the mean as a bar. */
  runs: readonly Row[];
  yScale?: 'linear' | 'log';
  xScale?: AxisScale;
  xSymlogConstant?: number;
}

/** Per series and x: the runs' mean and its 95% t-interval (`${y}`, `${y}Low`, `${y}High`, `runs`). */
export function seedMeans(runs: readonly Row[], x: string, y: string, series?: string): Row[] {
  const groups = new Map<string, { x: unknown; series: unknown; ys: number[] }>();
  for (const run of runs) {
    const value = Number(run[y]);
    if (!Number.isFinite(Number(run[x])) || !Number.isFinite(value)) continue;
    const key = `${series === undefined ? '' : String(run[series])}|${String(run[x])}`;
    const group = groups.get(key) ?? { x: run[x], series: series === undefined ? undefined : run[series], ys: [] };
    group.ys.push(value);
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((g) => {
      const { mean, low, high, n } = meanInterval(g.ys);
      return { [x]: g.x, ...(series === undefined ? {} : { [series]: g.series }), [y]: mean, [`${y}Low`]: low, [`${y}High`]: high, runs: n };
    })
    .sort((a, b) => Number(a[x]) - Number(b[x]));
}

/** The three layers of one quantity over seeds: faint runs, the interval of the mean, the line of means. */
export function spreadLayers(input: { x: FieldRef; y: FieldRef; series?: string; runs: readonly Row[]; yScale: object; xScale?: AxisScale; xSymlogConstant?: number }) {
  const { x, y, series, runs } = input;
  const finite = runs.filter((run) => Number.isFinite(Number(run[y.field])));
  const means = seedMeans(finite, x.field, y.field, series);
  const xEncoding = { field: flatField(x.field), type: 'quantitative' as const, title: x.title, ...xScaleSpec(input.xScale, input.xSymlogConstant, finite, x.field) };
  const yEncoding = (field: string) => ({ field: flatField(field), type: 'quantitative' as const, title: y.title, scale: input.yScale });
  const colour = seriesColour(series, finite);
  return [
    { data: { values: finite }, mark: { type: 'point' as const, filled: true, opacity: 0.3, size: 20 }, encoding: { x: xEncoding, y: yEncoding(y.field), ...colour } },
    { data: { values: means }, mark: { type: 'rule' as const, strokeWidth: 1.5, opacity: 0.8 }, encoding: { x: xEncoding, y: yEncoding(`${y.field}Low`), y2: { field: flatField(`${y.field}High`) }, ...colour } },
    { data: { values: means }, mark: { type: 'line' as const, point: true }, encoding: { x: xEncoding, y: yEncoding(y.field), ...colour } },
  ];
}

/**
 * A quantity over a swept parameter when each value ran with several seeds: every run as a faint
 * point, the seeds' mean as the line, and the 95% t-interval of that mean as a vertical bar (none
 * for a single run). Log y drops non-positive values, as Vega-Lite must.
 */
export function spreadChart(input: SpreadChartInput): TopLevelSpec {
  if (input.y.length === 0) throw new RangeError('spreadChart needs at least one y field');
  const scale = input.yScale === 'log' ? { type: 'log' as const } : { zero: false };
  const height = input.y.length === 1 ? PLOT_HEIGHT : Math.round(PLOT_HEIGHT / 1.5);
  const panels = input.y.map((y) => ({
    width: PLOT_WIDTH,
    height,
    layer: spreadLayers({ x: input.x, y, ...(input.series === undefined ? {} : { series: input.series }), runs: input.runs, yScale: scale, ...(input.xScale ? { xScale: input.xScale } : {}), ...(input.xSymlogConstant ? { xSymlogConstant: input.xSymlogConstant } : {}) }),
  }));
  const base = { config: THEME, title: input.title };
  if (panels.length === 1) return { ...base, ...panels[0]! } as TopLevelSpec;
  return { ...base, vconcat: panels } as TopLevelSpec;
}
