import type { TopLevelSpec } from 'vega-lite';
import { flatField, PLOT_HEIGHT, PLOT_WIDTH, seriesColour, showMarkers, THEME, xScaleSpec, type AxisScale, type FieldRef, type Row } from './theme.js';

export interface LineChartInput {
  title: string;
  x: FieldRef;
  /** One panel per entry, stacked vertically and sharing x: M, F and M/F rarely share units. */
  y: readonly FieldRef[];
  /** Column whose values become coloured lines, e.g. train vs test. */
  series?: string;
  data: readonly Row[];
  yScale?: 'linear' | 'log';
  /** 'log' for values spread over decades, such as training-set fractions; 'symlog' when 0 is among them. */
  xScale?: AxisScale;
  /** Width of symlog's linear region around 0 (default 1): about the smallest non-zero x. */
  xSymlogConstant?: number;
}

export function lineChart(input: LineChartInput): TopLevelSpec {
  if (input.y.length === 0) throw new RangeError('lineChart needs at least one y field');
  const yScale = input.yScale ?? 'linear';
  // Losses and M/F ratios sit far from zero; anchoring a linear axis there would flatten them.
  const scale = yScale === 'log' ? { type: 'log' as const } : { zero: false };
  const panelHeight = input.y.length === 1 ? PLOT_HEIGHT : Math.round(PLOT_HEIGHT / 1.5);
  const panels = input.y.map((y) => ({
    width: PLOT_WIDTH,
    height: panelHeight,
    mark: { type: 'line' as const, point: showMarkers(input.data) },
    encoding: {
      x: { field: flatField(input.x.field), type: 'quantitative' as const, title: input.x.title, ...xScaleSpec(input.xScale, input.xSymlogConstant, input.data, input.x.field) },
      y: { field: flatField(y.field), type: 'quantitative' as const, title: y.title, scale },
      ...seriesColour(input.series, input.data),
    },
  }));
  const base = { config: THEME, title: input.title, data: { values: [...input.data] } };
  if (panels.length === 1) return { ...base, ...panels[0]! };
  return { ...base, vconcat: panels };
}
