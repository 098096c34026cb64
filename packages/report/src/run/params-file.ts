import { renamedGridValues } from '@mgdl/forgetting';
import { writeFileAtomic } from '@mgdl/io';
import { z } from 'zod';
import { readJsonFile, validated } from './read-json.js';

/** params.json: what a run was started with (written once, atomically, by the run writer). */
export const runParamsSchema = z.looseObject({
  config: z.unknown(),
  /**
   * The config's `seed` (from 0.2 on; before, the seed the kernel initialised the model with, which
   * is the same unless the config set `initSeed`). Runs whose config has no seed record the kernel's.
   */
  seed: z.number(),
  /** The seed the kernel initialised the model with, where it differs from `seed` (the config's `initSeed`). */
  initSeed: z.number().optional(),
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

/** Writes params.json atomically, after checking it against the schema its reader uses. */
export function writeRunParams(path: string, params: RunParams): void {
  const text = JSON.stringify(params, null, 2);
  validated(runParamsSchema, JSON.parse(text), path);
  writeFileAtomic(path, `${text}\n`);
}

/**
 * The seeds params.json records for a run the kernel seeded with `kernelSeed`: the config's `seed`
 * when it has one, and the kernel's as `initSeed` when that differs.
 */
export function recordedSeeds(config: unknown, kernelSeed: number): Pick<RunParams, 'seed' | 'initSeed'> {
  const configSeed = (config as { seed?: unknown } | null | undefined)?.seed;
  if (typeof configSeed !== 'number') return { seed: kernelSeed };
  return { seed: configSeed, ...(configSeed !== kernelSeed ? { initSeed: kernelSeed } : {}) };
}

/** Reads params.json (also as run directories from before 0.2 wrote it: @mgdl/forgetting's renamedGridValues). */
export function readRunParams(path: string): RunParams {
  return renamedGridValues(readJsonFile(runParamsSchema, path));
}
