import { fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, FileLockTimeoutError, LockHeldError, withFileLock, writeFileAtomic } from '../src/index.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'mgdl-io-'));

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temporary file', () => {
    const dir = tempDir();
    const file = join(dir, 'summary.json');
    writeFileSync(file, 'old');
    writeFileAtomic(file, new Uint8Array([110, 101, 119]));
    expect(readFileSync(file, 'utf8')).toBe('new');
    expect(readdirSync(dir)).toEqual(['summary.json']);
  });

  it('leaves nothing behind when the write fails', () => {
    const dir = tempDir();
    const file = join(dir, 'missing-dir', 'x.json');
    expect(() => writeFileAtomic(file, 'x')).toThrow(/ENOENT/);
    // Renaming over a non-empty directory fails after the data was written: the temp file must go.
    const target = join(dir, 'kept');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'old');
    expect(() => writeFileAtomic(target, 'new')).toThrow();
    expect(readdirSync(dir)).toEqual(['kept']);
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('old');
  });
});

describe('withFileLock', () => {
  it('runs tasks one at a time and removes the lock', async () => {
    const lock = join(tempDir(), 'x.lock');
    const log: string[] = [];
    const task = (name: string) => withFileLock(lock, async () => {
      log.push(`${name} start`);
      await new Promise((r) => setTimeout(r, 30));
      log.push(`${name} end`);
    }, { pollMs: 5 });
    await Promise.all([task('a'), task('b')]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose owner died, and times out on a live one', async () => {
    const dir = tempDir();
    const lock = join(dir, 'x.lock');
    const child = fork('-e', [], { execArgv: ['-e', 'setTimeout(() => {}, 10)'] });
    const deadPid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    writeFileSync(lock, `${(await import('node:os')).hostname()} ${deadPid}\n`);
    await expect(withFileLock(lock, async () => 'ran', { pollMs: 5 })).resolves.toBe('ran');
    writeFileSync(lock, `${(await import('node:os')).hostname()} ${process.pid}\n`);
    const waited: string[] = [];
    await expect(withFileLock(lock, async () => 'ran', { pollMs: 5, timeoutMs: 50, onWait: (owner) => waited.push(owner) })).rejects.toBeInstanceOf(FileLockTimeoutError);
    expect(waited).toHaveLength(1);
    expect(existsSync(lock)).toBe(true); // someone else's lock is left alone
  });
});

describe('acquireLock', () => {
  it('refuses a lock held by a live process, naming pid, host and start time', () => {
    const lock = join(tempDir(), 'run.lock');
    const release = acquireLock(lock);
    let error: unknown;
    try {
      acquireLock(lock);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LockHeldError);
    expect((error as LockHeldError).owner).toMatchObject({ pid: process.pid, started: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect((error as Error).message).toMatch(new RegExp(`held by pid ${process.pid} on .+ since \\d{4}-`));
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it('takes over a lock whose holder on this host is dead, saying whose it was', async () => {
    const lock = join(tempDir(), 'run.lock');
    const child = fork('-e', [], { execArgv: ['-e', ''] });
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(lock, `${hostname()} ${child.pid} 2026-01-01T00:00:00.000Z\n`);
    const taken: number[] = [];
    const release = acquireLock(lock, { onTakeover: (owner) => taken.push(owner.pid) });
    expect(taken).toEqual([child.pid]);
    expect(readFileSync(lock, 'utf8')).toContain(` ${process.pid} `);
    release();
  });
});
