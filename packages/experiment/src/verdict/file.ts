import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { EXPERIMENT_FILE_NAMES, writeFileAtomic } from '@mgdl/io';
import type { Judgement } from './judgement.js';

/** The file a run's verdict is kept in, beside `config.json` and `report.html`. */
export const VERDICT_FILE = EXPERIMENT_FILE_NAMES.verdict;

/** A number that may be missing where there was nothing to compute it from (too few seeds or values): JSON's null for NaN. */
const computed = z.number().nullable();

const testResult = z.object({ name: z.string(), statistic: computed, pValue: computed, pAgainst: computed.optional() });

const judgement = z.object({
  claim: z.string(),
  statistic: z.enum(['spearman', 'paired-difference', 'interior-optimum', 'seed-effect']),
  perSeed: z.array(z.object({ seed: z.number(), value: computed })),
  n: z.number().int(),
  mean: computed.optional(),
  interval: z.tuple([computed, computed]).optional(),
  level: z.number(),
  test: z.string(),
  tests: z.array(testResult),
  pValue: computed,
  pAgainst: computed.optional(),
  adjustedP: computed,
  adjustedPAgainst: computed.optional(),
  agree: z.number().int().optional(),
  at: z.number().optional(),
  outcome: z.enum(['held', 'not held', 'inconclusive']),
  exploratory: z.boolean().optional(),
});

/** A judgement as verdict.json keeps it: what could not be computed is null. */
export type StoredJudgement = z.infer<typeof judgement>;

/** verdict.json: what a run concluded, over which cells, and how each claim was judged. */
export const verdictFileSchema = z.object({
  /** The experiment's name (written from 0.2 on). */
  experiment: z.string().optional(),
  /** true: the claim held; false: it did not; null: inconclusive. */
  held: z.boolean().nullable(),
  text: z.string(),
  /** Whether every planned cell is done: a verdict over fewer cells says so here. */
  complete: z.boolean(),
  cells: z.object({ planned: z.number().int(), done: z.number().int(), failed: z.array(z.string()), notRun: z.array(z.string()) }),
  procedure: z.string().optional(),
  judgements: z.array(judgement).optional(),
  companions: z.array(judgement).optional(),
  table: z.object({ header: z.array(z.string()), rows: z.array(z.array(z.unknown())) }).optional(),
});

export type VerdictFile = z.infer<typeof verdictFileSchema>;

/** Writes `runDir/verdict.json` atomically, checked against the schema its reader uses (NaN, as JSON writes it, becomes null). */
export function writeVerdictFile(runDir: string, verdict: VerdictFile | (Omit<VerdictFile, 'judgements' | 'companions'> & { judgements?: readonly Judgement[]; companions?: readonly Judgement[] })): void {
  const text = `${JSON.stringify(verdict, null, 2)}\n`;
  verdictFileSchema.parse(JSON.parse(text));
  writeFileAtomic(join(runDir, VERDICT_FILE), text);
}

/** Reads a run's verdict.json, naming the file and the field when it is not one. */
export function readVerdictFile(path: string): VerdictFile {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (has the run concluded?)' : `not JSON: ${(error as Error).message}`}`, { cause: error });
  }
  const parsed = verdictFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${path} is not a verdict file: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
