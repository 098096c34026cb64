import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportFigure } from './report.js';

const slug = (text: string, words: number) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .slice(0, words)
    .join('-');

/** `NN-<section>--<first words of the caption>.svg`, numbered in page order so names stay unique and sorted. */
export function figureFileName(figure: ReportFigure, index: number): string {
  return `${String(index + 1).padStart(2, '0')}-${slug(figure.section, 6)}--${slug(figure.caption, 6)}.svg`;
}

/**
 * Replaces `dir` with one SVG file per figure and returns their paths. The set is written into a
 * sibling folder first and swapped in by rename, so `dir` never mixes the figures of two reports and
 * a failed write leaves the previous set in place.
 */
export function writeFigures(dir: string, figures: readonly ReportFigure[]): string[] {
  const fresh = `${dir}.partial-${process.pid}`;
  const stale = `${dir}.old-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(fresh, { recursive: true });
  const names = figures.map(figureFileName);
  try {
    figures.forEach((figure, i) => writeFileSync(join(fresh, names[i]!), figure.svg));
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    throw error;
  }
  if (existsSync(dir)) renameSync(dir, stale);
  renameSync(fresh, dir);
  rmSync(stale, { recursive: true, force: true });
  return names.map((name) => join(dir, name));
}
