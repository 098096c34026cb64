import { z } from 'zod';
import { readJsonFile } from './read-json.js';

const nullableNumbers = z.array(z.number().nullable());
const trace = z.object({ label: z.string(), epoch: z.array(z.number()), value: z.array(z.number()) }).refine((t) => t.epoch.length === t.value.length, 'epoch and value differ in length');

/** traces.json: the series the report draws for one run (1-based epochs, as printed). */
export const scaleTracesSchema = z.object({
  /** System-scale M, F and M/F per epoch; null where S3 is still empty. */
  compromise: z
    .object({ epoch: z.array(z.number()), M: nullableNumbers, F: nullableNumbers, ratio: nullableNumbers })
    .refine((c) => c.M.length === c.epoch.length && c.F.length === c.epoch.length && c.ratio.length === c.epoch.length, 'M, F and ratio need one value per epoch')
    .optional(),
  /** M at element, meso and system scale, with where each settled. */
  scales: z
    .object({
      title: z.string().optional(),
      yTitle: z.string().optional(),
      element: z.array(trace),
      meso: z.array(trace),
      system: z.array(trace),
      settled: z.array(z.object({ scale: z.enum(['element', 'meso', 'system']), value: z.number(), amplitude: z.number() })).optional(),
    })
    .optional(),
});

export type ScaleTraces = z.output<typeof scaleTracesSchema>;

export const readScaleTraces = (path: string): ScaleTraces => readJsonFile(scaleTracesSchema, path);
