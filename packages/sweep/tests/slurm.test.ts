import { describe, expect, it } from 'vitest';
import { parseSlurmOptions, slurmScript } from '../src/index.js';

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

describe('slurmScript', () => {
  it('runs task i as cell i, quoting every word, with the threads it was given', () => {
    const script = slurmScript({
      jobName: 'cic-width-default',
      cells: [
        { name: 'width=1', cellDir: "/shared/runs/it's here/width=1", fingerprint: 'aa', command: { file: '/usr/bin/node', args: ['main.ts', '--cell', '{"width":1}'], env: { MGDL_THREADS: '1' } } },
        { name: 'width=2', cellDir: '/shared/runs/width=2', fingerprint: 'bb', command: { file: '/usr/bin/node', args: ['main.ts'] } },
      ],
      options: { cpusPerTask: 4, throttle: 3 },
      logDir: '/shared/runs/slurm',
      cwd: '/srv/mgdl',
    });
    expect(script).toContain('#SBATCH --array=0-1%3');
    expect(script).toContain('#SBATCH --cpus-per-task=4');
    expect(script).toContain('#SBATCH --output=/shared/runs/slurm/%A_%a.out');
    expect(script).toContain(`  0) cell='/shared/runs/it'\\''s here/width=1'; command=(env MGDL_THREADS='4' '/usr/bin/node' 'main.ts' '--cell' '{"width":1}') ;;`);
    expect(script).toContain(`  1) cell='/shared/runs/width=2'; command=(env MGDL_THREADS='4' '/usr/bin/node' 'main.ts') ;;`);
    expect(script).toContain("cd '/srv/mgdl'");
    expect(script).not.toContain('--mem');
  });
});
