import { z } from 'zod';
import { renamedSeries, SERIES } from '@mgdl/forgetting';
import { noiseDetectionSchema } from '../samples/noise-detection.js';
import { readJsonFile } from './read-json.js';

const evaluation = z.object({ loss: z.number(), accuracy: z.number().optional(), samples: z.number() });
const settled = z.object({ value: z.number(), amplitude: z.number() }).nullable();
// JSON writes NaN and ±Infinity as null.
const ratio = z.number().nullable();

/** `summarize(analysis)` of @mgdl/forgetting: sets, final M and F over S3, events. */
export const analysisSummarySchema = z.object({
  samples: z.number(),
  steps: z.number(),
  S1: z.number(),
  S2: z.number(),
  S3: z.number(),
  M: ratio,
  F: ratio,
  ratio,
  events: z.number(),
  unforgettable: z.number(),
});

/** metrics.json's `forgetting` section, as an experiment cell writes it. */
export const forgettingMetricsSchema = analysisSummarySchema.extend({
  series: z.preprocess((value) => renamedSeries(value, 'metrics.json forgetting.series'), z.enum(SERIES)),
  /** System-scale M/F where it came to rest (trailing window), and its fluctuation. */
  settledRatio: ratio,
  settledAmplitude: ratio.optional(),
  mesoSettledRatio: ratio.optional(),
  regime: z.string(),
  /** The same summary over the clean and over the noisy samples only. */
  clean: analysisSummarySchema.optional(),
  noisy: analysisSummarySchema.optional(),
  /** Settled M and its fluctuation per scale. */
  scales: z.object({ element: settled, meso: settled, system: settled }).optional(),
});

/**
 * metrics.json: the run's latest epoch (rewritten atomically after each), the run's end, and
 * named sections added with `writer.summarize` — `forgetting` typed here, app sections
 * (e.g. `mgdl`) kept as they are. `epoch` counts the epochs done (1-based, as printed).
 */
export const runMetricsSchema = z.looseObject({
  epoch: z.number().optional(),
  step: z.number().optional(),
  train: z.object({ loss: z.number(), accuracy: z.number().optional(), samples: z.number(), samplesPerSec: z.number().nullable(), seconds: z.number() }).optional(),
  validation: evaluation.optional(),
  test: evaluation.optional(),
  learningRate: z.number().nullable().optional(),
  terms: z.record(z.string(), z.number().nullable()).optional(),
  /** How the run ended: `stopped` by a plugin, or failed with `error`. */
  run: z.object({ epochs: z.number(), steps: z.number(), seconds: z.number(), stopped: z.string().optional(), error: z.string().optional() }).optional(),
  forgetting: forgettingMetricsSchema.optional(),
  /** How well each per-sample score finds the noisy labels (runs with label noise). */
  noiseDetection: noiseDetectionSchema.optional(),
});

export type AnalysisSummaryMetrics = z.output<typeof analysisSummarySchema>;
export type ForgettingMetrics = z.output<typeof forgettingMetricsSchema>;
export type RunMetrics = z.output<typeof runMetricsSchema>;

export const readRunMetrics = (path: string): RunMetrics => readJsonFile(runMetricsSchema, path);
