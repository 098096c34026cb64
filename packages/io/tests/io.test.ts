import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, describeWriteFailure, FileLockTimeoutError, FileWriteError, LockHeldError, removeLeftoverPartials, withFileLock, writeFileAtomic } from '../src/index.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'mgdl-io-'));


/** A child process that has exited at once: its pid is no longer running. */
const exitedChild = () => spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });

/** The worker's next message, or its error; the listener not called is removed, so rounds add none. */
const nextMessage = (worker: Worker) =>
  new Promise<unknown>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      worker.off('error', onError);
      resolve(message);
    };
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      reject(error);
    };
    worker.once('message', onMessage).once('error', onError);
  });

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

describe('a write that fails', () => {
  it('names a full disk, a read-only file system and a permission problem with the fix', () => {
    const error = (code: string) => Object.assign(new Error(code), { code });
    expect(describeWriteFailure('/runs/a/stdout.log', error('ENOSPC'))).toBe('cannot write /runs/a/stdout.log (no space left on the device: free some space)');
    expect(describeWriteFailure('/runs/a/stdout.log', error('EROFS'))).toBe('cannot write /runs/a/stdout.log (the file system is read-only: write somewhere writable)');
    expect(describeWriteFailure('/runs/a/stdout.log', error('EACCES'))).toBe('cannot write /runs/a/stdout.log (no permission to write it: fix its permissions, or write somewhere you may)');
  });

  it('is named by the file meant, not its temporary file, in writeFileAtomic and the lock', () => {
    const dir = tempDir();
    // A folder that is not there: the write fails, as on any disk that refuses it.
    const file = join(dir, 'missing', 'summary.json');
    let error: unknown;
    try {
      writeFileAtomic(file, 'x');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FileWriteError);
    expect(error).toMatchObject({ code: 'ENOENT', path: file, message: expect.stringMatching(new RegExp(`^cannot write ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(ENOENT: `)) });
    expect(() => acquireLock(join(dir, 'missing', 'run.lock'))).toThrow(new RegExp(`^cannot write ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/missing/run\\.lock \\(ENOENT`));
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
    const child = exitedChild();
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

  it('lets one task at a time run when several threads find the same stale lock at the same moment, round after round', async () => {
    const dir = tempDir();
    const dead = exitedChild();
    await new Promise((resolve) => dead.on('exit', resolve));
    const source = new URL('../src/index.ts', import.meta.url).href;
    // gate: [0] the start barrier, [1] threads at the barrier, [2] tasks inside now, [3] most tasks ever inside at once.
    const script = `
      const { parentPort } = require('node:worker_threads');
      import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)})).then(({ withFileLock }) => {
        parentPort.on('message', ({ lock, gate: buffer }) => {
          const gate = new Int32Array(buffer);
          Atomics.add(gate, 1, 1);
          Atomics.wait(gate, 0, 0);
          withFileLock(lock, async () => {
            const inside = Atomics.add(gate, 2, 1) + 1;
            for (let most = Atomics.load(gate, 3); inside > most; most = Atomics.load(gate, 3)) Atomics.compareExchange(gate, 3, most, inside);
            await new Promise((resolve) => setTimeout(resolve, 2));
            Atomics.sub(gate, 2, 1);
          }, { pollMs: 1 }).then(() => parentPort.postMessage('ran'), (error) => parentPort.postMessage(String(error)));
        });
        parentPort.postMessage('ready');
      });`;
    const workers = Array.from({ length: 4 }, () => new Worker(script, { eval: true }));
    try {
      await Promise.all(workers.map(nextMessage));
      for (let round = 0; round < 40; round++) {
        const lock = join(dir, `download-${round}.lock`);
        writeFileSync(lock, `${hostname()} ${dead.pid} 2026-01-01T00:00:00.000Z\n`);
        const gate = new Int32Array(new SharedArrayBuffer(16));
        const results = workers.map(nextMessage);
        for (const worker of workers) worker.postMessage({ lock, gate: gate.buffer });
        while (Atomics.load(gate, 1) < workers.length) await new Promise((resolve) => setTimeout(resolve, 1));
        Atomics.store(gate, 0, 1);
        Atomics.notify(gate, 0);
        expect(await Promise.all(results), `round ${round}`).toEqual(['ran', 'ran', 'ran', 'ran']);
        expect(Atomics.load(gate, 3), `round ${round}: tasks inside the lock at once`).toBe(1);
        expect(existsSync(lock)).toBe(false);
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  });

  it('takes over an empty or garbled lock at once, and another host\'s only once it is older than staleMs', async () => {
    const lock = join(tempDir(), 'x.lock');
    for (const contents of ['', 'not a lock\n']) {
      writeFileSync(lock, contents);
      await expect(withFileLock(lock, async () => 'ran', { pollMs: 5, timeoutMs: 60_000 })).resolves.toBe('ran');
    }
    writeFileSync(lock, 'other-host.example 4242 2026-01-01T00:00:00.000Z\n');
    await expect(withFileLock(lock, async () => 'ran', { pollMs: 5, timeoutMs: 50, staleMs: 60_000 })).rejects.toThrow(/held by other-host\.example 4242/);
    await expect(withFileLock(lock, async () => 'ran', { pollMs: 5, staleMs: 0 })).resolves.toBe('ran');
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
    const child = exitedChild();
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(lock, `${hostname()} ${child.pid} 2026-01-01T00:00:00.000Z\n`);
    const taken: string[] = [];
    const release = acquireLock(lock, { onTakeover: (owner, why) => taken.push(`${owner.pid}: ${why}`) });
    expect(taken).toEqual([`${child.pid}: pid ${child.pid} is no longer running`]);
    expect(readFileSync(lock, 'utf8')).toContain(` ${process.pid} `);
    release();
    expect(readdirSync(join(lock, '..'))).toEqual([]); // no takeover lock or temporary file left
  });

  it.each([
    ['empty (a write cut short)', '', /the lock file is empty/],
    ['garbage', 'not a lock\n', /does not name an owner/],
  ])('takes over a lock that is %s, saying so', (_what, contents, why) => {
    const lock = join(tempDir(), 'run.lock');
    writeFileSync(lock, contents);
    const reasons: string[] = [];
    const release = acquireLock(lock, { onTakeover: (_owner, reason) => reasons.push(reason) });
    expect(reasons).toEqual([expect.stringMatching(why)]);
    expect(readFileSync(lock, 'utf8')).toMatch(new RegExp(`^${hostname()} ${process.pid} \\d{4}-`));
    release();
  });

  it('refuses a lock from another host, saying how to break it, and breaks it when asked', () => {
    const lock = join(tempDir(), 'run.lock');
    writeFileSync(lock, 'other-host.example 4242 2026-01-01T00:00:00.000Z\n');
    expect(() => acquireLock(lock)).toThrow(/held by pid 4242 on other-host\.example since 2026-01-01.*cannot tell whether that process still runs: if it does not, rerun with --break-lock/);
    const reasons: string[] = [];
    const release = acquireLock(lock, { breakLock: true, onTakeover: (owner, why) => reasons.push(`${owner.host} ${why}`) });
    expect(reasons).toEqual(['other-host.example broken on request (--break-lock)']);
    release();
  });

  it('is not blocked by the takeover lock of a process killed while it took a stale lock over', async () => {
    const lock = join(tempDir(), 'run.lock');
    const dead = exitedChild();
    await new Promise((resolve) => dead.on('exit', resolve));
    writeFileSync(lock, `${hostname()} ${dead.pid} 2026-01-01T00:00:00.000Z\n`);
    writeFileSync(`${lock}.takeover`, `${hostname()} ${dead.pid} 2026-01-01T00:00:00.000Z\n`);
    const release = acquireLock(lock);
    expect(readFileSync(lock, 'utf8')).toContain(` ${process.pid} `);
    release();
    expect(readdirSync(join(lock, '..'))).toEqual([]);
  });

  it('lets exactly one of several threads that find the same stale lock at the same moment take it', async () => {
    const dir = tempDir();
    const dead = exitedChild();
    await new Promise((resolve) => dead.on('exit', resolve));
    const source = new URL('../src/index.ts', import.meta.url).href;
    // Four threads, each round waiting on one barrier, then all trying to take a lock left by a dead process.
    const script = `
      const { parentPort } = require('node:worker_threads');
      import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(source)}, ${JSON.stringify(source)})).then(({ acquireLock }) => {
        parentPort.on('message', ({ lock, gate: buffer }) => {
          const gate = new Int32Array(buffer);
          Atomics.add(gate, 1, 1);
          Atomics.wait(gate, 0, 0);
          let held = false;
          try { acquireLock(lock); held = true; } catch (error) { if (error.name !== 'LockHeldError') throw error; }
          parentPort.postMessage(held);
        });
        parentPort.postMessage('ready');
      });`;
    const workers = Array.from({ length: 4 }, () => new Worker(script, { eval: true }));
    try {
      await Promise.all(workers.map(nextMessage));
      for (let round = 0; round < 40; round++) {
        const lock = join(dir, `run-${round}.lock`);
        writeFileSync(lock, `${hostname()} ${dead.pid} 2026-01-01T00:00:00.000Z\n`);
        const gate = new Int32Array(new SharedArrayBuffer(8));
        const results = workers.map(nextMessage);
        for (const worker of workers) worker.postMessage({ lock, gate: gate.buffer });
        while (Atomics.load(gate, 1) < workers.length) await new Promise((resolve) => setTimeout(resolve, 1));
        Atomics.store(gate, 0, 1);
        Atomics.notify(gate, 0);
        expect((await Promise.all(results)).filter(Boolean), `round ${round}`).toHaveLength(1);
      }
    } finally {
      await Promise.all(workers.map((worker) => worker.terminate()));
    }
  });
});

describe('removeLeftoverPartials', () => {
  it('removes the temporary files of cut writes, at any depth, and nothing else', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'cells', 'seed=0'), { recursive: true });
    writeFileSync(join(dir, 'config.json.123.deadbeef.partial'), '{');
    writeFileSync(join(dir, 'cells', 'seed=0', 'identity.json.77.0badc0de.partial'), '{');
    writeFileSync(join(dir, 'cells', 'seed=0', 'notes.partial'), 'a user file that only ends like one');
    writeFileSync(join(dir, 'config.json'), '{}');
    expect(removeLeftoverPartials(dir).sort()).toEqual([join(dir, 'cells', 'seed=0', 'identity.json.77.0badc0de.partial'), join(dir, 'config.json.123.deadbeef.partial')]);
    expect(readdirSync(join(dir, 'cells', 'seed=0'))).toEqual(['notes.partial']);
    expect(removeLeftoverPartials(join(dir, 'absent'))).toEqual([]);
  });
});
