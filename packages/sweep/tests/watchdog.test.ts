import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRunning, waitFor } from './helpers.js';

describe('the cell watchdog', () => {
  it('kills a cell whose runner died before the cell started: its own code never runs', async () => {
    const started = join(mkdtempSync(join(tmpdir(), 'mgdl-watchdog-')), 'started');
    const runner = fileURLToPath(new URL('./fixtures/orphan-runner.ts', import.meta.url));
    const ran = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', runner, started, '120'], { encoding: 'utf8', timeout: 120_000 });
    expect(ran.status, ran.stderr).toBe(0);
    const pid = Number(ran.stdout.trim());
    expect(pid).toBeGreaterThan(0);
    // A hang guard well under the 120 s the cell would run: the orphan must be gone long before.
    await waitFor(() => !isRunning(pid), 100_000);
    expect(existsSync(started)).toBe(false);
  });
});
