import type { TopLevelSpec } from 'vega-lite';
import { FONT_STACK } from './theme.js';

// Vega's Node build (and so Vega-Lite, which imports it) awaits an optional `canvas` import at
// top level, and Node refuses to require() such a module; importing both on first use keeps
// this package's CommonJS build loadable.
let engines: Promise<[typeof import('vega'), typeof import('vega-lite')]> | undefined;

// Vega numbers clip paths and gradients from a process-wide counter. Resetting it per render
// makes the SVG a function of the spec alone; chaining renders keeps one render's reset from
// landing in the middle of another's numbering.
let queue: Promise<unknown> = Promise.resolve();

async function render(spec: TopLevelSpec): Promise<string> {
  engines ??= Promise.all([import('vega'), import('vega-lite')]);
  const [{ parse, resetSVGDefIds, View }, { compile }] = await engines;
  resetSVGDefIds();
  // Vega stamps the data objects it ingests with ids and lets transforms write into them;
  // the clone keeps the caller's rows and spec exactly as they were.
  const runtime = parse(structuredClone(compile(spec).spec));
  // `none`: build the scenegraph without a canvas or DOM; toSVG serialises it directly.
  const view = new View(runtime, { renderer: 'none' });
  try {
    return compactSvg(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * Headless SVG of a Vega-Lite spec. Vega writes every string from the spec and data as escaped
 * text or attribute values, so caller-supplied titles cannot inject markup.
 */
export function renderSvg(spec: TopLevelSpec): Promise<string> {
  const result = queue.then(() => render(spec));
  queue = result.catch(() => undefined);
  return result;
}

/**
 * Rounds the coordinates in path data and transforms to 2 decimals (a hundredth of a pixel):
 * Vega writes up to 15 digits, which is most of the bytes of a line chart and none of its detail.
 */
export function compactSvg(svg: string): string {
  return withFontStack(svg).replace(/ (d|transform)="([^"]*)"/g, (_, name: string, value: string) => ` ${name}="${value.replace(/(-?\d+)\.(\d{2})\d+/g, (__, whole: string, digits: string) => `${whole}.${digits}`)}"`);
}

/**
 * One <style> rule right after the root <svg> tag: CSS outranks the font-family attribute Vega puts
 * on each text, so a standalone SVG (and the report page) asks for the whole stack without
 * repeating it on every label.
 */
function withFontStack(svg: string): string {
  const end = svg.indexOf('>', svg.indexOf('<svg')) + 1;
  if (end <= 0) return svg;
  return `${svg.slice(0, end)}<style>text{font-family:${FONT_STACK}}</style>${svg.slice(end)}`;
}
