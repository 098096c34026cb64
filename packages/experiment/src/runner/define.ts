import type { PlotSpec, RunMetrics } from '@mgdl/report';
import type { Judgement } from '../verdict/index.js';
import type { z } from 'zod';
import type { CellResult } from '@mgdl/sweep';

export type PresetName = 'smoke' | 'default' | 'paper';

/** What the report says about the seed's claim: held, did not hold, or cannot tell at this scale. */
export interface Verdict {
  /** true: held; false: not held; null: inconclusive (with the judgements, under the shared rule `PROCEDURE`). */
  held: boolean | null;
  text: string;
  /** Each claim judged over seeds (verdict/): per-seed values, tests, Holm-adjusted p and outcome; written to verdict.json with the procedure and printed in the report. */
  judgements?: Judgement[];
  /** Exploratory statistics judged beside the claim and never combined into it (e.g. the reviewers' S2 share, forgetting counts and final odds; companions.ts). */
  companions?: Judgement[];
  table?: { header: string[]; rows: unknown[][] };
  /** Plots of the claim (e.g. `lineChart` from @mgdl/report), drawn under the verdict and saved in `figures/`. */
  figures?: { caption: string; spec: PlotSpec }[];
}

/** A cell's outcome as `conclude` and `Stage.complete` see it: `stage` names its stage in a staged experiment. */
export type ExperimentResult = CellResult<RunMetrics> & { stage?: string };

/** Where a cell runs, beyond its own directory. */
export interface CellContext {
  /** The run directory (`<runs dir>/<app>/<run name>`); stage `s` keeps its cells and outputs in `stageDirectory(runDir, s)`. */
  runDir: string;
  /** The cell's stage in a staged experiment (also `config.stage`); undefined for a single grid. */
  stage?: string;
}

/**
 * One stage of a staged experiment. Stages run in order, each a sweep of its own grid over the
 * config, its cells in `cells/<stage name>/<cell name>`. Once every cell of a stage has finished,
 * `complete` runs in the runner and may combine their outputs into files under `dir`
 * (= `cells/<stage name>`), which the cells of later stages read through `CellContext.runDir`
 * — e.g. a ranking from the first stage that decides what the second stage trains on.
 * If a cell of a stage fails, the later stages do not run (their cells stay pending); a rerun
 * skips finished cells, reruns `complete`, and carries on.
 */
export interface Stage {
  /** A directory name: letters, digits, `.`, `_` and `-`. */
  name: string;
  /** The swept fields and their values, as `Experiment.grid`; {} runs one cell. */
  grid: Record<string, readonly unknown[]>;
  complete?(results: readonly ExperimentResult[], dir: string): void | Promise<void>;
}

/**
 * One experiment app: a config schema with three presets (smoke ≤ 1 min on 2 cores and run by CI;
 * default ≤ 30 min on real data; paper = the paper's settings), the sweep grid a config implies —
 * or, when a later sweep depends on an earlier one's results, the stages — the training cell, and
 * how the cells' results answer the seed's claim.
 */
export interface Experiment<S extends z.ZodObject> {
  name: string;
  title: string;
  /** The seed paper's claim this experiment tests, in one or two sentences. */
  claim: string;
  schema: S;
  presets: Record<PresetName, z.input<S>>;
  /** The swept fields and their values (dotted keys set nested fields); {} runs one cell. Give this or `stages`. */
  grid?(config: z.output<S>): Record<string, readonly unknown[]>;
  /**
   * Sweeps that run one after another (see `Stage`), instead of one `grid`. Write
   * `stages: (config): Stage[] => [...]`: without the return type, TypeScript widens stage grids
   * with different keys (`seed?: undefined`) and rejects them.
   */
  stages?(config: z.output<S>): Stage[];
  /**
   * Trains one cell in `cellDir`, resuming from its checkpoint there, and writes its run directory.
   * `config.grid` holds the cell's grid values; `config.stage` its stage, in a staged experiment.
   */
  cell(config: z.output<S> & { grid: Record<string, unknown>; stage?: string }, cellDir: string, context: CellContext): Promise<void>;
  /**
   * Trains cells that differ only in their `seed` grid value together, in one process (e.g. one
   * `classificationEnsemble`), each directory getting exactly what `cell` writes there. The local
   * runner groups a stage's pending cells by their other grid values (splitting a group where there
   * are fewer groups than workers, see seedGroupKey) and calls this per group of two or more,
   * unless `--ensemble off`; Slurm runs every cell alone.
   */
  ensembleCell?(cells: readonly { config: z.output<S> & { grid: Record<string, unknown>; stage?: string }; dir: string }[], context: CellContext): Promise<void>;
  /** Every cell's result, stage by stage in a staged experiment; `context.runDir` holds what stages wrote. */
  conclude(results: readonly ExperimentResult[], config: z.output<S>, context: { runDir: string }): Verdict;
}

export function defineExperiment<S extends z.ZodObject>(experiment: Experiment<S>): Experiment<S> {
  return experiment;
}
