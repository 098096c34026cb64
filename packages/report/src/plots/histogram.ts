import type { TopLevelSpec } from 'vega-lite';
import { PALETTE, PLOT_HEIGHT, PLOT_WIDTH, THEME } from './theme.js';

export interface GroupedValue {
  group: 'clean' | 'noisy';
  value: number;
}

export interface HistogramInput {
  title: string;
  xTitle?: string;
  values: readonly GroupedValue[];
  /** Upper bound on the number of bins; Vega-Lite picks a round step at or below it. */
  bins: number;
}

/**
 * Overlaid clean/noisy histograms of the share of each group per bin: noisy examples are
 * usually a small minority, and raw counts would flatten their histogram against the axis.
 */
export function histogram(input: HistogramInput): TopLevelSpec {
  if (!Number.isInteger(input.bins) || input.bins < 1) {
    throw new RangeError(`bins must be a positive integer, got ${input.bins}`);
  }
  // Counts such as forgetting events are integers; a bin narrower than 1 would leave empty gaps.
  const integral = input.values.every((v) => Number.isInteger(v.value));
  return {
    config: THEME,
    title: input.title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values: [...input.values] },
    transform: [
      { bin: { maxbins: input.bins, ...(integral ? { minstep: 1 } : {}) }, field: 'value', as: ['start', 'end'] },
      { aggregate: [{ op: 'count', as: 'count' }], groupby: ['start', 'end', 'group'] },
      { joinaggregate: [{ op: 'sum', field: 'count', as: 'total' }], groupby: ['group'] },
      { calculate: 'datum.count / datum.total', as: 'share' },
    ],
    mark: { type: 'bar', opacity: 0.6, binSpacing: 0 },
    encoding: {
      x: {
        field: 'start',
        bin: { binned: true },
        type: 'quantitative',
        title: input.xTitle ?? 'Forgetting events (count)',
      },
      x2: { field: 'end' },
      y: { field: 'share', type: 'quantitative', stack: null, title: 'Share of group', axis: { format: '%' } },
      color: {
        field: 'group',
        type: 'nominal',
        title: 'Labels',
        scale: { domain: ['clean', 'noisy'], range: [PALETTE[0], PALETTE[3]] },
      },
    },
  };
}
