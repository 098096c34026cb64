import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import type { History } from '@mgdl/forgetting';
import { writeFileAtomic } from '@mgdl/io';
import type { EpochMetrics, KernelPlugin, RunSummary } from '@mgdl/kernel';
import { EventFileWriter } from '../tensorboard/index.js';
import { runFiles, type RunEvent } from './layout.js';
import { TAG_CSV_HEADER, tagCsvRows } from './tag-csv.js';
import { runMetricsSchema, type RunMetrics } from './metrics.js';
import { validated } from './read-json.js';
import { scaleTracesSchema, type ScaleTraces } from './traces.js';
import { gitSha, packageVersions } from './params.js';
import { recordedSeeds, writeRunParams } from './params-file.js';
import { galleryJson, type GalleryFile } from '../samples/gallery.js';
import { perSampleHistograms } from './per-sample-histograms.js';

export interface RunWriterOptions {
  dir: string;
  /** The resolved configuration of the run (anything JSON). */
  config: unknown;
  /** Extra facts for params.json, e.g. the backend report. */
  environment?: Record<string, unknown>;
  /** Write TensorBoard event files too (default true). */
  tensorboard?: boolean;
  /** Also record the batch loss every this many steps (default: per epoch only). */
  batchLossEvery?: number;
  /**
   * Per-epoch TensorBoard histograms of the per-sample loss and margin (each sample's last
   * presentation in the epoch), and with `forgetting` each sample's forgetting events so far
   * (default true; needs the kernel's per-sample arrays, which classification runs deliver).
   */
  histograms?: boolean;
  /**
   * The per-sample correctness history whose forgetting events the `per_sample/forgetting_events`
   * histogram shows: e.g. `() => stats.history('presentation')` of @mgdl/forgetting's
   * forgettingStatistics plugin, which records it (and restores it on resume) — this writer only
   * asks it at each epoch's end. Without it, that histogram is not written.
   */
  forgetting?: () => History;
}

export interface RunWriter extends KernelPlugin {
  readonly dir: string;
  /** Adds a section to metrics.json (e.g. `forgetting`) and rewrites it atomically; a section of the wrong shape is refused. */
  summarize<K extends string>(key: K, value: RunMetrics[K]): void;
  /** Writes samples/<name>.csv atomically. */
  writeSamples(name: string, csv: string): void;
  /** Writes samples/gallery.json atomically (the samples the report's gallery shows). */
  writeGallery(gallery: GalleryFile): void;
  /** Stores the series the report draws in traces.json, atomically; traces of the wrong shape are refused. */
  writeTraces(traces: ScaleTraces): void;
  /** Records a value outside the kernel's hooks (e.g. from an app). */
  record(tag: string, value: number, step: number, epoch: number): void;
}

const PACKAGES = ['@mgdl/backend', '@mgdl/datasets', '@mgdl/models', '@mgdl/kernel', '@mgdl/forgetting', '@mgdl/report', '@tensorflow/tfjs-core', '@tensorflow/tfjs-layers'];

/**
 * The kernel plugin that writes a run directory as training goes: values are buffered and appended
 * once per epoch (events.jsonl, per-tag CSVs, TensorBoard), summary files are replaced atomically.
 * On resume, records past the checkpoint are dropped so no step appears twice.
 */
