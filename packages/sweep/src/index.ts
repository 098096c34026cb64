export { expandGrid, type SweepCell } from './grid.js';
export { runSweep, type SweepEvent, type SweepFailure, type SweepOptions, type SweepResult } from './run-sweep.js';
export type { CellCommand } from './run-cell.js';
export { collectResults, type CellResult } from './collect.js';
export { DONE_FILE, FAILED_FILE, METRICS_FILE, PROGRESS_MARKER, STDERR_LOG, STDOUT_LOG } from './files.js';
