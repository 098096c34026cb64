import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeTrend, writeVerdictFile } from '@mgdl/experiment';
import { mgdl } from './run.js';

/** A run directory `<runs>/<app>/<name>` whose verdict.json judges one trend over `seeds` seeds of y = slope·x + seed noise. */
function runWith(app: string, name: string, seeds: number, slope: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'mgdl-cli-verdicts-')), app, name);
  mkdirSync(dir, { recursive: true });
  const points = Array.from({ length: seeds }, (_, seed) => [1, 2, 3, 4].map((x) => ({ x, seed, y: slope * x + ((seed * 7 + x * 3) % 5) / 100 }))).flat();
  const judgement = judgeTrend('y rises with x', points, 'rises');
  writeVerdictFile(dir, { experiment: app, held: judgement.outcome === 'held' ? true : null, text: judgement.claim, complete: true, cells: { planned: 4 * seeds, done: 4 * seeds, failed: [], notRun: [] }, judgements: [judgement] });
  return dir;
}

describe('mgdl verdicts', () => {
  it("prints one markdown row per claim of each run, from its verdict.json: statistic with interval or range, seeds, test and p, outcome", () => {
    const five = runWith('cic-width', 'default', 5, 1);
    const three = runWith('cic-l2', 'trimmed', 3, 1);
    const result = mgdl('verdicts', five, join(three, 'verdict.json'));
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toBe('| app (run) | claim | per-seed statistic: mean [95% t-interval] or (range) | seeds | test: p (Holm) | outcome | verdict |');
    expect(lines[2]).toMatch(/^\| `cic-width` \| y rises with x \| \+1\.00 \[\+1\.00, \+1\.00\] \| 5 \| Page and t on per-seed Spearman \(both\): [\d.e-]+ \| held \| \*\*held\*\* \|$/);
    // Three seeds: a range, never an interval called 95%, and inconclusive.
    expect(lines[3]).toMatch(/^\| `cic-l2` \(trimmed\) \| y rises with x \| \+1\.00 \(range \+1\.00 to \+1\.00\) \| 3 \| .* \| inconclusive \| \*\*inconclusive\*\* \|$/);
  });

  it('names the file and the field of a verdict.json it cannot read, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-cli-verdicts-'));
    writeFileSync(join(dir, 'verdict.json'), JSON.stringify({ held: 'yes', text: 'x', complete: true, cells: { planned: 1, done: 1, failed: [], notRun: [] } }));
    const bad = mgdl('verdicts', dir);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${join(dir, 'verdict.json')} is not a verdict file: held:`);
    const missing = mgdl('verdicts', join(dir, 'nowhere'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no such file (has the run concluded?)');
  });
});
