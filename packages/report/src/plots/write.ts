import { mkdirSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { writeFileAtomic } from '@mgdl/io';
import type { TopLevelSpec } from 'vega-lite';
import { renderPng } from './raster.js';
import { renderSvg } from './svg.js';

export interface WrittenPlot {
  svg: string;
  png: string;
}

/**
 * Writes `name.svg` and `name.png` into `dir`. Both are rendered before anything is written, and
 * if the second write fails the first is removed, so a failure never leaves a mismatched pair.
 */
export async function writePlot(dir: string, name: string, spec: TopLevelSpec): Promise<WrittenPlot> {
  if (name === '' || basename(name) !== name || name.startsWith('.')) {
    throw new RangeError(`plot name must be a plain file name, got ${JSON.stringify(name)}`);
  }
  const svg = await renderSvg(spec);
  const png = await renderPng(svg);
  const paths = { svg: join(dir, `${name}.svg`), png: join(dir, `${name}.png`) };
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(paths.svg, svg);
  try {
    writeFileAtomic(paths.png, png);
  } catch (error) {
    rmSync(paths.svg, { force: true });
    throw error;
  }
  return paths;
}
