import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { collectResults, describeMixedProvenance, doneProblem, mixedProvenance, slurmStatus, staleCells } from '@mgdl/sweep';
import { cellFingerprint, cellIdentity, PROVENANCE_FIELDS } from '../runner/identity.js';
import type { Experiment } from '../runner/define.js';
import { planStages, stageSlurmDir } from '../runner/stages.js';

/** `--status` exits with this when some cell is not done (0: every cell is done and certified). */
export const NOT_DONE_EXIT = 3;

/**
 * `--status`: each cell's state from its directory (and squeue for the Slurm executor). A cell is
 * done only when its done.json certifies its config's fingerprint and unchanged result files.
 */
export function printStatus<S extends z.ZodObject>(experiment: Experiment<S>, config: z.output<S>, out: string, executor: 'local' | 'slurm'): number {
  const dir = resolve(out);
  let [cells, done] = [0, 0];
  const stages = planStages(experiment, config, dir);
  for (const stage of stages) {
    const names = stage.cells.map((cell) => cell.name);
    const certified = new Map(stage.cells.map((cell) => [cell.name, doneProblem(join(stage.dir, cell.name), cellFingerprint(cell.config))]));
    // A cell another config, other code or other data made: a rerun refuses it (or --fresh redoes it).
    const stale = new Map(staleCells(stage.cells, stage.dir, (cell) => cellIdentity(cell.config)).map(({ name, differences }) => [name, differences]));
    const states = (
      executor === 'slurm'
        ? slurmStatus(stage.dir, stageSlurmDir(dir, stage.name), names)
        : collectResults(stage.dir, stage.cells, () => undefined).map((r) => ({ name: r.name, state: r.status === 'pending' ? 'not done' : r.status, task: undefined, stderrTail: undefined }))
    ).map((s) => {
      const differs = stale.get(s.name);
      // The state stays what the directory says; the note says a rerun with this config would refuse it.
      if (differs) return { ...s, stderrTail: [`made by another config, code or data (a rerun refuses it): ${differs.slice(0, 2).join('; ')}${differs.length > 2 ? ` (+${differs.length - 2} more)` : ''}`] };
      const problem = certified.get(s.name);
      // done.json exists but no longer holds (an edited metrics.json, another config): the runner reruns it.
      return s.state === 'done' && problem !== undefined ? { ...s, state: 'not done', stderrTail: [`done.json does not hold: ${problem}`] } : s;
    });
    for (const s of states) {
      const where = stage.name === undefined ? s.name : `${stage.name}/${s.name}`;
      process.stdout.write(`${where.padEnd(40)} ${s.state.padEnd(14)} ${s.task ?? ''}${s.stderrTail?.length ? `  ${s.stderrTail.slice(-1)[0]}` : ''}\n`);
    }
    cells += states.length;
    done += states.filter((s) => s.state === 'done' && !stale.has(s.name)).length;
  }
  // Cells of one run made by different code or data give numbers that do not belong together.
  const cellDirs = stages.flatMap((stage) => stage.cells.map((cell) => join(stage.dir, cell.name)));
  for (const mixed of mixedProvenance(cellDirs, PROVENANCE_FIELDS)) process.stdout.write(`warning: ${describeMixedProvenance(mixed)}\n`);
  process.stdout.write(`${done} of ${cells} cells done${done < cells ? ` (exit ${NOT_DONE_EXIT}: the run is not complete)` : ''}\n`);
  return done === cells ? 0 : NOT_DONE_EXIT;
}
