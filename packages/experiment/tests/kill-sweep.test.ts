import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDir, runWithFault, runToEnd, type WriteFault } from './kill-runs.js';
import { runResults } from './run-results.js';

/*
 * The training app killed inside its write windows: a preloaded hook (fixtures/write-fault.mjs)
 * signals just before the nth write on a path, in the runner or in a cell, so every kill lands in
 * the window it names whatever the machine's speed. The kills follow one another in one run
 * directory, each rerun going a little further, and the last rerun must finish with the numbers
 * of an uninterrupted run.
 */

// One worker: the cells run one after the other, so the nth write of a process is the same write on every run.
const options = ['--workers', '1', '--set', 'seeds=[0,1]', '--set', 'epochs=1'];

// In the order a run reaches them, so each rerun gets a little further: the lock (an empty
// temporary file, made but its temporary file left, taken over from the killed runner), config.json,
// both identity.json files (the nth write counts the removal of the last attempt's temporary file),
// a checkpoint's data and manifest, done.json, the verdict. SIGTERM lands before the runner's handler exists, after it,
// and in a cell mid-checkpoint. Few enough to rerun in a few minutes on two busy cores.
const POINTS: WriteFault[] = [
  { role: 'runner', path: 'run.lock', nth: 2, fault: 'SIGKILL' },
  { role: 'runner', path: 'run.lock', nth: 4, fault: 'SIGKILL' },
  { role: 'runner', path: 'run.lock', nth: 7, fault: 'SIGKILL' },
  { role: 'runner', path: 'run.lock', nth: 2, fault: 'SIGTERM' },
  { role: 'runner', path: 'config.json', nth: 3, fault: 'SIGKILL' },
  { role: 'runner', path: 'identity.json', nth: 2, fault: 'SIGKILL' },
  { role: 'runner', path: 'identity.json', nth: 4, fault: 'SIGKILL' },
  { role: 'runner', path: 'identity.json', nth: 7, fault: 'SIGTERM' },
  { role: 'cell', path: 'checkpoints', nth: 3, fault: 'SIGKILL' },
  { role: 'cell', path: 'checkpoints', nth: 9, fault: 'SIGKILL' },
  { role: 'cell', path: 'checkpoints', nth: 12, fault: 'SIGTERM' },
  { role: 'runner', path: 'done.json', nth: 4, fault: 'SIGKILL' },
  { role: 'runner', path: 'verdict.json', nth: 3, fault: 'SIGKILL' },
];

describe('a run killed inside its write windows', () => {
  it('reruns after each kill without a false config change or a blocking lock, and ends with the numbers of an uninterrupted run', async () => {
    const reference = mkdtempSync(join(tmpdir(), 'mgdl-kill-ref-'));
    const clean = runToEnd({ runs: reference, options });
    expect(clean.status, clean.stderr + clean.stdout).toBe(0);

    const runs = mkdtempSync(join(tmpdir(), 'mgdl-kill-sweep-'));
    const landed: string[] = [];
    for (const point of POINTS) {
      const run = await runWithFault({ runs, options }, point);
      const what = `${point.fault} before ${point.role} write ${point.nth} on ${point.path}`;
      // Never wedged: each rerun got as far as its kill point (a refusal or a held lock would end it first, exit 2).
      expect(run.landed, `${what} was not reached; the run ended with ${run.code ?? run.signal}:\n${run.output}`).toBeDefined();
      if (point.fault === 'SIGKILL') expect(run.signal ?? run.code, what).toBe('SIGKILL');
      else expect([143, 'SIGTERM'], `${what}: ${run.output}`).toContain(run.code ?? run.signal);
      landed.push(`${point.fault} ${run.landed!.replace(runs, '…')}`);
    }
    console.log(`kill sweep: ${landed.length} kills, each just before\n  ${landed.join('\n  ')}`);
    // The windows the issue named were hit: a cut identity write, a half-made lock, a checkpoint being replaced.
    expect(landed.join('\n')).toMatch(/runner \w+ \S*identity\.json\.\d+\.[0-9a-f]{8}\.partial/);
    expect(landed.join('\n')).toMatch(/runner \w+ \S*run\.lock\.\d+\.[0-9a-f]{8}\.partial/);
    expect(landed.join('\n')).toMatch(/cell \w+ \S*checkpoints\/\S*\.partial/);

    const final = runToEnd({ runs, options });
    expect(final.status, final.stderr + final.stdout).toBe(0);
    expect(final.stderr).not.toMatch(/different config/);
    expect(runResults(runDir(runs))).toEqual(runResults(runDir(reference)));
    expect(existsSync(join(runDir(runs), 'run.lock'))).toBe(false);
  });
});
