import { z } from 'zod';
import type { RunMetrics } from '@mgdl/report';
import { arms } from './config.js';

const nullableNumber = z.number().nullable();

/** metrics.json's `mgdl` section, written by `regressionCell` (JSON writes NaN and ±Infinity as null). */
export const mgdlMetricsSchema = z.object({
  arm: z.enum(arms),
  fraction: z.number(),
  trainSamples: z.number(),
  /** Test MSE of the standardised outputs after the last epoch. */
  testMse: nullableNumber,
  testMsePerOutput: z.record(z.string(), nullableNumber),
  /** Mean constraint violation on the test set, per constraint and in all. */
  violation: z.record(z.string(), nullableNumber),
  trainViolation: nullableNumber,
  target: z.number(),
  /** First epoch (1-based) whose test MSE reached `target`; null when none did. */
  epochsToTarget: nullableNumber,
  /** λ of the loss term at the end; null for arms without one. */
  finalWeight: nullableNumber,
  bestTestMse: nullableNumber,
  tailFluctuation: nullableNumber,
  /** Test MSE per epoch. */
  curve: z.array(nullableNumber),
});

export type MgdlMetrics = z.output<typeof mgdlMetricsSchema>;

/** The `mgdl` section of a cell's metrics, validated; an error names the field when it is not what the cell writes. */
export function mgdlOf(metrics: RunMetrics): MgdlMetrics | undefined {
  if (metrics['mgdl'] === undefined) return undefined;
  const result = mgdlMetricsSchema.safeParse(metrics['mgdl']);
  if (!result.success) throw new Error(`metrics.json: field 'mgdl.${result.error.issues[0]!.path.join('.')}': ${result.error.issues[0]!.message}`);
  return result.data;
}
