import type { Config } from 'vega-lite';

/** Family name inside the bundled TTF; the SVG must name it exactly so the rasteriser finds it. */
export const FONT_FAMILY = 'Source Sans 3';

export const PLOT_WIDTH = 560;
export const PLOT_HEIGHT = 300;

/** Okabe–Ito: stays distinguishable under the common forms of colour blindness. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#D55E00',
  '#CC79A7',
  '#56B4E9',
  '#F0E442',
  '#000000',
] as const;

export const THEME: Config = {
  font: FONT_FAMILY,
  background: 'white',
  padding: 8,
  view: { stroke: '#d0d0d0' },
  title: { fontSize: 16, fontWeight: 'bold', anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555' },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    gridColor: '#e6e6e6',
    domainColor: '#888',
    tickColor: '#888',
  },
  // Regime names are long; Vega's default limit would truncate them with an ellipsis.
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 320 },
  range: { category: [...PALETTE], ramp: { scheme: 'viridis' } },
  mark: { color: PALETTE[0] },
  line: { strokeWidth: 2 },
};

/** A column of the caller's rows and the axis title (with units) that describes it. */
export interface FieldRef {
  field: string;
  title: string;
}

export type Row = Readonly<Record<string, unknown>>;

/** Vega-Lite reads `.` and `[` in a field name as nested access; caller columns are flat. */
export function flatField(name: string): string {
  return name.replace(/[.[\]\\]/g, (c) => `\\${c}`);
}

/** Colour encoding for an optional series column: one line per value. */
export function seriesColour(series: string | undefined): { color?: { field: string; type: 'nominal' } } {
  return series === undefined ? {} : { color: { field: flatField(series), type: 'nominal' } };
}

/** Markers help read a sparse sweep but smear long per-epoch traces into a thick band. */
export function showMarkers(rows: readonly Row[]): boolean {
  return rows.length <= 100;
}