export function runWriter({ dir, config, environment = {}, tensorboard = true, batchLossEvery, histograms = true, forgetting }: RunWriterOptions): RunWriter {
  const files = runFiles(dir);
  const perSample = perSampleHistograms(forgetting);
  let pending: RunEvent[] = [];
  const summary: Record<string, unknown> = {};
  let tensorboardFile: EventFileWriter | undefined;
  let latest: EpochMetrics | undefined;
  let finished: RunSummary | undefined;
  let failure: string | undefined;

  const record = (tag: string, value: number, step: number, epoch: number) => {
    if (Number.isFinite(value)) pending.push({ wall_time: Date.now() / 1000, step, epoch, tag, value });
  };
  const flush = () => {
    if (pending.length === 0) return;
    appendFileSync(files.events, pending.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const byTag = new Map<string, RunEvent[]>();
    for (const event of pending) byTag.set(event.tag, [...(byTag.get(event.tag) ?? []), event]);
    for (const [tag, events] of byTag) {
      const path = files.tagCsv(tag);
      const header = existsSync(path) ? '' : `${TAG_CSV_HEADER}\n`;
      appendFileSync(path, header + tagCsvRows(events));
      for (const e of events) tensorboardFile?.scalar(tag, e.value, e.step, e.wall_time);
    }
    tensorboardFile?.flush();
    pending = [];
  };
  const writeMetrics = (run?: RunSummary) => {
    const final = latest && {
      epoch: latest.epoch + 1,
      step: latest.step,
      train: latest.train,
      ...(latest.validation ? { validation: latest.validation } : {}),
      ...(latest.test ? { test: latest.test } : {}),
      learningRate: latest.learningRate,
      terms: latest.terms,
    };
    const text = JSON.stringify({ ...final, ...(run ? { run: { epochs: run.epochs, steps: run.steps, seconds: run.seconds, ...(run.stopped ? { stopped: run.stopped } : {}), ...(failure ? { error: failure } : {}) } } : {}), ...summary }, null, 2);
    // Checked as its reader will see it (after JSON turned NaN into null), so a bad section fails here, not in the report.
    validated(runMetricsSchema, JSON.parse(text), files.metrics);
    writeFileAtomic(files.metrics, text + '\n');
  };

  return {
    name: 'run-writer',
    enforce: 'post',
    dir,
    ...(tensorboard && histograms ? { perSample: true } : {}),
    onRunStart(info) {
      // A resume at the very end trains no epoch: metrics.json must still hold the last one.
      latest = info.epochMetrics.at(-1);
      mkdirSync(files.tagDir, { recursive: true });
      mkdirSync(files.samplesDir, { recursive: true });
      // A fresh start (no checkpoint yet) drops what an attempt cut before its first checkpoint appended, or its steps would appear twice.
      dropAfter(files, info.resumed ? info.startStep : 0);
      if (!info.resumed) writeRunParams(files.params, { config, ...recordedSeeds(config, info.seed), epochs: info.epochs, batchesPerEpoch: info.batchesPerEpoch, ...environment, packages: packageVersions(PACKAGES), git: gitSha(), created: new Date().toISOString() });
      if (tensorboard) tensorboardFile = new EventFileWriter(files.tensorboard, info.resumed ? { suffix: `resumed-at-${info.startStep}` } : {});
    },
    onBatchEnd(event) {
      if (tensorboard && histograms) perSample.observe(event);
      if (batchLossEvery && event.step % batchLossEvery === 0) record('train/batch_loss', event.meanLoss, event.step, event.epoch);
    },
    onEpochEnd(metrics) {
      const { epoch, step, train } = metrics;
      const put = (tag: string, value: number | undefined) => value !== undefined && record(tag, value, step, epoch);
      put('train/loss', train.loss);
      put('train/accuracy', train.accuracy);
      put('train/samples_per_sec', train.samplesPerSec);
      put('learning_rate', metrics.learningRate);
      for (const [name, value] of Object.entries(metrics.terms)) put(`terms/${name}`, value);
      for (const split of ['validation', 'test'] as const) {
        put(`${split}/loss`, metrics[split]?.loss);
        put(`${split}/accuracy`, metrics[split]?.accuracy);
      }
      latest = metrics;
      flush();
      if (tensorboardFile) perSample.write(tensorboardFile, step);
      writeMetrics();
    },
    onCheckpoint() {
      flush();
    },
    onRunEnd(run) {
      finished = run;
      flush();
      writeMetrics(run);
      tensorboardFile?.close();
    },
    onRunError(error, run) {
      // Keep what the run recorded up to the failure, and leave the TensorBoard file complete.
      failure = error instanceof Error ? error.message : String(error);
      flush();
      writeMetrics(run);
      tensorboardFile?.close();
    },
    summarize(key, value) {
      const previous = summary[key];
      summary[key] = value;
      try {
        writeMetrics(finished);
      } catch (error) {
        summary[key] = previous;
        throw error;
      }
    },
    writeSamples(name, csv) {
      mkdirSync(files.samplesDir, { recursive: true });
      writeFileAtomic(files.samples(name), csv);
    },
    writeGallery(gallery) {
      mkdirSync(files.samplesDir, { recursive: true });
      writeFileAtomic(files.gallery, galleryJson(gallery));
    },
    writeTraces(traces) {
      const text = JSON.stringify(traces);
      validated(scaleTracesSchema, JSON.parse(text), files.traces);
      writeFileAtomic(files.traces, text + '\n');
    },
    record,
  };
}

/** After a resume: keep only the records up to the checkpoint's step, in events.jsonl and the tag CSVs. */
function dropAfter(files: ReturnType<typeof runFiles>, step: number): void {
  if (existsSync(files.events)) {
    const kept = wholeLines(files.events).filter((line, i) => {
      try {
        return (JSON.parse(line) as RunEvent).step <= step;
      } catch (error) {
        throw new Error(`${files.events} line ${i + 1}: not a JSON record (${(error as Error).message}); the run directory is damaged: delete it to start the run over`, { cause: error });
      }
    });
    writeFileAtomic(files.events, kept.length ? kept.join('\n') + '\n' : '');
  }
  for (const name of existsSync(files.tagDir) ? readdirSync(files.tagDir) : []) {
    const path = `${files.tagDir}/${name}`;
    const [header, ...rows] = wholeLines(path);
    if (header === undefined) continue;
    writeFileAtomic(path, [header, ...rows.filter((row) => Number(row.split(',')[0]) <= step)].join('\n') + '\n');
  }
}

/**
 * The complete lines of an append-only file. Every append ends with a newline, so text after the
 * last one is an append that a kill or a full disk cut short: it is dropped with a warning (the
 * resumed run writes that record again), never parsed.
 */
function wholeLines(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  if (end < text.length) process.emitWarning(`${path}: dropped a last line cut short (${text.length - end} bytes without a newline, e.g. by a full disk); the resumed run writes it again`);
  return text.slice(0, end).split('\n').filter(Boolean);
}

/** @deprecated use `runWriter` (a recorder is now only @mgdl/forgetting's `dynamicsRecorder`); removed in 0.3.0. */
export const runRecorder = runWriter;
/** @deprecated use `RunWriter`; removed in 0.3.0. */
export type RunRecorder = RunWriter;
/** @deprecated use `RunWriterOptions`; removed in 0.3.0. */
export type RunRecorderOptions = RunWriterOptions;
