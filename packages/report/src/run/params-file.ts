import { renamedGridValues } from '@mgdl/forgetting';
import { z } from 'zod';
import { readJsonFile } from './read-json.js';

/** params.json: what a run was started with (written once, atomically, by the run writer). */
export const runParamsSchema = z.looseObject({
  config: z.unknown(),
  seed: z.number(),
  epochs: z.number(),
  batchesPerEpoch: z.number(),
  /** The cell's values in a grid of runs (e.g. `{ width: 4, seed: 1 }`); absent for a single run. */
  grid: z.record(z.string(), z.unknown()).optional(),
  /** Set by experiment cells: the dataset's stand-in note. */
  datasetNote: z.string().optional(),
  /**
   * The dataset's class names by class index, when the run records them: the report's per-class
   * table uses them where the run has no gallery (samples/gallery.json names the classes too).
   */
  classNames: z.array(z.string()).optional(),
  packages: z.record(z.string(), z.string().nullable()),
  git: z.string().nullable(),
  created: z.string(),
});

export type RunParams = z.output<typeof runParamsSchema>;

/** Reads params.json (also as run directories from before 0.2 wrote it: @mgdl/forgetting's renamedGridValues). */
export function readRunParams(path: string): RunParams {
  return renamedGridValues(readJsonFile(runParamsSchema, path));
}
