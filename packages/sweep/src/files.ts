import { CELL_FILE_NAMES } from '@mgdl/io';

/** Files the runner reads or writes in each cell directory: names owned by @mgdl/io's run layout. */
export const DONE_FILE = CELL_FILE_NAMES.done;
/** The cell's identity (resolved config and its fingerprint), written before it first starts. */
export const IDENTITY_FILE = CELL_FILE_NAMES.identity;
export const FAILED_FILE = CELL_FILE_NAMES.failed;
export const METRICS_FILE = CELL_FILE_NAMES.metrics;
export const STDOUT_LOG = CELL_FILE_NAMES.stdout;
export const STDERR_LOG = CELL_FILE_NAMES.stderr;

/** A child's stdout line starting with this is reported as a `progress` event (the rest of the line). */
export const PROGRESS_MARKER = '@@progress';
