import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '@mgdl/sweep';
import { describeError } from '../src/command-line/describe-error.js';

// The toy app run as a user would: wrong input, a changed config, a second runner, a read-only folder.
const toy = fileURLToPath(new URL('./fixtures/toy-experiment.ts', import.meta.url));
const runToy = (runs: string, ...extra: string[]) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', toy, '--config', 'smoke', '--runs-dir', runs, '--workers', '2', ...extra], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, TOY_MODE: 'grid' } });
const runs = () => mkdtempSync(join(tmpdir(), 'mgdl-trust-'));

describe('strict input', () => {
  it('refuses an unknown --set field with a suggestion, exit 2, before anything runs', () => {
    const dir = runs();
    const run = runToy(dir, '--set', 'seed=[0]');
    const typo = runToy(dir, '--set', 'seedz=[0,1]');
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("--set seedz: toy has no config field 'seedz'; did you mean 'seeds'? (--help lists the fields)");
    expect(typo.stderr).toMatch(/usage: npx nx run @mgdl\/toy:run/);
    expect(run.status).toBe(2); // seed is a field, but the preset's value type is checked: a list is not an int
  });

  it('refuses __proto__, constructor and prototype path segments without touching Object.prototype', () => {
    for (const key of ['__proto__.polluted', 'seeds.constructor', 'prototype']) {
      const run = runToy(runs(), '--set', `${key}=1`);
      expect(run.status, key).toBe(2);
      expect(run.stderr).toMatch(/is not a config field/);
    }
  });

  it('exits 2 for a grid that lists a seed twice, naming it', () => {
    const run = runToy(runs(), '--set', 'seeds=[0,0]');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/the grid key "seed" lists one value twice \(seed=0\): give each value once/);
  });

  it('exits 2 with usage and a suggestion for an unknown flag', () => {
    const run = runToy(runs(), '--worker', '2');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--worker'; did you mean --workers\?/);
    expect(run.stderr).toMatch(/usage: npx nx run @mgdl\/toy:run/);
  });

  it('says that a dataset flag does not apply to an experiment without a dataset', () => {
    const run = runToy(runs(), '--data-dir', '/nowhere');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--data-dir: toy reads no dataset files');
  });
});

