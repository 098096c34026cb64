/*
 * Every name the word 'sweep' had before 0.2, when it came to mean only a grid of runs
 * (@mgdl/sweep), is read here and nowhere else: the inference-pass series (in files, flags, configs
 * and history states), forgettingStatistics' checkpoint state, and a cell's grid values in
 * params.json. This package is the one every reader of those names imports (the report, the
 * experiment framework, the CLI). In LEGACY_NAMES_REMOVED_IN, delete this file: its callers then
 * refuse the old names.
 */

/** The release that stops reading the names from before 0.2. */
export const LEGACY_NAMES_REMOVED_IN = '0.3.0';

/**
 * `value` with the inference-pass series' old name 'sweep' read as 'inference-pass', and a
 * deprecation warning that names `where` (a file and field, a flag); anything else is returned as it is.
 */
export function renamedSeries(value: unknown, where: string): unknown {
  if (value !== 'sweep') return value;
  // console, not process.emitWarning: synchronous (a CLI may exit first) and present outside Node too.
  console.warn(`DeprecationWarning: ${where}: 'sweep' is deprecated and will be refused from ${LEGACY_NAMES_REMOVED_IN} on; write 'inference-pass'`);
  return 'inference-pass';
}

/** forgettingStatistics' checkpoint state, read from before 0.2 too (`sweepsSeen`, a history under 'sweep'). */
export function renamedStatisticsState(state: unknown): { passesSeen: number; histories: Record<string, unknown> } {
  const saved = state as { passesSeen?: number; sweepsSeen?: number; histories: Record<string, unknown> };
  const { sweep, ...histories } = saved.histories;
  return { passesSeen: saved.passesSeen ?? saved.sweepsSeen ?? 0, histories: { ...(sweep !== undefined && histories['inference-pass'] === undefined ? { 'inference-pass': sweep } : {}), ...histories } };
}

/** A run's params.json, read from before 0.2 too, when a cell's grid values were kept under `sweep`. */
export function renamedGridValues<P extends { grid?: unknown }>(params: P): P {
  const old = (params as Record<string, unknown>)['sweep'];
  if (params.grid !== undefined || !old || typeof old !== 'object') return params;
  const { sweep: _sweep, ...rest } = params as Record<string, unknown>;
  return { ...rest, grid: old } as unknown as P;
}
