import { resolve } from 'node:path';
import type { z } from 'zod';
import { collectResults, slurmStatus } from '@mgdl/sweep';
import type { Experiment } from './define.js';
import { planStages, stageSlurmDir } from './stages.js';

/** `--status`: each cell's state from its directory (and squeue for the Slurm executor). */
export function printStatus<S extends z.ZodObject>(experiment: Experiment<S>, config: z.output<S>, out: string, executor: 'local' | 'slurm'): number {
  const dir = resolve(out);
  for (const stage of planStages(experiment, config, dir)) {
    const names = stage.cells.map((cell) => cell.name);
    const states =
      executor === 'slurm'
        ? slurmStatus(stage.dir, stageSlurmDir(dir, stage.name), names)
        : collectResults(stage.dir, stage.cells, () => undefined).map((r) => ({ name: r.name, state: r.status === 'pending' ? 'not done' : r.status, task: undefined, stderrTail: undefined }));
    for (const s of states) {
      const where = stage.name === undefined ? s.name : `${stage.name}/${s.name}`;
      process.stdout.write(`${where.padEnd(40)} ${s.state.padEnd(14)} ${s.task ?? ''}${s.stderrTail?.length ? `  ${s.stderrTail.slice(-1)[0]}` : ''}\n`);
    }
  }
  return 0;
}
