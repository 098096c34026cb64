import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { History, historyFromCsv } from '../src/index.js';

const entry = (name: string) => fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url));

/** The main entry bundled for a browser: esbuild refuses any Node built-in there. */
async function browserBundle() {
  const result = await build({ entryPoints: [entry('index')], bundle: true, platform: 'browser', conditions: ['source'], format: 'iife', globalName: 'forgetting', write: false, metafile: true, logLevel: 'silent' });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

describe('the main entry runs anywhere', () => {
  it('bundles for the browser without tfjs or the kernel', async () => {
    const { inputs } = await browserBundle();
    expect(inputs.filter((path) => /@tensorflow|[\\/]kernel[\\/]/.test(path))).toEqual([]);
    expect(inputs.some((path) => path.includes('history-io.ts'))).toBe(true);
  });

  it('analyses a CSV history and round-trips a checkpoint state in a context with only browser globals', async () => {
    const { code } = await browserBundle();
    // No process, Buffer, require or module: what a page or a worker has.
    const context = { atob, btoa, TextDecoder, TextEncoder, console, Math, result: undefined as unknown };
    runInNewContext(
      `${code}
      const history = forgetting.historyFromCsv('id,0,1,2,3\\n10,0,1,0,1\\n11,1,1,1,1\\n12,0,0,0,0\\n', { file: 'upload.csv' });
      const summary = forgetting.summarize(forgetting.analyze(history));
      const restored = forgetting.History.fromState(JSON.parse(JSON.stringify(history.toState())));
      result = { summary, same: Array.from(restored.words()).join() === Array.from(history.words()).join(), state: JSON.stringify(history.toState()) };`,
      context,
    );
    const { summary, same, state } = context.result as { summary: { samples: number; S1: number; S2: number; S3: number; events: number }; same: boolean; state: string };
    expect(summary).toMatchObject({ samples: 3, S1: 1, S2: 1, S3: 1, events: 1 });
    expect(same).toBe(true);
    // The browser's btoa/atob and Node's Buffer write and read the same state.
    const history = historyFromCsv('id,0,1,2,3\n10,0,1,0,1\n11,1,1,1,1\n12,0,0,0,0\n', { file: 'upload.csv' });
    expect(JSON.stringify(history.toState())).toBe(state);
    expect(Array.from(History.fromState(JSON.parse(state)).words())).toEqual(Array.from(history.words()));
  });

  it('keeps the file readers out of it: they are in @mgdl/forgetting/node', () => {
    expect(readFileSync(entry('index'), 'utf8')).not.toMatch(/node:/);
    expect(readFileSync(entry('node'), 'utf8')).toMatch(/export function readHistoryFile/);
  });
});
