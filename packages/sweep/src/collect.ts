import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DONE_FILE, FAILED_FILE, METRICS_FILE } from './files.js';
import type { SweepCell } from './grid.js';

export interface CellResult<M = Record<string, unknown>> {
  name: string;
  values: Record<string, unknown>;
  status: 'done' | 'failed' | 'pending';
  /** The cell's `metrics.json` as its reader returned it; undefined while the cell has not written one. */
  metrics: M | undefined;
}

/**
 * Reads each cell's outcome back from `dir`, in the order of `cells`, to merge into one table.
 * `readMetrics` reads an existing metrics.json (default: any JSON object); the caller that knows
 * the file's type passes its typed, validating reader.
 */
export function collectResults<M = Record<string, unknown>>(
  dir: string,
  cells: readonly Pick<SweepCell, 'name' | 'values'>[],
  readMetrics: (path: string) => M = readJsonObject as (path: string) => M,
): CellResult<M>[] {
  return cells.map(({ name, values }) => {
    const cellDir = join(dir, name);
    const status = existsSync(join(cellDir, DONE_FILE)) ? 'done' : existsSync(join(cellDir, FAILED_FILE)) ? 'failed' : 'pending';
    const metricsPath = join(cellDir, METRICS_FILE);
    return { name, values, status, metrics: existsSync(metricsPath) ? readMetrics(metricsPath) : undefined };
  });
}

function readJsonObject(path: string): Record<string, unknown> | undefined {
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
