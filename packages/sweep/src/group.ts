import type { PendingCell } from './plan.js';
import type { CellCommand } from './run-cell.js';

/**
 * Cells trained together in one process (e.g. a grid's seeds as one ensemble): pending cells with
 * one `key` (undefined: alone) start as one `command` over all of them. Each stays a cell of its
 * own — its directory, logs (the process's output goes to each), done.json or failed.json — and a
 * rerun groups only those still pending. A group of one runs the cell's own `command`. The local
 * pool and the Slurm executor (one array task per group) group alike.
 */
export interface CellGroups<C> {
  key: (cell: C) => string | undefined;
  command: (cells: readonly C[], cellDirs: readonly string[]) => CellCommand;
}

/** One process to start: a pending cell alone, or the pending cells of one group. */
export interface CellJob {
  /** The cell's name, or `first+N more` for a group (in progress lines, the interrupt trap and Slurm's log). */
  label: string;
  members: PendingCell[];
  command: CellCommand;
}

/** The pending cells as the processes to start, each group in the place of its first cell. */
export function groupPending<C extends { name: string }>(pending: readonly PendingCell[], cells: readonly C[], groups: CellGroups<C> | undefined): CellJob[] {
  const alone = (cell: PendingCell): CellJob => ({ label: cell.name, members: [cell], command: cell.command });
  if (!groups) return pending.map(alone);
  const byName = new Map(cells.map((cell) => [cell.name, cell]));
  const byKey = new Map<string, PendingCell[]>();
  const jobs: (CellJob | PendingCell[])[] = [];
  for (const cell of pending) {
    const key = groups.key(byName.get(cell.name)!);
    if (key === undefined) {
      jobs.push(alone(cell));
      continue;
    }
    const group = byKey.get(key);
    if (group) group.push(cell);
    else {
      const members = [cell];
      byKey.set(key, members);
      jobs.push(members);
    }
  }
  return jobs.map((job) => {
    if (!Array.isArray(job)) return job;
    if (job.length === 1) return alone(job[0]!);
    const command = groups.command(job.map((cell) => byName.get(cell.name)!), job.map((cell) => cell.cellDir));
    return { label: `${job[0]!.name}+${job.length - 1} more`, members: job, command };
  });
}
