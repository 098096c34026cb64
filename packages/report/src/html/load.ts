import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readPerSampleCsv, type PerSampleTable } from '@mgdl/forgetting';
import { CELL_FILE_NAMES, SAMPLE_TABLES } from '@mgdl/io';
import { runFiles, type RunEvent } from '../run/layout.js';
import { readRunMetrics, type RunMetrics } from '../run/metrics.js';
import { readRunParams, type RunParams } from '../run/params-file.js';
import { readScaleTraces, type ScaleTraces } from '../run/traces.js';
import { readGallery, type GalleryFile } from '../samples/gallery.js';
import { readSampleScores, type SampleScoreRow } from '../samples/scores.js';
import { readTable, type TableSpec } from '../samples/csv-table.js';
import { AUM_TABLE, DATA_MAP_TABLE, EL2N_TABLE, NAMES_TABLE, RANKING_TABLE, type AumRow, type DataMapRow, type El2nRow, type NameRow, type RankingRow } from '../samples/imported-tables.js';

/** What a run directory holds, and what it lacks: a report renders what exists and lists what it could not read. */
export interface LoadedRun {
  dir: string;
  name: string;
  params?: RunParams;
  metrics?: RunMetrics;
  events: RunEvent[];
  traces?: ScaleTraces;
  /** samples/forgetting.csv, the per-sample forgetting statistics. */
  forgetting?: PerSampleTable;
  /** samples/scores.csv: every per-sample score, labels and noise flags. */
  scores?: SampleScoreRow[];
  /** samples/gallery.json: the content of the samples the gallery shows. */
  gallery?: GalleryFile;
  /** The tables `mgdl analyze` writes for an imported history: samples/data-map.csv, ranking.csv, aum.csv, el2n.csv, names.csv. */
  dataMap?: DataMapRow[];
  ranking?: RankingRow[];
  aum?: AumRow[];
  el2n?: El2nRow[];
  names?: NameRow[];
  /** Other samples/<name>.csv tables (none that mgdl writes) as header → column values. */
  samples: Record<string, Record<string, string[]>>;
  missing: string[];
  problems: string[];
}

export function loadRun(dir: string): LoadedRun {
  const files = runFiles(dir);
  const run: LoadedRun = { dir, name: basename(dir), events: [], samples: {}, missing: [], problems: [] };
  if (!existsSync(dir)) {
    run.missing.push(`${dir} (the run directory itself)`);
    return run;
  }
  // A malformed file is listed (file and field), never allowed to crash the whole report.
  const attempt = <T>(path: string, read: (path: string) => T, { required }: { required: boolean }): T | undefined => {
    if (!existsSync(path)) {
      if (required) run.missing.push(basename(path));
      return undefined;
    }
    try {
      return read(path);
    } catch (error) {
      run.problems.push((error as Error).message);
      return undefined;
    }
  };
  run.params = attempt(files.params, readRunParams, { required: true });
  run.metrics = attempt(files.metrics, readRunMetrics, { required: true });
  run.traces = attempt(files.traces, readScaleTraces, { required: false });
  run.forgetting = attempt(files.samples(SAMPLE_TABLES.forgetting), (path) => readPerSampleCsv(readFileSync(path, 'utf8'), { file: path }), { required: false });
  run.scores = attempt(files.samples(SAMPLE_TABLES.scores), readSampleScores, { required: false });
  run.gallery = attempt(files.gallery, readGallery, { required: false });
  const table = <R>(spec: TableSpec<R>) => attempt(files.samples(spec.name), (path) => readTable(spec, path), { required: false });
  run.dataMap = table(DATA_MAP_TABLE);
  run.ranking = table(RANKING_TABLE);
  run.aum = table(AUM_TABLE);
  run.el2n = table(EL2N_TABLE);
  run.names = table(NAMES_TABLE);
  if (existsSync(files.events)) {
    readFileSync(files.events, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        try {
          const event = JSON.parse(line) as RunEvent;
          if (typeof event.tag === 'string' && Number.isFinite(event.value)) run.events.push(event);
          else run.problems.push(`${CELL_FILE_NAMES.events} line ${i + 1}: not an event`);
        } catch {
          run.problems.push(`${CELL_FILE_NAMES.events} line ${i + 1}: not valid JSON (a run cut off while writing?)`);
        }
      });
  } else {
    run.missing.push(CELL_FILE_NAMES.events);
  }
  if (existsSync(files.samplesDir)) {
    const typed = new Set<string>(Object.values(SAMPLE_TABLES).map((name) => `${name}.csv`));
    for (const file of readdirSync(files.samplesDir).filter((f) => f.endsWith('.csv') && !typed.has(f))) {
      const [header, ...rows] = readFileSync(join(files.samplesDir, file), 'utf8').split('\n').filter(Boolean);
      const columns = (header ?? '').split(',');
      const table: Record<string, string[]> = Object.fromEntries(columns.map((c) => [c, []]));
      for (const row of rows) row.split(',').forEach((cell, c) => table[columns[c]!]?.push(cell));
      run.samples[file.slice(0, -4)] = table;
    }
  }
  return run;
}

/** Values of one tag over epochs (1-based, as printed). */
export const series = (run: LoadedRun, tag: string): { epoch: number; step: number; value: number }[] =>
  run.events.filter((e) => e.tag === tag).map(({ epoch, step, value }) => ({ epoch: epoch + 1, step, value }));

/** A run is usable when any of its records could be read. */
export const usable = (run: LoadedRun): boolean => Boolean(run.params || run.metrics || run.events.length || run.traces || run.forgetting || run.dataMap || run.ranking || run.aum || run.el2n || run.names || Object.keys(run.samples).length);
