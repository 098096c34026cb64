import type { TopLevelSpec } from 'vega-lite';
import { downsample } from './downsample.js';
import { PLOT_WIDTH, THEME } from './theme.js';

/** Training dynamics of one example, after Swayamdipta et al. (2020), "Dataset Cartography". */
export interface DataMapPoint {
  confidence: number;
  variability: number;
  correctness: number;
  region: string;
}

export interface DataMapInput {
  title?: string;
  points: readonly DataMapPoint[];
  colourBy?: 'correctness' | 'region';
}

/** Beyond this many points a 560 px scatter only grows in bytes and render time, not in detail. */
export const DATA_MAP_MAX_POINTS = 5000;

export function dataMap(input: DataMapInput): TopLevelSpec {
  const shown = downsample(input.points, DATA_MAP_MAX_POINTS);
  const colourBy = input.colourBy ?? 'correctness';
  const color =
    colourBy === 'correctness'
      ? { field: 'correctness', type: 'quantitative' as const, title: 'Correctness', scale: { domain: [0, 1] } }
      : { field: 'region', type: 'nominal' as const, title: 'Region' };
  const subtitle =
    shown.length < input.points.length
      ? `${shown.length.toLocaleString('en')} of ${input.points.length.toLocaleString('en')} examples shown`
      : `${shown.length.toLocaleString('en')} examples`;
  return {
    config: THEME,
    title: { text: input.title ?? 'Data map', subtitle },
    width: PLOT_WIDTH,
    height: PLOT_WIDTH,
    data: { values: shown },
    // Per-point aria labels would multiply the SVG size; the chart-level description stays.
    mark: { type: 'point', filled: true, size: 14, opacity: 0.6, aria: false },
    encoding: {
      x: { field: 'variability', type: 'quantitative', title: 'Variability (std. of p(true label))' },
      y: {
        field: 'confidence',
        type: 'quantitative',
        title: 'Confidence (mean p(true label))',
        scale: { domain: [0, 1] },
      },
      color,
    },
  };
}
