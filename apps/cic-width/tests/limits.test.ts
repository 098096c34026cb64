import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

describe('cic-width limits', () => {
  it('refuses a width that cannot fit in memory at once, exit 2, before any cell starts', () => {
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-cic-width-limits-'));
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', main, '--config', 'smoke', '--runs-dir', runs, '--set', 'widths=[100000]'], { encoding: 'utf8', timeout: 600_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('widths.0: at most 256 (larger nets do not fit in memory)');
    expect(readdirSync(runs)).toEqual([]);
  });
});
