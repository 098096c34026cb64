import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { doneProblem } from './certify.js';
import { DONE_FILE, IDENTITY_FILE } from './files.js';
import { differences, fingerprintOf, readIdentity, writeIdentity } from './identity.js';
import type { CellCommand } from './run-cell.js';

/** Cell directories made by another identity than the one asked for: nothing was started. */
export class CellIdentityError extends Error {
  constructor(readonly stale: readonly { name: string; differences: readonly string[] }[]) {
    const shown = stale.slice(0, 3).map(({ name, differences }) => `  ${name}: ${differences.slice(0, 6).join('; ')}${differences.length > 6 ? ` (+${differences.length - 6} more)` : ''}`);
    super(`${stale.length} cell(s) were made by a different config, code or data:\n${shown.join('\n')}${stale.length > 3 ? `\n  … and ${stale.length - 3} more` : ''}`);
    this.name = 'CellIdentityError';
  }
}

export interface PlanOptions<C extends { name: string }> {
  cells: readonly C[];
  dir: string;
  command: (cell: C, cellDir: string) => CellCommand;
  identity?: (cell: C) => unknown;
  fresh?: boolean;
}

/** A cell that is not certified done: where it runs, what identity it must certify, and how it starts. */
export interface PendingCell {
  name: string;
  cellDir: string;
  fingerprint: string | null;
  command: CellCommand;
}

export interface SweepPlan {
  pending: PendingCell[];
  /** Certified done for their fingerprint: not run again. */
  done: string[];
  /** Had a done.json that no longer holds (another fingerprint, a result file changed), with why. */
  rechecked: { name: string; reason: string }[];
}

/**
 * What a sweep still has to run, the same for every executor: a cell directory made by another
 * identity stops everything (CellIdentityError) unless `fresh` deletes it; a cell whose done.json
 * certifies its unchanged result files for its fingerprint is done; every other cell gets its
 * directory and identity.json and is pending. Nothing is started here.
 */
export function planSweep<C extends { name: string }>({ cells, dir, command, identity, fresh = false }: PlanOptions<C>): SweepPlan {
  const planned = plannedCells(cells, dir, identity);
  const stale = staleOf(planned);
  if (stale.length > 0) {
    if (!fresh) throw new CellIdentityError(stale);
    for (const { cellDir } of stale) rmSync(cellDir, { recursive: true, force: true });
  }
  const plan: SweepPlan = { pending: [], done: [], rechecked: [] };
  for (const { cell, cellDir, id, fingerprint } of planned) {
    const problem = doneProblem(cellDir, fingerprint);
    if (problem === undefined) {
      plan.done.push(cell.name);
      continue;
    }
    if (existsSync(join(cellDir, DONE_FILE))) {
      plan.rechecked.push({ name: cell.name, reason: problem });
      rmSync(join(cellDir, DONE_FILE));
    }
    mkdirSync(cellDir, { recursive: true });
    if (fingerprint !== null && !existsSync(join(cellDir, IDENTITY_FILE))) writeIdentity(cellDir, id);
    plan.pending.push({ name: cell.name, cellDir, fingerprint, command: command(cell, cellDir) });
  }
  return plan;
}

const plannedCells = <C extends { name: string }>(cells: readonly C[], dir: string, identity: ((cell: C) => unknown) | undefined) =>
  cells.map((cell) => {
    const id = identity?.(cell);
    return { cell, cellDir: join(resolve(dir), cell.name), id, fingerprint: identity ? fingerprintOf(id) : null };
  });

function staleOf(planned: ReturnType<typeof plannedCells<{ name: string }>>): { name: string; cellDir: string; differences: string[] }[] {
  return planned.flatMap(({ cell, cellDir, id, fingerprint }) => {
    const saved = fingerprint === null ? undefined : readIdentity(cellDir);
    if (saved === undefined || (saved !== 'unknown' && saved.fingerprint === fingerprint)) return [];
    return [{ name: cell.name, cellDir, differences: saved === 'unknown' ? ['no identity.json (made before run fingerprints, or damaged)'] : differences(saved.identity, id) }];
  });
}

/** The cells of `dir` that another identity made, without changing anything: what planSweep would refuse. */
export function staleCells<C extends { name: string }>(cells: readonly C[], dir: string, identity: (cell: C) => unknown): { name: string; differences: string[] }[] {
  return staleOf(plannedCells(cells, dir, identity)).map(({ name, differences }) => ({ name, differences }));
}
