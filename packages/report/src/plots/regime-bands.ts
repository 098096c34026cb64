import type { TopLevelSpec } from 'vega-lite';
import {
  flatField,
  PALETTE,
  PLOT_HEIGHT,
  PLOT_WIDTH,
  seriesColour,
  showMarkers,
  THEME,
  xScaleSpec,
  type AxisScale,
  type FieldRef,
  type Row,
} from './theme.js';
import { spreadLayers } from './spread-chart.js';

export interface RegimeThresholds {
  /** M/F below this: forgetting dominates. */
  forgettingBelow: number;
  /** M/F above this: memorising dominates. */
  memorisingAbove: number;
}

export interface RegimeBandsInput {
  title: string;
  x: FieldRef;
  /** Defaults to a `ratio` column titled M/F. */
  y?: FieldRef;
  series?: string;
  /** One row per value of x (and series): drawn as a line. Give this or `runs`. */
  data?: readonly Row[];
  /** Instead of `data`, one row per run (seed): their mean as the line, with its 95% interval and each run faint. */
  runs?: readonly Row[];
  thresholds: RegimeThresholds;
  /** As lineChart's. */
  xScale?: AxisScale;
  xSymlogConstant?: number;
}

const REGIMES = ['forgetting-dominated', 'compromise', 'memorising-dominated'] as const;

/** Whole decades around everything that must be visible, so the bands fill the plot exactly. */
function logDomain(values: readonly number[]): [number, number] {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  const low = Math.min(...positive);
  const high = Math.max(...positive);
  // A little headroom keeps points off the frame when they sit exactly on a power of ten.
  return [10 ** Math.floor(Math.log10(low) - 0.05), 10 ** Math.ceil(Math.log10(high) + 0.05)];
}

/** M/F on a log axis over shaded regime bands; non-positive ratios cannot be placed and are dropped by Vega-Lite. */
export function regimeBands(input: RegimeBandsInput): TopLevelSpec {
  const data = input.data ?? [];
  const { forgettingBelow, memorisingAbove } = input.thresholds;
  if (!(forgettingBelow > 0 && forgettingBelow <= memorisingAbove && Number.isFinite(memorisingAbove))) {
    throw new RangeError(
      `thresholds need 0 < forgettingBelow <= memorisingAbove, got ${forgettingBelow}, ${memorisingAbove}`,
    );
  }
  const y = input.y ?? { field: 'ratio', title: 'M/F (dimensionless)' };
  const ratios = (input.runs ?? data).map((row) => Number(row[y.field]));
  const [bottom, top] = logDomain([...ratios, forgettingBelow, memorisingAbove]);
  const bands = [
    { regime: REGIMES[0], low: bottom, high: forgettingBelow },
    { regime: REGIMES[1], low: forgettingBelow, high: memorisingAbove },
    { regime: REGIMES[2], low: memorisingAbove, high: top },
  ].filter((band) => band.high > band.low);
  const yScale = { type: 'log' as const, domain: [bottom, top], nice: false };
  return {
    config: THEME,
    title: input.title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer: [
      {
        data: { values: bands },
        mark: { type: 'rect', opacity: 0.18 },
        encoding: {
          y: { field: 'low', type: 'quantitative', scale: yScale, title: y.title },
          y2: { field: 'high' },
          // `fill`, not `color`: the bands get their own legend and never take a series colour.
          fill: {
            field: 'regime',
            type: 'nominal',
            title: 'Regime',
            sort: [...REGIMES],
            scale: { domain: [...REGIMES], range: [PALETTE[3], PALETTE[6], PALETTE[0]] },
          },
        },
      },
      ...(input.runs
        ? spreadLayers({ x: input.x, y, ...(input.series === undefined ? {} : { series: input.series }), runs: input.runs, yScale, ...(input.xScale ? { xScale: input.xScale } : {}), ...(input.xSymlogConstant ? { xSymlogConstant: input.xSymlogConstant } : {}) })
        : [
            {
              data: { values: [...data] },
              mark: { type: 'line' as const, point: showMarkers(data) },
              encoding: {
                x: { field: flatField(input.x.field), type: 'quantitative' as const, title: input.x.title, ...xScaleSpec(input.xScale, input.xSymlogConstant, data, input.x.field) },
                y: { field: flatField(y.field), type: 'quantitative' as const, scale: yScale, title: y.title },
                ...seriesColour(input.series, data),
              },
            },
          ]),
    ],
  };
}
