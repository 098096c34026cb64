import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/resume-run.ts', import.meta.url));
const runChild = (dir: string, out: string, killAt?: number, signal?: NodeJS.Signals) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', script, dir, out, ...(killAt ? [String(killAt)] : []), ...(signal ? [signal] : [])], { encoding: 'utf8', timeout: 600_000 });

describe('checkpoint and resume', () => {
  it('a run SIGKILLed mid-epoch and resumed ends exactly like an uninterrupted one', () => {
    const root = mkdtempSync(join(tmpdir(), 'mgdl-resume-'));
    const straight = runChild(join(root, 'straight'), join(root, 'straight.json'));
    expect(straight.status, straight.stderr).toBe(0);

    // 6 batches per epoch, checkpoints every 4 steps and each epoch: step 10 is batch 4 of epoch 2, two steps after the last checkpoint.
    const killed = runChild(join(root, 'killed'), join(root, 'unused.json'), 10);
    expect(killed.signal).toBe('SIGKILL');
    const manifest = JSON.parse(readFileSync(join(root, 'killed', 'checkpoint.json'), 'utf8')) as { step: number; epoch: number; batchIndex: number };
    expect(manifest).toMatchObject({ step: 8, epoch: 1, batchIndex: 2 });
    expect(readdirSync(join(root, 'killed')).filter((f) => f.endsWith('.partial'))).toEqual([]);

    const resumed = runChild(join(root, 'killed'), join(root, 'resumed.json'));
    expect(resumed.status, resumed.stderr).toBe(0);
    const [a, b] = [straight, resumed].map((_, i) => JSON.parse(readFileSync(join(root, i === 0 ? 'straight.json' : 'resumed.json'), 'utf8')));
    expect(b.steps).toBe(24);
    expect(b.weights).toEqual(a.weights);
    expect(b.plugin).toEqual(a.plugin);
    expect(a.plugin.batches).toBe(24);
  });

  it('a run asked to stop (its signal aborted, as on a scheduler warning) checkpoints where it is and resumes exactly', () => {
    const root = mkdtempSync(join(tmpdir(), 'mgdl-resume-'));
    const straight = runChild(join(root, 'straight'), join(root, 'straight.json'));
    expect(straight.status, straight.stderr).toBe(0);
    // The signal arrives after step 10 (batch 4 of epoch 2; the last regular checkpoint was at step 8).
    const stopped = runChild(join(root, 'stopped'), join(root, 'unused.json'), 10, 'SIGUSR1');
    expect(stopped.status, stopped.stderr).toBe(75);
    const manifest = JSON.parse(readFileSync(join(root, 'stopped', 'checkpoint.json'), 'utf8')) as { step: number; epoch: number; batchIndex: number };
    expect(manifest).toMatchObject({ step: 10, epoch: 1, batchIndex: 4 });
    const resumed = runChild(join(root, 'stopped'), join(root, 'resumed.json'));
    expect(resumed.status, resumed.stderr).toBe(0);
    const [a, b] = ['straight.json', 'resumed.json'].map((file) => JSON.parse(readFileSync(join(root, file), 'utf8')));
    expect(b.weights).toEqual(a.weights);
    expect(b.plugin).toEqual(a.plugin);
  });
});
