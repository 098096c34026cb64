import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runFiles, type RunEvent } from '../run/layout.js';

/** What a run directory holds, and what it lacks: a report renders what exists. */
export interface LoadedRun {
  dir: string;
  name: string;
  params?: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  events: RunEvent[];
  traces?: Record<string, unknown>;
  /** samples/<name>.csv as header → column values. */
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
  const json = (path: string, label: string): Record<string, unknown> | undefined => {
    if (!existsSync(path)) {
      run.missing.push(label);
      return undefined;
    }
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      run.problems.push(`${label}: not valid JSON (${(error as Error).message})`);
      return undefined;
    }
  };
  run.params = json(files.params, 'params.json');
  run.metrics = json(files.metrics, 'metrics.json');
  if (existsSync(files.traces)) run.traces = json(files.traces, 'traces.json');
  if (existsSync(files.events)) {
    readFileSync(files.events, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        try {
          const event = JSON.parse(line) as RunEvent;
          if (typeof event.tag === 'string' && Number.isFinite(event.value)) run.events.push(event);
          else run.problems.push(`events.jsonl line ${i + 1}: not an event`);
        } catch {
          run.problems.push(`events.jsonl line ${i + 1}: not valid JSON (a run cut off while writing?)`);
        }
      });
  } else {
    run.missing.push('events.jsonl');
  }
  if (existsSync(files.samplesDir)) {
    for (const file of readdirSync(files.samplesDir).filter((f) => f.endsWith('.csv'))) {
      const [header, ...rows] = readFileSync(join(files.samplesDir, file), 'utf8').split('\n').filter(Boolean);
      const columns = (header ?? '').split(',');
      const table: Record<string, string[]> = Object.fromEntries(columns.map((c) => [c, []]));
      for (const row of rows) row.split(',').forEach((cell, c) => table[columns[c]!]?.push(cell));
      run.samples[file.slice(0, -4)] = table;
    }
  }
  return run;
}

/** Values of one tag over epochs. */
export const series = (run: LoadedRun, tag: string): { epoch: number; step: number; value: number }[] =>
  run.events.filter((e) => e.tag === tag).map(({ epoch, step, value }) => ({ epoch: epoch + 1, step, value }));

/** A run is usable when any of its records could be read. */
export const usable = (run: LoadedRun): boolean => Boolean(run.params || run.metrics || run.events.length || run.traces || Object.keys(run.samples).length);
