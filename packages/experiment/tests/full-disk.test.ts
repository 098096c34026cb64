import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDir, runToEnd, runWithFault, type WriteFault } from './kill-runs.js';
import { runResults } from './run-results.js';

/*
 * Every class of file a run writes, on a disk that is full, read-only or forbidden. As root
 * (which tests may run as) chmod blocks nothing, and mounting a small file system needs rights a
 * test cannot count on, so the failing write is injected at the fs layer of the runner or its
 * cells (fixtures/write-fault.mjs throws the error Node's fs would), from that write on.
 */

const options = ['--workers', '1', '--set', 'seeds=[0,1]', '--set', 'epochs=1'];
const quote = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('a run on a full, read-only or forbidden disk', () => {
  it('names the file and the fix for each kind of write, loses nothing written, and finishes once the disk is fixed', async () => {
    const reference = mkdtempSync(join(tmpdir(), 'mgdl-disk-ref-'));
    expect(runToEnd({ runs: reference, options }).status).toBe(0);
    const runs = mkdtempSync(join(tmpdir(), 'mgdl-disk-'));
    const out = runDir(runs);
    const cases: [WriteFault, RegExp][] = [
      [{ role: 'runner', path: 'run.lock', nth: 1, fault: 'ENOSPC' }, new RegExp(`^training: no space left on the device holding ${quote(out)}/run\\.lock: free some, or choose another --runs-dir$`, 'm')],
      [{ role: 'runner', path: 'config.json', nth: 1, fault: 'EROFS' }, new RegExp(`^training: ${quote(out)}/config\\.json is on a read-only file system: choose a writable folder with --runs-dir DIR$`, 'm')],
      [{ role: 'runner', path: 'identity.json', nth: 1, fault: 'EACCES' }, new RegExp(`^training: no permission to write ${quote(out)}/cells/seed=0/identity\\.json: choose a folder you can write with --runs-dir DIR, or fix its permissions$`, 'm')],
      [{ role: 'cell', path: 'checkpoints', nth: 1, fault: 'ENOSPC' }, new RegExp(`FAILED seed=0 \\(exit 1\\): .*training: no space left on the device holding ${quote(out)}/cells/seed=0/checkpoints\\S*: free some`)],
      [{ role: 'cell', path: 'events.jsonl', nth: 1, fault: 'EROFS' }, new RegExp(`FAILED seed=0 \\(exit 1\\): .*training: ${quote(out)}/cells/seed=0/events\\.jsonl is on a read-only file system`)],
      [{ role: 'runner', path: 'done.json', nth: 1, fault: 'ENOSPC' }, new RegExp(`^training: no space left on the device holding ${quote(out)}/cells/seed=0/done\\.json: free some`, 'm')],
      [{ role: 'runner', path: 'verdict.json', nth: 1, fault: 'EACCES' }, new RegExp(`^training: no permission to write ${quote(out)}/verdict\\.json: `, 'm')],
    ];
    for (const [fault, message] of cases) {
      const run = await runWithFault({ runs, options }, fault);
      const what = `${fault.fault} on ${fault.role} write ${fault.nth} of ${fault.path}`;
      expect(run.landed, `${what} was not reached:\n${run.output}`).toBeDefined();
      expect(run.code, `${what}:\n${run.output}`).toBe(1);
      expect(run.output, what).toMatch(message);
      expect(run.output, what).not.toMatch(/Unhandled|Emitted 'error' event|^\s+at /m);
      // The lock is released and no temporary file stays behind.
      expect(existsSync(join(out, 'run.lock')), what).toBe(false);
      expect(readdirSync(out, { recursive: true }).filter((name) => String(name).endsWith('.partial')), what).toEqual([]);
    }
    const fixed = runToEnd({ runs, options });
    expect(fixed.status, fixed.stderr + fixed.stdout).toBe(0);
    expect(runResults(out)).toEqual(runResults(runDir(reference)));
  });
});
