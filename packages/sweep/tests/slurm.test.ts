import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CellJob } from '../src/group.js';
import { parseSlurmOptions, slurmScript, SLURM_EXIT_FILE, type CellCommand } from '../src/index.js';

describe('Slurm options', () => {
  it('accepts every documented field and refuses what would not reach sbatch intact', () => {
    expect(parseSlurmOptions({ partition: 'gpu-short', account: 'proj_42', qos: 'normal', time: '1-02:30:00', mem: '4G', cpusPerTask: '2', throttle: 8, signalSeconds: 300, extra: ['--constraint=avx512'] })).toEqual({
      partition: 'gpu-short',
      account: 'proj_42',
      qos: 'normal',
      time: '1-02:30:00',
      mem: '4G',
      cpusPerTask: 2,
      throttle: 8,
      signalSeconds: 300,
      extra: ['--constraint=avx512'],
    });
    expect(() => parseSlurmOptions({ partition: 'a b' })).toThrow(/partition must be a name/);
    expect(() => parseSlurmOptions({ partition: 'x\n#SBATCH --uid=0' })).toThrow(/partition must be a name/);
    expect(() => parseSlurmOptions({ time: '2 hours' })).toThrow(/time must be MM, MM:SS, HH:MM:SS or D-HH/);
    expect(() => parseSlurmOptions({ throttle: 0 })).toThrow(/throttle must be a positive integer, got 0/);
    expect(() => parseSlurmOptions({ extra: ['ok', 'two\nlines'] })).toThrow(/single-line/);
    expect(() => parseSlurmOptions({ nodes: 2 })).toThrow(/unknown field 'nodes'; the fields are partition, account, qos, time, mem, cpusPerTask, throttle, signalSeconds, extra/);
  });
});

const cell = (name: string, cellDir: string, command: CellCommand): CellJob => ({ label: name, members: [{ name, cellDir, fingerprint: null, command }], command });

describe('slurmScript', () => {
  it('runs task i as cell i, quoting every word, with the threads it was given', () => {
    const script = slurmScript({
      jobName: 'cic-width-default',
      tasks: [
        cell('width=1', "/shared/runs/it's here/width=1", { file: '/usr/bin/node', args: ['main.ts', '--cell', '{"width":1}'], env: { MGDL_THREADS: '1' } }),
        cell('width=2', '/shared/runs/width=2', { file: '/usr/bin/node', args: ['main.ts'] }),
      ],
      options: { cpusPerTask: 4, throttle: 3 },
      logDir: '/shared/runs/slurm',
      cwd: '/srv/mgdl',
    });
    expect(script).toContain('#SBATCH --array=0-1%3');
    expect(script).toContain('#SBATCH --cpus-per-task=4');
    expect(script).toContain('#SBATCH --output=/shared/runs/slurm/%A_%a.out');
    expect(script).toContain(`  0) cells=('/shared/runs/it'\\''s here/width=1'); command=(env MGDL_THREADS='4' '/usr/bin/node' 'main.ts' '--cell' '{"width":1}') ;;`);
    expect(script).toContain(`  1) cells=('/shared/runs/width=2'); command=(env MGDL_THREADS='4' '/usr/bin/node' 'main.ts') ;;`);
    expect(script).toContain("cd '/srv/mgdl'");
    expect(script).not.toContain('--mem');
  });

  it('runs a group of cells trained together as one task: its output in every member\'s logs, its exit record in every member', () => {
    const root = mkdtempSync(join(tmpdir(), 'mgdl-slurm-script-'));
    const dirs = ['seed=0', 'seed=1'].map((name) => join(root, name));
    for (const dir of dirs) mkdirSync(dir);
    // An earlier attempt's lines stay where they were: only this task's output is copied to the other member.
    writeFileSync(join(dirs[0]!, 'stdout.log'), 'earlier\n');
    const command: CellCommand = { file: process.execPath, args: ['-e', 'console.log(`out ${process.env.MGDL_THREADS}`); console.error("err"); process.exit(3)'] };
    const group: CellJob = { label: 'seed=0+1 more', members: dirs.map((cellDir, i) => ({ name: `seed=${i}`, cellDir, fingerprint: null, command })), command };
    const script = slurmScript({ jobName: 'grouped', tasks: [group], options: { cpusPerTask: 2 }, logDir: root, cwd: root });
    expect(script).toContain('#SBATCH --array=0-0');
    expect(script).toContain('# mgdl sweep: 2 cell(s) in 1 array task(s)');
    // The batch script itself, as a node would run it for array task 0 of job 7.
    const run = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_JOB_ID: '7' } });
    expect(run.status, run.stderr).toBe(3);
    expect(readFileSync(join(dirs[0]!, 'stdout.log'), 'utf8')).toBe('earlier\nout 2\n');
    expect(readFileSync(join(dirs[1]!, 'stdout.log'), 'utf8')).toBe('out 2\n');
    for (const dir of dirs) {
      expect(readFileSync(join(dir, 'stderr.log'), 'utf8')).toBe('err\n');
      expect(JSON.parse(readFileSync(join(dir, SLURM_EXIT_FILE), 'utf8'))).toMatchObject({ code: 3, task: '7_0' });
    }
  });
});
