import type { Dataset } from '@mgdl/datasets';
import { analyze, analyzeByNoise, forgettingStatistics, perSampleCsv, settle, type Analysis, type History, type Series } from '@mgdl/forgetting';
import { interchangeWriter } from '@mgdl/forgetting/node';
import type { KernelPlugin } from '@mgdl/kernel';
import { buildReport, forgettingSection, runWriter, scaleTracesOf, type NoiseDetection, type RunWriter, type ScaleTraces } from '@mgdl/report';
import { runFiles, SAMPLE_TABLES, writeFileAtomic } from '@mgdl/io';
import { sampleScorePlugins, writeSampleScores } from './sample-scores.js';

export interface ReportedRunOptions {
  /** The run directory to write (created if missing). */
  dir: string;
  /** The training set train() sees: its ids, labels, clean labels (injected or known noise) and samples for the gallery. */
  trainSet: Dataset;
  /** train()'s epochs (EL2N is the mean over the first min(20, epochs)). */
  epochs: number;
  /** The forgetting series: each batch's forward pass ('presentation', default) or the inference pass after each epoch (then give train() an inferencePass). */
  series?: Series;
  /** The run's configuration, kept in params.json. */
  config?: unknown;
  /** Extra facts for params.json (backend, dataset, …). */
  environment?: Record<string, unknown>;
  /** Also write the run in mgdl's interchange format, `dynamics.jsonl` in the run directory, for `mgdl analyze` (default false). */
  interchange?: boolean;
  /** TensorBoard event files beside the run's own files (default true). */
  tensorboard?: boolean;
}

export interface FinishOptions {
  /** The meso scale's groups, e.g. `mesoGroups(batcher)` from @mgdl/forgetting (the batches of epoch 0); without them, no meso scale. */
  groups?: readonly Int32Array[];
  /** Writes `report.html` in the run directory (default true): the page `mgdl report DIR` draws. */
  report?: boolean | { title?: string };
}

export interface ReportedRunResult {
  analysis: Analysis;
  /** Which per-sample score finds the noisy labels (AUCs), when the training set has clean labels. */
  noiseDetection?: NoiseDetection;
  /** The HTML report's path, when written. */
  reportFile?: string;
}

export interface ReportedRun {
  /** Give these to train() (with your own plugins after them). */
  plugins: KernelPlugin[];
  /** Writes the run directory (a plugin among `plugins`). */
  writer: RunWriter;
  /** @deprecated use `writer`; removed in 0.3.0. */
  recorder: RunWriter;
  /** After train(): writes the forgetting statistics, per-sample scores, noise-detection table, gallery, traces and the HTML report. */
  finish(options?: FinishOptions): Promise<ReportedRunResult>;
}

/**
 * A training run reported as mgdl's experiments report theirs, in one call before train() and one
 * after: forgetting statistics, data maps, AUM, EL2N and the final loss per sample; with clean
 * labels on the training set, the noise-detection table; the gallery; M/F at three scales; and the
 * HTML report — all in one run directory that `mgdl report` reads.
 */
export function reportedRun({ dir, trainSet, epochs, series = 'presentation', config = {}, environment = {}, interchange = false, tensorboard = true }: ReportedRunOptions): ReportedRun {
  if (trainSet.targets) throw new Error(`reportedRun: '${trainSet.name}' is a regression table; forgetting statistics need class labels`);
  // The report names classes from params.json where no gallery (a table's run) carries them.
  const stats = forgettingStatistics({ ids: trainSet.ids, mode: series });
  const writer = runWriter({ dir, config, environment: { classNames: trainSet.classNames, ...environment }, tensorboard, forgetting: () => stats.history(series) });
  const scores = sampleScorePlugins(series, epochs);
  const interchangeFile = interchange ? [interchangeWriter({ file: runFiles(dir).interchange, series, ...(trainSet.names ? { names: { ids: trainSet.ids, names: trainSet.names } } : {}) })] : [];
  return {
    plugins: [stats, ...scores.list, writer, ...interchangeFile],
    writer,
    recorder: writer,
    async finish({ groups, report = true } = {}) {
      const history = stats.history(series);
      const analysis = analyze(history, groups ? { groups: [...groups] } : {});
      const noisy = new Set(Array.from(trainSet.ids).filter((_, i) => trainSet.noise?.noisy[i] === 1));
      const split = analyzeByNoise(history, noisy);
      writer.writeSamples(SAMPLE_TABLES.forgetting, perSampleCsv(analysis, noisy));
      const noiseDetection = writeSampleScores(writer, trainSet, analysis, scores);
      if (noiseDetection) writer.summarize('noiseDetection', noiseDetection);
      const scaleTraces = scaleTracesOf(analysis, history);
      writer.writeTraces(scaleTraces);
      writer.summarize('forgetting', forgettingSection({ series, analysis, split, scales: { ...scaleSummary(scaleTraces.scales!), element: elementFluctuation(analysis, history) } }));
      let reportFile: string | undefined;
      if (report) {
        const page = await buildReport([dir], { title: (typeof report === 'object' && report.title) || `mgdl run: ${trainSet.name}` });
        reportFile = runFiles(dir).report;
        writeFileAtomic(reportFile, page.html);
      }
      return { analysis, ...(noiseDetection ? { noiseDetection } : {}), ...(reportFile ? { reportFile } : {}) };
    },
  };
}

const pick = (s: { value: number; amplitude: number }) => ({ value: s.value, amplitude: s.amplitude });

/** Settled M and its fluctuation at meso and system scale, for the verdicts. */
function scaleSummary(scales: NonNullable<ScaleTraces['scales']>) {
  const of = (trace: { value: number[] } | undefined) => (trace ? pick(settle(Float64Array.from(trace.value))) : null);
  return { meso: of(scales.meso[0]), system: of(scales.system[0]) };
}

/**
 * The element scale over every sample of S3: each sample's correctness (its own M) in the same
 * trailing window as the other scales, averaged — value = mean correctness, amplitude = mean of
 * (max − min)/2, i.e. half the share of S3 samples still flipping in the window.
 */
function elementFluctuation(analysis: Analysis, history: History): { value: number; amplitude: number } | null {
  const steps = analysis.steps;
  const from = steps - Math.max(1, Math.ceil(0.2 * steps));
  let [samples, correct, amplitude] = [0, 0, 0];
  for (let p = 0; p < analysis.perSample.set.length; p++) {
    if (analysis.perSample.set[p] !== 3) continue;
    let [ones, count] = [0, 0];
    for (let t = from; t < steps; t++, count++) ones += history.correct(p, t);
    samples++;
    correct += ones / count;
    amplitude += ones > 0 && ones < count ? 0.5 : 0;
  }
  return samples ? { value: correct / samples, amplitude: amplitude / samples } : null;
}
