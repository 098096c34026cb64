import { join } from 'node:path';
import type { z } from 'zod';
import { experimentFiles } from '@mgdl/io';
import { expandGrid, type SweepCell } from '@mgdl/sweep';
import type { Experiment, Stage } from './define.js';

/** The directory of a stage's cells and of the files its `complete` writes. */
export function stageDirectory(runDir: string, stage: string): string {
  return join(experimentFiles(runDir).cells, stage);
}

type StageCell = SweepCell & { config: Record<string, unknown> & { grid: Record<string, unknown>; stage?: string } };

export interface PlannedStage {
  /** Undefined for an experiment with one `grid`: its cells sit directly in `cells/`. */
  name: string | undefined;
  dir: string;
  cells: StageCell[];
  complete?: Stage['complete'];
}

/** The sweeps a config implies: one for `grid`, or one per stage, every cell expanded up front so a bad grid fails before anything runs. */
export function planStages<S extends z.ZodObject>(experiment: Experiment<S>, config: z.output<S>, runDir: string): PlannedStage[] {
  const expand = (grid: Record<string, readonly unknown[]>, stage?: string): StageCell[] =>
    expandGrid(config as Record<string, unknown>, grid).map((cell) => ({ ...cell, config: { ...cell.config, grid: cell.values, ...(stage === undefined ? {} : { stage }) } }));
  if (experiment.grid && experiment.stages) throw new Error('an experiment has either a grid or stages, not both');
  if (experiment.grid) return [{ name: undefined, dir: experimentFiles(runDir).cells, cells: expand(experiment.grid(config)) }];
  if (!experiment.stages) throw new Error('an experiment needs a grid or stages');
  const stages = experiment.stages(config);
  if (stages.length === 0) throw new Error('stages() returned no stage');
  const seen = new Set<string>();
  return stages.map((stage) => {
    if (!/^[A-Za-z0-9._-]+$/.test(stage.name) || stage.name === '.' || stage.name === '..') throw new Error(`stage name ${JSON.stringify(stage.name)}: use letters, digits, '.', '_' and '-'`);
    if (seen.has(stage.name)) throw new Error(`two stages are named ${JSON.stringify(stage.name)}`);
    seen.add(stage.name);
    return { name: stage.name, dir: stageDirectory(runDir, stage.name), cells: expand(stage.grid, stage.name), ...(stage.complete ? { complete: stage.complete } : {}) };
  });
}

/** A stage's Slurm folder (scripts, sbatch output, jobs.json): `<run>/slurm[/<stage>]`, beside the cells. */
export const stageSlurmDir = (runDir: string, stage: string | undefined) => join(experimentFiles(runDir).slurm, ...(stage === undefined ? [] : [stage]));
