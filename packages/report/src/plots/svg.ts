import type { TopLevelSpec } from 'vega-lite';

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
    return await view.toSVG();
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
