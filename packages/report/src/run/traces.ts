import { z } from 'zod';
import { settle, type Analysis, type History } from '@mgdl/forgetting';
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

/**
 * The traces.json a run's forgetting analysis gives: system-scale M, F and M/F per step, and M at
 * three scales — the two most often forgotten S3 samples (the seed's points A and B), group 1 of
 * the meso partition (the seed's "batch index = 1"; group 0 when there is one), all samples — with
 * where each settled. Steps are numbered from 1, as printed.
 */
export function scaleTracesOf(analysis: Analysis, history: History, name: (id: number) => string = String): ScaleTraces {
  const epochs = Array.from({ length: analysis.steps }, (_, t) => t + 1);
  const finite = (xs: Float64Array) => Array.from(xs, (x) => (Number.isFinite(x) ? x : null));
  const s3 = Array.from(analysis.perSample.set.keys())
    .filter((p) => analysis.perSample.set[p] === 3)
    .sort((a, b) => analysis.perSample.forgettingEvents[b]! - analysis.perSample.forgettingEvents[a]! || a - b)
    .slice(0, 2);
  const element = s3.map((p) => ({ label: `sample ${name(analysis.perSample.ids[p]!)}`, epoch: epochs, value: epochs.map((_, t) => history.correct(p, t)) }));
  const keep = (values: ArrayLike<number>) => epochs.map((e, i) => ({ e, v: values[i]! })).filter((p) => Number.isFinite(p.v));
  const meso = analysis.meso?.[1] ?? analysis.meso?.[0];
  const mesoPoints = meso ? keep(meso.M) : [];
  const systemPoints = keep(analysis.system.M);
  const settled = (points: { v: number }[]) => {
    const s = settle(Float64Array.from(points.map((p) => p.v)));
    return { value: s.value, amplitude: s.amplitude };
  };
  return {
    compromise: { epoch: epochs, M: finite(analysis.system.M), F: finite(analysis.system.F), ratio: finite(analysis.system.ratio) },
    scales: {
      title: 'M at element, meso and system scale',
      yTitle: 'M (share of S3 correct)',
      element,
      meso: mesoPoints.length ? [{ label: analysis.meso?.[1] ? 'group 1' : 'group 0', epoch: mesoPoints.map((p) => p.e), value: mesoPoints.map((p) => p.v) }] : [],
      system: systemPoints.length ? [{ label: 'all samples', epoch: systemPoints.map((p) => p.e), value: systemPoints.map((p) => p.v) }] : [],
      settled: [
        ...(mesoPoints.length ? [{ scale: 'meso' as const, ...settled(mesoPoints) }] : []),
        ...(systemPoints.length ? [{ scale: 'system' as const, ...settled(systemPoints) }] : []),
      ].filter((s) => Number.isFinite(s.value) && Number.isFinite(s.amplitude)),
    },
  };
}
