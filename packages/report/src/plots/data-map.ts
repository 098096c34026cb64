import type { TopLevelSpec } from 'vega-lite';
import { downsample } from './downsample.js';
import { renderSvg } from './svg.js';
import { PLOT_WIDTH, THEME } from './theme.js';

/** Training dynamics of one example, after Swayamdipta et al. (2020), "Dataset Cartography". */
export interface DataMapPoint {
  id?: number;
  /** The label trained on. */
  label?: number;
  noisy?: boolean;
  forgetting?: number;
  aum?: number;
  confidence: number;
  variability: number;
  correctness: number;
  region: string;
}

export interface DataMapInput {
  title?: string;
  points: readonly DataMapPoint[];
  colourBy?: 'correctness' | 'region';
  /** Most points drawn (a seeded subset beyond it); default DATA_MAP_MAX_POINTS. */
  maxPoints?: number;
}

/** Beyond this many points a 560 px scatter only grows in bytes and render time, not in detail. */
export const DATA_MAP_MAX_POINTS = 5000;

export function dataMap(input: DataMapInput): TopLevelSpec {
  const shown = downsample(input.points, input.maxPoints ?? DATA_MAP_MAX_POINTS);

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

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(3));

/** The hover text of one point: its id, label, noise flag and scores. */
export function pointTitle(p: DataMapPoint): string {
  return [
    ...(p.id !== undefined ? [`id ${p.id}`] : []),
    ...(p.label !== undefined ? [`label ${p.label}${p.noisy ? ' (noisy)' : ''}`] : []),
    ...(p.forgetting !== undefined ? [`forgetting ${p.forgetting}`] : []),
    ...(p.aum !== undefined ? [`AUM ${fmt(p.aum)}`] : []),
    `confidence ${fmt(p.confidence)}`,
    `variability ${fmt(p.variability)}`,
    `correctness ${fmt(p.correctness)}`,
  ].join('; ');
}

const escapeXml = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * Gives the i-th point of the first symbol mark in `svg` the i-th title as an SVG <title> child,
 * which browsers show on hover without any script. Vega draws the points in data order; when the
 * count differs from `titles`, the SVG is returned unchanged rather than mislabelled.
 */
export function withPointTitles(svg: string, titles: readonly string[]): string {
  const open = svg.indexOf('<g class="mark-symbol role-mark');
  if (open < 0) return svg;
  const start = svg.indexOf('>', open) + 1;
  const end = svg.indexOf('</g>', start);
  const body = svg.slice(start, end);
  const paths = body.match(/<path [^>]*\/>/g) ?? [];
  if (paths.length !== titles.length || paths.join('') !== body) return svg;
  const titled = paths.map((path, i) => `${path.slice(0, -2)}><title>${escapeXml(titles[i]!)}</title></path>`).join('');
  return svg.slice(0, start) + titled + svg.slice(end);
}

/**
 * Drops what every point repeats in the first symbol mark: a stroke width on filled points (no
 * stroke is drawn) and the shared opacity, which moves to the group; rgb() fills become hex.
 */
export function compactPoints(svg: string): string {
  const open = svg.indexOf('<g class="mark-symbol role-mark');
  if (open < 0) return svg;
  const start = svg.indexOf('>', open) + 1;
  const end = svg.indexOf('</g>', start);
  const opacities = new Set([...svg.slice(start, end).matchAll(/ opacity="([^"]*)"/g)].map((m) => m[1]));
  if (opacities.size !== 1) return svg;
  const hex = (r: string, g: string, b: string) => `#${[r, g, b].map((c) => Number(c).toString(16).padStart(2, '0')).join('')}`;
  const body = svg
    .slice(start, end)
    .replace(/ stroke-width="[^"]*"| opacity="[^"]*"| aria-hidden="[^"]*"/g, '')
    .replace(/fill="rgb\((\d+), (\d+), (\d+)\)"/g, (_, r: string, g: string, b: string) => `fill="${hex(r, g, b)}"`);
  return `${svg.slice(0, start - 1)} opacity="${[...opacities][0]}">${body}${svg.slice(end)}`;
}

/** The data map as SVG, each point with its hover title when `tooltips` is set. */
export async function dataMapSvg(input: DataMapInput & { tooltips?: boolean }): Promise<string> {
  const spec = dataMap(input);
  const svg = compactPoints(await renderSvg(spec));
  if (!input.tooltips) return svg;
  const shown = (spec.data as { values: DataMapPoint[] }).values;
  return withPointTitles(svg, shown.map(pointTitle));
}
