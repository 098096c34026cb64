import type { Config } from 'vega-lite';

/** Family name inside the bundled TTF; the SVG must name it exactly so the rasteriser finds it. */
export const FONT_FAMILY = 'Source Sans 3';

/**
 * What the SVGs ask for: the bundled face first (the PNG rasteriser has it), then faces of the same
 * metrics class a browser has, and never the browser's serif default (what a standalone SVG naming
 * only 'Source Sans 3' fell back to).
 */
export const FONT_STACK = `'${FONT_FAMILY}', 'Source Sans Pro', 'Helvetica Neue', Helvetica, Arial, sans-serif`;

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

/**
 * One colour per meaning, in every chart: train, validation and test; clean and noisy labels;
 * element, meso and system scale. Okabe–Ito where it has enough colours.
 */
export const MEANING_COLOURS = {
  train: '#0072B2',
  validation: '#009E73',
  test: '#E69F00',
  clean: '#56B4E9',
  noisy: '#D55E00',
  all: '#5b6775',
  element: '#CC79A7',
  meso: '#9A6324',
  system: '#000000',
} as const;

export type Meaning = keyof typeof MEANING_COLOURS;

/** A colour scale for a series whose values are all meanings: each keeps its colour whichever others are present. */
export function meaningScale(values: readonly unknown[]): { domain: string[]; range: string[] } | undefined {
  const present = [...new Set(values.map(String))];
  if (present.length === 0 || !present.every((v) => v in MEANING_COLOURS)) return undefined;
  const domain = (Object.keys(MEANING_COLOURS) as Meaning[]).filter((m) => present.includes(m));
  return { domain, range: domain.map((m) => MEANING_COLOURS[m]) };
}

export const THEME: Config = {
  // The short name on every text element; each SVG's <style> (renderSvg) gives the full FONT_STACK once.
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
  // A single series has no meaning to show: neutral, so it is never mistaken for train or test.
  // Per-mark aria labels repeat every data value as text and multiply the SVG size; the chart-level
  // description stays, and every number is in the run's CSV files.
  mark: { color: '#1d2733', aria: false },
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

/** Colour encoding for an optional series column: one line per value; train/test/clean/noisy… keep their colours. */
export function seriesColour(series: string | undefined, rows: readonly Row[] = []): { color?: { field: string; type: 'nominal'; scale?: { domain: string[]; range: string[] } } } {
  if (series === undefined) return {};
  const scale = meaningScale(rows.map((row) => row[series]));
  return { color: { field: flatField(series), type: 'nominal', ...(scale ? { scale } : {}) } };
}

/**
 * Axis of a quantitative field: whole-number ticks when every value is an integer (epochs, widths,
 * counts), and plain numbers rather than `4.000000` when there is a single value.
 */
export function numberAxis(rows: readonly Row[], field: string): { axis?: { tickMinStep?: number; format: string } } {
  const values = rows.map((row) => Number(row[field])).filter(Number.isFinite);
  if (values.length === 0) return {};
  if (values.every(Number.isInteger)) return { axis: { tickMinStep: 1, format: 'd' } };
  return new Set(values).size === 1 ? { axis: { format: '~g' } } : {};
}

/** Markers help read a sparse sweep but smear long per-epoch traces into a thick band. */
export function showMarkers(rows: readonly Row[]): boolean {
  return rows.length <= 100;
}

/** How an x axis maps values: 'log' for positive values over decades; 'symlog' when such values include 0. */
export type AxisScale = 'linear' | 'log' | 'symlog';

/**
 * The scale for x values spread over more than 20×: log when all are positive, symlog (linear
 * below the smallest positive value, logarithmic above) when 0 is among them; linear otherwise.
 */
export function axisScaleFor(values: readonly number[]): { kind: AxisScale; constant?: number } {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (positive.length < 2 || values.some((v) => v < 0)) return { kind: 'linear' };
  const [low, high] = [Math.min(...positive), Math.max(...positive)];
  if (high / low < 20) return { kind: 'linear' };
  return positive.length === values.length ? { kind: 'log' } : { kind: 'symlog', constant: low };
}

/**
 * The Vega-Lite `scale` of an x encoding (none for linear). Symlog gets a tick at each x value of the
 * data: its automatic ticks skip the small values it was chosen to show.
 */
export function xScaleSpec(kind: AxisScale = 'linear', constant: number | undefined, rows: readonly Row[], field: string) {
  if (kind === 'log') return { scale: { type: 'log' as const } };
  if (kind === 'symlog') {
    const values = [...new Set(rows.map((row) => Number(row[field])).filter(Number.isFinite))].sort((a, b) => a - b);
    return { scale: { type: 'symlog' as const, constant: constant ?? 1 }, axis: { values, format: '~g' } };
  }
  return numberAxis(rows, field);
}
