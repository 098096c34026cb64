import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, mgdl } from './run.js';

const dir = () => mkdtempSync(join(tmpdir(), 'mgdl-cli-analyze-'));
const write = (text: string) => {
  const path = join(dir(), 'history.csv');
  writeFileSync(path, text);
  return path;
};

// Samples: never learned, learned at the first step, forgotten at the last, alternating ×2.
const history = 'id,0,1,2,3,4,5\n10,0,0,0,0,0,0\n11,1,1,1,1,1,1\n12,1,1,1,1,1,0\n13,1,0,1,0,1,0\n14,0,1,0,1,0,1\n';

describe('mgdl analyze', () => {
  it('prints exactly the summary fields as JSON', () => {
    const run = mgdl('analyze', write(history), '--json');
    expect(run.status, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(Object.keys(summary)).toEqual(['samples', 'steps', 'S1', 'S2', 'S3', 'M', 'F', 'ratio', 'events', 'unforgettable']);
    expect(summary).toMatchObject({ samples: 5, steps: 6, S1: 1, S2: 1, S3: 3, events: 6, unforgettable: 1 });
    expect(summary.M).toBeCloseTo(1 / 3, 12);
    expect(summary.ratio).toBeCloseTo(0.5, 12);
  });

  it('prints a table and writes per-sample, system and meso CSVs', () => {
    const out = dir();
    const groups = join(out, 'groups.csv');
    writeFileSync(groups, 'id,group\n10,a\n13,a\n14,b\n12,b\n11,b\n');
    const run = mgdl('analyze', write(history), '--groups', groups, '--out', out);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/S3 forgotten ≥ once\s+3/);
    expect(run.stdout).toMatch(/meso \(2 groups\)/);
    const perSample = readFileSync(join(out, 'per-sample.csv'), 'utf8').trim().split('\n');
    expect(perSample[0]).toBe('id,learning_events,forgetting_events,first_learned,learned_for_good,first_forgotten,final_correct,set');
    expect(perSample[4]).toBe('13,3,3,0,-1,1,0,S3');
    expect(readFileSync(join(out, 'system.csv'), 'utf8')).toContain('5,3,0.3333333333333333,');
    expect(readFileSync(join(out, 'meso.csv'), 'utf8').split('\n')[1]).toBe('0,0,0,,,');
  });

  it.each([
    ['ragged rows', 'id,0,1\n1,0,1\n2,0\n', /line 3.*2 columns.*expected 3|expected 3.*found 2/],
    ['a value other than 0/1', 'id,0,1\n1,0,2\n', /line 2, column 3/],
    ['an empty file', '', /empty/],
    ['duplicate ids', 'id,0,1\n1,0,1\n1,1,1\n', /duplicate|line 3/],
  ])('rejects %s with the line and column, exit 1', (_what, text, message) => {
    const run = mgdl('analyze', write(text), '--json');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
  });

  it('names the series of a CSV history, accepting the old word "sweep" with a deprecation warning', () => {
    const path = write(history);
    const pass = mgdl('analyze', path, '--series', 'inference-pass');
    expect(pass.status, pass.stderr).toBe(0);
    expect(pass.stdout).toMatch(/steps\s+6 \(inference-pass\)/);
    expect(pass.stderr).not.toMatch(/Deprecation/);
    const old = mgdl('analyze', path, '--series', 'sweep');
    expect(old.status, old.stderr).toBe(0);
    expect(old.stdout).toMatch(/steps\s+6 \(inference-pass\)/);
    expect(old.stderr).toMatch(/DeprecationWarning: --series: 'sweep' is deprecated .*write 'inference-pass'/);
    const wrong = mgdl('analyze', path, '--series', 'epoch');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/--series: unknown series "epoch".*expected 'presentation' or 'inference-pass'/);
  });

  it.each([
    ['a JSON object', '{"foo":[1,2,3]}', /line 1: this is JSON, not a correctness history/],
    ['a header with no rows', 'id,0,1,2\n', /no samples: the file has no rows of 0\/1 values/],
    ['binary data', '\u0000\u0001\u00ff\u00fe garbage', /neither a CSV history nor an mgdl binary history/],
  ])('says %s is not a history, exit 1', (_what, text, message) => {
    const run = mgdl('analyze', write(text), '--json');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('rejects a group file naming unknown ids', () => {
    const groups = join(dir(), 'groups.csv');
    writeFileSync(groups, '10,a\n99,b\n');
    const run = mgdl('analyze', write(history), '--groups', groups);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('line 2, column 1: id 99 is not a sample of the history');
  });

  it.each([
    ['per-sample.csv', 'ENOSPC', 'no space left on the device: free some space'],
    ['report.html', 'EROFS', 'the file system is read-only: write somewhere writable'],
    ['analysis', 'EACCES', 'no permission to write it: fix its permissions, or write somewhere you may'],
  ])('names the output %s and the fix when the disk refuses it (%s), exit 1', (name, code, cause) => {
    // As root chmod blocks nothing: the failing write is injected at the fs layer (the experiment tests' write-fault hook).
    const hook = new URL('../../../packages/experiment/tests/fixtures/write-fault.mjs', import.meta.url).href;
    const root = dir();
    const out = join(root, 'analysis');
    const fault = { role: 'runner', path: name, nth: 1, fault: code, report: join(root, 'landed') };
    const run = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--import', hook, main, 'analyze', write(history), '--out', out, '--report', join(out, 'report.html')], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, WRITE_FAULT: JSON.stringify(fault) } });
    expect(existsSync(fault.report), run.stderr).toBe(true);
    expect(run.status).toBe(1);
    const target = name === 'analysis' ? out : join(out, name);
    expect(run.stderr).toContain(`mgdl: cannot write ${target} (${cause})\n`);
    if (existsSync(out)) expect(readdirSync(out, { recursive: true }).filter((file) => String(file).endsWith('.partial'))).toEqual([]);
  });
});
