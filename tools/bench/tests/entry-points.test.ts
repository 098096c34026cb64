import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Every bench entry point a user runs: its command name, its flags, and one bad numeric value with the message it must give. */
const ENTRY_POINTS = [
  { file: 'main.ts', command: 'bench', flags: ['only', 'threads', 'seconds', 'runs', 'backends', 'json', 'torch-python', 'no-torch-venv', 'no-torch'], bad: ['--seconds', 'abc'], says: "--seconds 'abc' must be a positive number" },
  { file: 'cell/main.ts', command: 'bench:cell', flags: ['cells', 'epochs', 'threads', 'runs', 'backends', 'data-dir', 'torch-python', 'no-torch-venv', 'no-torch', 'json'], bad: ['--runs', '0'], says: "--runs '0' must be a positive integer" },
  { file: 'kernel-overhead.ts', command: 'bench:kernel', flags: ['steps', 'rounds', 'threads'], bad: ['--steps', 'abc'], says: "--steps 'abc' must be a positive integer" },
  { file: 'flops/main.ts', command: 'bench:flops', flags: ['threads', 'seconds', 'torch-python', 'no-torch-venv', 'no-torch', 'json'], bad: ['--seconds=-1'], says: "--seconds '-1' must be a positive number" },
  { file: 'cell/seeds.ts', command: 'bench:seeds', flags: ['app', 'seeds', 'epochs', 'width', 'data-dir', 'torch-python', 'no-torch-venv', 'no-torch', 'json'], bad: ['--width', '2.5'], says: "--width '2.5' must be a positive integer" },
  { file: 'ensemble.ts', command: 'bench:ensemble', flags: ['net', 'steps', 'rounds', 'widths', 'members'], bad: ['--members', '1,0'], says: "--members '1,0' must list positive integers, e.g. 1,2,5" },
  { file: 'checkpoint.ts', command: 'bench:checkpoint', flags: ['members', 'samples', 'epochs', 'writes'], bad: ['--writes', '0'], says: "--writes '0' must be a positive integer" },
  { file: 'forgetting.ts', command: 'bench:forgetting', flags: ['samples', 'steps'], bad: ['--samples', 'many'], says: "--samples 'many' must be a positive integer" },
  { file: 'per-sample-plugins.ts', command: 'bench:per-sample', flags: ['members', 'epochs', 'samples'], bad: ['--samples', '60001'], says: "--samples '60001' must be at most 60000 (the ids are MNIST's training split)" },
  { file: 'step-profile.ts', command: 'step-profile', flags: ['nets', 'threads', 'steps', 'rounds', 'unfused'], bad: ['--rounds', 'x'], says: "--rounds 'x' must be a positive integer" },
  { file: 'measure.ts', command: 'measure', flags: ['backend', 'threads', 'nets', 'batch', 'seconds', 'warmup'], bad: ['--warmup=-1'], says: "--warmup '-1' must be a whole number ≥ 0" },
];

const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL(`../src/${file}`, import.meta.url)), ...args], { encoding: 'utf8', timeout: 600_000 });
const STACK_FRAME = /^\s+at /m;

describe.each(ENTRY_POINTS)('$file ($command)', ({ file, command, flags, bad, says }) => {
  it('answers --help and -h on stdout with exit 0, naming every flag', () => {
    for (const help of ['--help', '-h']) {
      const answer = run(file, [help]);
      expect(answer.status, answer.stderr).toBe(0);
      expect(answer.stdout).toMatch(/^Usage: /);
      for (const flag of [...flags, 'help']) expect(answer.stdout).toMatch(new RegExp(`--${flag}(?![\\w-])`));
      expect(answer.stderr).toBe('');
    }
  });

  it('refuses an unknown flag with exit 2, one line naming it, the usage and no stack trace', () => {
    const answer = run(file, ['--frobnicate', '3']);
    expect(answer.status).toBe(2);
    const [first, second] = answer.stderr.split('\n');
    expect(first).toBe(`${command}: Unknown option '--frobnicate'`);
    expect(second).toMatch(/^Usage: /);
    expect(answer.stderr).not.toMatch(STACK_FRAME);
    expect(answer.stdout).toBe('');
  });

  it('refuses a bad numeric value with exit 2 and a message naming the flag, before any work', () => {
    const answer = run(file, bad);
    expect(answer.status).toBe(2);
    expect(answer.stderr.split('\n')[0]).toBe(`${command}: ${says}`);
    expect(answer.stderr).not.toMatch(STACK_FRAME);
    expect(answer.stdout).toBe('');
  });
});

describe('a flag given without its value', () => {
  it('is refused with exit 2 and a line saying which', () => {
    const answer = run('ensemble.ts', ['--steps']);
    expect(answer.status).toBe(2);
    expect(answer.stderr.split('\n')[0]).toBe("bench:ensemble: Option '--steps <value>' argument missing");
    expect(answer.stderr).not.toMatch(STACK_FRAME);
  });
});
