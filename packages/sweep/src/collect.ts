import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DONE_FILE, FAILED_FILE, METRICS_FILE } from './files.js';
import type { SweepCell } from './grid.js';

export interface CellResult {
  name: string;
  values: Record<string, unknown>;
  status: 'done' | 'failed' | 'pending';
  /** The cell's parsed `metrics.json`; undefined while it has not written one. */
  metrics: Record<string, unknown> | undefined;
}

/** Reads each cell's outcome back from `dir`, in the order of `cells`, to merge into one table. */
export function collectResults(dir: string, cells: readonly Pick<SweepCell, 'name' | 'values'>[]): CellResult[] {
  return cells.map(({ name, values }) => {
    const cellDir = join(dir, name);
    const status = existsSync(join(cellDir, DONE_FILE)) ? 'done' : existsSync(join(cellDir, FAILED_FILE)) ? 'failed' : 'pending';
    return { name, values, status, metrics: readMetrics(join(cellDir, METRICS_FILE)) };
  });
}

function readMetrics(path: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const metrics: unknown = JSON.parse(text);
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) {
    throw new Error(`sweep: ${path} does not hold a JSON object`);
  }
  return metrics as Record<string, unknown>;
}
