import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cellResults, resultDifferences, runSmoke } from '../src/testing.js';

const main = new URL('./fixtures/echo-main.ts', import.meta.url);
const started = (stdout: string) => JSON.parse(stdout) as { argv: string[]; verify: string | null };
const valueAfter = (argv: string[], flag: string) => argv[argv.indexOf(flag) + 1];

describe('runSmoke', () => {
  it('runs the smoke preset on the real data folder when it has every dataset, with checksums on', () => {
    const shared = mkdtempSync(join(tmpdir(), 'mgdl-shared-'));
    mkdirSync(join(shared, 'mnist'));
    const { run, out, dataDir } = runSmoke({ app: 'demo', main, datasets: ['mnist'], sharedData: shared, args: ['--workers', '1'] });
    expect(run.status, run.stderr).toBe(0);
    const { argv, verify } = started(run.stdout);
    expect(valueAfter(argv, '--config')).toBe('smoke');
    expect(out).toBe(join(valueAfter(argv, '--runs-dir')!, 'demo', 'smoke'));
    expect(dataDir).toBe(shared);
    expect(valueAfter(argv, '--set')).toBe(`dataDir=${JSON.stringify(shared)}`);
    expect(argv.slice(-2)).toEqual(['--workers', '1']);
    expect(verify).toBeNull();
  });

  it('falls back to synthetic datasets with checksums off when the data folder lacks one', () => {
    const empty = mkdtempSync(join(tmpdir(), 'mgdl-shared-'));
    const { run, dataDir } = runSmoke({ app: 'demo', main, datasets: ['mnist', 'trec'], sharedData: empty });
    const { argv, verify } = started(run.stdout);
    expect(dataDir).not.toBe(empty);
    expect(existsSync(join(dataDir!, 'mnist', 'train-images-idx3-ubyte.gz')) && existsSync(join(dataDir!, 'trec', 'TREC_10.label'))).toBe(true);
    expect(valueAfter(argv, '--set')).toBe(`dataDir=${JSON.stringify(dataDir)}`);
    expect(verify).toBe('0');
  });

  it('passes no data folder when the preset needs no dataset', () => {
    const { run, dataDir } = runSmoke({ app: 'demo', main });
    expect(dataDir).toBeUndefined();
    expect(started(run.stdout).argv).not.toContain('--set');
  });
});

describe('cellResults', () => {
  /** A cell directory with metrics.json (timings included) and, unless `record` is undefined, samples/forgetting.csv. */
  const cellDir = (loss: number, record?: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-cell-'));
    writeFileSync(join(dir, 'metrics.json'), JSON.stringify({ test: { loss }, train: { seconds: 3.2, samplesPerSec: 900 } }));
    if (record !== undefined) {
      mkdirSync(join(dir, 'samples'));
      writeFileSync(join(dir, 'samples', 'forgetting.csv'), record);
    }
    return dir;
  };

  it('reads metrics.json without timings and the per-sample record, and compares both', () => {
    const a = cellResults(cellDir(0.5, 'id,events\n0,1\n'));
    expect(a).toEqual({ metrics: { test: { loss: 0.5 }, train: {} }, forgetting: 'id,events\n0,1\n' });
    expect(resultDifferences(a, cellResults(cellDir(0.5, 'id,events\n0,2\n')))).toEqual(['samples/forgetting.csv differs']);
    expect(resultDifferences(a, cellResults(cellDir(0.25, 'id,events\n0,1\n')))).toEqual(['metrics.test.loss: 0.5 vs 0.25']);
  });

  it('reads metrics.json alone with { forgetting: false } (cells without a per-sample record), and needs the record otherwise', () => {
    const regression = cellDir(0.5);
    expect(cellResults(regression, { forgetting: false })).toEqual({ metrics: { test: { loss: 0.5 }, train: {} } });
    expect(resultDifferences(cellResults(regression, { forgetting: false }), cellResults(cellDir(0.5), { forgetting: false }))).toEqual([]);
    expect(() => cellResults(regression)).toThrow(/forgetting\.csv/);
  });
});
