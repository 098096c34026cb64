import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSmoke } from '../src/testing.js';

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