describe('one run directory, one config, one runner', () => {
  it('stops on a changed config with the differing fields and the two ways out; --fresh reruns', () => {
    const dir = runs();
    expect(runToy(dir).status).toBe(0);
    const changed = runToy(dir, '--set', 'ks=[1,9]');
    expect(changed.status).toBe(2);
    expect(changed.stderr).toContain('were made by a different config');
    expect(changed.stderr).toMatch(/seed=0: config\.ks: \[1,2,3\] → \[1,9\]/);
    // The refused config does not replace the one that describes the results.
    expect(JSON.parse(readFileSync(join(dir, 'toy', 'smoke', 'config.json'), 'utf8')).ks).toEqual([1, 2, 3]);
    expect(changed.stderr).toContain('give the new config its own run with --name NEW, or discard those cells with --fresh');
    expect(changed.stdout).not.toMatch(/start /);
    const fresh = runToy(dir, '--set', 'ks=[1,9]', '--fresh');
    expect(fresh.status, fresh.stderr).toBe(0);
    expect(fresh.stdout).toMatch(/start seed=0/);
    const again = runToy(dir, '--set', 'ks=[1,9]');
    expect(again.stdout).toMatch(/skip seed=0 \(complete\)/);
  });

  it('--status exits 0 only when every cell is certified done; an edited result or a cut identity write never wedges the run', () => {
    const dir = runs();
    const out = join(dir, 'toy', 'smoke');
    expect(runToy(dir, '--status').status).toBe(3); // nothing ran yet
    expect(runToy(dir).status).toBe(0);
    const complete = runToy(dir, '--status');
    expect(complete.status).toBe(0);
    expect(complete.stdout).toMatch(/2 of 2 cells done\n$/);
    // A hand-edited result: done.json no longer holds, --status says so, the runner reruns the cell.
    const metrics = join(out, 'cells', 'seed=0', 'metrics.json');
    writeFileSync(metrics, readFileSync(metrics, 'utf8').replace(/\d/, '9'));
    const edited = runToy(dir, '--status');
    expect(edited.status).toBe(3);
    expect(edited.stdout).toMatch(/seed=0\s+not done\s+done\.json does not hold: metrics\.json changed after the cell finished/);
    expect(edited.stdout).toContain('1 of 2 cells done (exit 3: the run is not complete)');
    expect(runToy(dir).stdout).toMatch(/start seed=0/);
    // A kill while identity.json was written leaves only its temporary file: not a config change.
    const cut = join(out, 'cells', 'seed=1');
    rmSync(cut, { recursive: true });
    mkdirSync(cut);
    writeFileSync(join(cut, 'identity.json.4242.0badc0de.partial'), '{"fingerp');
    const resumed = runToy(dir);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(resumed.stderr).not.toMatch(/different config/);
    expect(resumed.stdout).toMatch(/removed 1 temporary file\(s\) that interrupted writes left \(cells\/seed=1\/identity\.json\.4242\.0badc0de\.partial\)/);
    expect(resumed.stdout).toMatch(/start seed=1/);
    expect(readdirSync(cut).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('--status warns when the cells of a run were made by different code, naming the cells and what differs', () => {
    const dir = runs();
    expect(runToy(dir).status).toBe(0);
    // seed=1 as other code would have left it (a cell made before an edit of @mgdl/kernel).
    const file = join(dir, 'toy', 'smoke', 'cells', 'seed=1', 'identity.json');
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { fingerprint: string; identity: { code: Record<string, string> } };
    const current = saved.identity.code['@mgdl/kernel'];
    saved.identity.code['@mgdl/kernel'] = '0123456789abcdef';
    writeFileSync(file, JSON.stringify({ fingerprint: fingerprintOf(saved.identity), identity: saved.identity }));
    const status = runToy(dir, '--status');
    expect(status.status).toBe(3);
    expect(status.stdout).toMatch(/seed=1\s.*made by another config, code or data \(a rerun refuses it\): code\.@mgdl\/kernel/);
    expect(status.stdout).toContain(`warning: seed=1 was made by other code than seed=0: code.@mgdl/kernel: "${current}" → "0123456789abcdef"\n`);
  });

  it('lets only one runner use a run directory, naming the holder; a dead holder is taken over', () => {
    const dir = runs();
    const out = join(dir, 'toy', 'smoke');
    mkdirSync(out, { recursive: true });
    // This test process is alive: its lock must be respected.
    writeFileSync(join(out, 'run.lock'), `${hostname()} ${process.pid} 2026-12-02T00:00:00.000Z\n`);
    const second = runToy(dir);
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(`run.lock is held by pid ${process.pid} on ${hostname()} since 2026-12-02T00:00:00.000Z: another runner is using this run directory`);
    // A pid that cannot be alive: the lock is stale.
    writeFileSync(join(out, 'run.lock'), `${hostname()} 2147483646 2026-12-02T00:00:00.000Z\n`);
    const taken = runToy(dir);
    expect(taken.status, taken.stderr).toBe(0);
    expect(taken.stderr).toContain(`taking over the run's lock (pid 2147483646 on ${hostname()}, 2026-12-02T00:00:00.000Z): pid 2147483646 is no longer running`);
    // Another host's lock: this machine cannot check it; the message says how to break it, and --break-lock does.
    writeFileSync(join(out, 'run.lock'), 'cluster-node-7 4242 2026-12-02T00:00:00.000Z\n');
    const elsewhere = runToy(dir);
    expect(elsewhere.status).toBe(2);
    expect(elsewhere.stderr).toMatch(/held by pid 4242 on cluster-node-7 .*rerun with --break-lock/);
    const broken = runToy(dir, '--break-lock');
    expect(broken.status, broken.stderr).toBe(0);
    expect(broken.stderr).toContain("taking over the run's lock (pid 4242 on cluster-node-7, 2026-12-02T00:00:00.000Z): broken on request (--break-lock)");
    // An empty lock (a write cut short by a full disk) blocks nothing.
    writeFileSync(join(out, 'run.lock'), '');
    const empty = runToy(dir);
    expect(empty.status, empty.stderr).toBe(0);
    expect(empty.stderr).toContain('the lock file is empty (left by an interrupted write)');
  });

  it('refuses a runs folder on a file system that holds no files (/proc) or under a file, before creating anything', () => {
    const proc = runToy('/proc/self');
    expect(proc.status).toBe(2);
    expect(proc.stderr).toContain('--runs-dir /proc/self: /proc/self is on the proc file system, which holds no files; choose a folder on a disk');
    const file = join(runs(), 'a-file');
    writeFileSync(file, '');
    const under = runToy(join(file, 'runs'));
    expect(under.status).toBe(2);
    expect(under.stderr).toContain(`${file} is not a folder; choose a folder for the runs`);
  });

  it('names a read-only, forbidden or full runs folder as such', () => {
    const errno = (code: string, path: string) => Object.assign(new Error(`${code}: failed, mkdir '${path}'`), { code, path });
    expect(describeError(errno('EROFS', '/mnt/ro/runs'))).toBe('/mnt/ro/runs is on a read-only file system: choose a writable folder with --runs-dir DIR');
    expect(describeError(errno('EACCES', '/srv/runs'))).toBe('no permission to write /srv/runs: choose a folder you can write with --runs-dir DIR, or fix its permissions');
    expect(describeError(errno('ENOSPC', '/data/runs'))).toMatch(/^no space left on the device holding \/data\/runs/);
  });
});

describe('exit codes', () => {
  it('exits 143 on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const dir = runs();
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('./fixtures/training-experiment.ts', import.meta.url)), '--config', 'smoke', '--runs-dir', dir, '--set', 'epochs=200'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => ((out += chunk.toString()), out.includes('start ') && resolve())));
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(143);
    expect(readFileSync(join(dir, 'training', 'smoke', 'config.json'), 'utf8')).toContain('"epochs": 200');
  });
});
