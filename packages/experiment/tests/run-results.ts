import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/* What the kill tests compare and wait for: a run's results without the wall clock, and the processes still using a folder. */

/** Pids of live processes whose command line mentions `dir` (the runner and its cells). */
export function processesUsing(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) return false; // a zombie is dead
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
      } catch {
        return false; // exited while we looked
      }
    })
    .map(Number);
}

/** Waits until no process uses `dir`; returns how long that took (ms), or throws naming the survivors. */
export async function orphansGone(dir: string, limitMs = 30_000): Promise<number> {
  const started = Date.now();
  while (processesUsing(dir).length > 0) {
    if (Date.now() - started > limitMs) throw new Error(`processes still alive ${limitMs} ms after the kill: ${processesUsing(dir).join(', ')}`);
    await sleep(50);
  }
  return Date.now() - started;
}

/** Every result file of every cell and the verdict, with wall-clock fields removed. */
export function runResults(dir: string): Record<string, unknown> {
  const timeless = (text: string) => JSON.parse(text, (key, value: unknown) => (['seconds', 'samplesPerSec', 'wall_time'].includes(key) ? undefined : value)) as unknown;
  const out: Record<string, unknown> = { verdict: timeless(readFileSync(join(dir, 'verdict.json'), 'utf8')) };
  for (const cell of readdirSync(join(dir, 'cells')).sort()) {
    const file = (name: string) => readFileSync(join(dir, 'cells', cell, name), 'utf8');
    out[cell] = {
      metrics: timeless(file('metrics.json')),
      forgetting: file('samples/forgetting.csv'),
      // train/samples_per_sec measures the wall clock, not the training.
      events: file('events.jsonl').trim().split('\n').map(timeless).filter((e) => (e as { tag: string }).tag !== 'train/samples_per_sec'),
      trainLossCsv: file('metrics/train__loss.csv'),
      batchLossCsv: file('metrics/train__batch_loss.csv'),
    };
  }
  return out;
}

