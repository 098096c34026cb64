import type { z } from 'zod';
import type { CellResult } from '@mgdl/sweep';

export type PresetName = 'smoke' | 'default' | 'paper';

/** What the report says about the seed's claim: held, did not hold, or cannot tell at this scale. */
export interface Verdict {
  held: boolean | null;
  text: string;
  table?: { header: string[]; rows: unknown[][] };
}

/**
 * One experiment app: a config schema with three presets (smoke ≤ 1 min on 2 cores and run by CI;
 * default ≤ 30 min on real data; paper = the paper's settings), the sweep grid a config implies,
 * the training cell, and how the cells' results answer the seed's claim.
 */
export interface Experiment<S extends z.ZodObject> {
  name: string;
  title: string;
  /** The seed paper's claim this experiment tests, in one or two sentences. */
  claim: string;
  schema: S;
  presets: Record<PresetName, z.input<S>>;
  /** The swept fields and their values (dotted keys set nested fields); {} runs one cell. */
  grid(config: z.output<S>): Record<string, readonly unknown[]>;
  /** Trains one cell in `cellDir`, resuming from its checkpoint there, and writes its run directory. */
  cell(config: z.output<S> & { sweep: Record<string, unknown> }, cellDir: string): Promise<void>;
  conclude(results: readonly CellResult[], config: z.output<S>): Verdict;
}

export function defineExperiment<S extends z.ZodObject>(experiment: Experiment<S>): Experiment<S> {
  return experiment;
}
