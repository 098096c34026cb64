import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { orphansGone, processesUsing, runResults } from './run-results.js';

// The training app (tests/fixtures/training-experiment.ts) run for real, killed at many moments.
const app = fileURLToPath(new URL('./fixtures/training-experiment.ts', import.meta.url));
const args = (runs: string) => ['--conditions=source', '--import', 'tsx', app, '--config', 'smoke', '--runs-dir', runs, '--workers', '2', '--set', 'seeds=[0,1,2]', '--set', 'epochs=16'];
const runToEnd = (runs: string) => spawnSync(process.execPath, args(runs), { encoding: 'utf8', timeout: 600_000 });
const runDir = (runs: string) => join(runs, 'training', 'smoke');

/** Optimizer steps the cells have checkpointed so far (a finished cell counts all of its steps). */
function progress(runs: string): number {
  const cells = join(runDir(runs), 'cells');
  if (!existsSync(cells)) return 0;
  return readdirSync(cells).reduce((sum, cell) => {
    try {
      return sum + (JSON.parse(readFileSync(join(cells, cell, 'checkpoints', 'checkpoint.json'), 'utf8')) as { step: number }).step;
    } catch {
      return sum; // no checkpoint yet, or one being replaced right now
    }
  }, 0);
}

describe('a sweep killed at any moment', () => {
  it('ends, after reruns, with exactly the results of an uninterrupted run, and leaves no process behind', async () => {
    const reference = mkdtempSync(join(tmpdir(), 'mgdl-fault-ref-'));
    const clean = runToEnd(reference);
    expect(clean.status, clean.stderr + clean.stdout).toBe(0);
    const expected = runResults(runDir(reference));

    const runs = mkdtempSync(join(tmpdir(), 'mgdl-fault-'));
    // Kill moments are set by progress, not by the clock (the machine may be busy): the runner is
    // killed once the cells' checkpoints add up to each target step — the first target kills it
    // while it starts, the others mid-epoch, mid-checkpoint, while metrics.json or done.json are
    // written, between cells. Progress survives the kills, so every target is reached.
    const total = 3 * 16 * 8; // cells × epochs × batches per epoch
    const targets = [0, 0.09, 0.21, 0.34, 0.46, 0.58, 0.71, 0.83, 0.95].map((f) => Math.round(f * total));
    const kills: { atStep: number; orphansGoneMs: number }[] = [];
    for (const target of targets) {
      const runner = spawn(process.execPath, args(runs), { stdio: 'ignore' });
      const exited = new Promise((resolve) => runner.on('exit', resolve));
      let finished = false;
      void exited.then(() => (finished = true));
      while (!finished && progress(runs) < target) await sleep(10);
      if (finished) break; // nothing left to interrupt
      runner.kill('SIGKILL');
      await exited;
      kills.push({ atStep: progress(runs), orphansGoneMs: await orphansGone(runs) });
    }
    console.log(`fault injection: ${kills.length} kills at steps ${kills.map((k) => k.atStep).join(', ')} of ${total}; orphans gone after ${kills.map((k) => k.orphansGoneMs).join(', ')} ms`);
    expect(kills.length).toBe(targets.length);

    const final = runToEnd(runs);
    expect(final.status, final.stderr + final.stdout).toBe(0);
    expect(runResults(runDir(runs))).toEqual(expected);
    expect(existsSync(join(runDir(runs), 'run.lock'))).toBe(false);
  });

  it('recovers from a cell killed alone: the runner reports it, a rerun finishes it with the same results', async () => {
    const reference = mkdtempSync(join(tmpdir(), 'mgdl-fault-ref-'));
    expect(runToEnd(reference).status).toBe(0);
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-fault-cell-'));
    const runner = spawn(process.execPath, args(runs), { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    runner.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => runner.on('exit', resolve));
    // Wait until a cell has trained a few steps, then kill that cell only.
    const cellDir = join(runDir(runs), 'cells', 'seed=0');
    while (!existsSync(join(cellDir, 'checkpoints', 'checkpoint.json'))) await sleep(20);
    const [cell] = processesUsing(cellDir).filter((pid) => pid !== runner.pid);
    expect(cell).toBeDefined();
    process.kill(cell!, 'SIGKILL');
    expect(await exited).toBe(1);
    expect(output).toMatch(/FAILED seed=0 \(exit SIGKILL\)/);
    const rerun = runToEnd(runs);
    expect(rerun.status, rerun.stderr + rerun.stdout).toBe(0);
    expect(runResults(runDir(runs))).toEqual(runResults(runDir(reference)));
  });
});
