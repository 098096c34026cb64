import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { FileWriteError } from './write-error.js';

export interface FileLockOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** A lock older than this whose owner cannot be checked is taken over (ms). */
  staleMs?: number;
  pollMs?: number;
  /** Called once while waiting, e.g. to tell the user another process holds the lock. */
  onWait?: (owner: string) => void;
}

export class FileLockTimeoutError extends Error {
  constructor(readonly lockPath: string, readonly owner: string, timeoutMs: number) {
    super(
      `could not take the lock ${lockPath} within ${timeoutMs} ms; it is held by ${owner || 'an unknown process'}. ` +
        'If no other mgdl process is running, delete the lock file.',
    );
    this.name = 'FileLockTimeoutError';
  }
}

/**
 * Runs `task` while holding `lockPath`, a file created whole and exclusively (see acquireLock), so
 * parallel processes on one machine take turns. A lock left by a dead process on this host is
 * taken over at once, an empty or garbled one too, one from another host after `staleMs`; a
 * takeover happens under a second lock, so two waiters that find the same stale lock cannot both
 * take it (one would delete the lock the other just made).
 */
export async function withFileLock<T>(lockPath: string, task: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const { timeoutMs = 10 * 60_000, staleMs = 30 * 60_000, pollMs = 100, onWait } = options;
  const started = Date.now();
  let told = false;
  for (;;) {
    if (tryCreate(lockPath)) break;
    const outcome = takeOverIfStale(lockPath, (line, owner) => staleReason(line, owner) ?? (owner.host !== hostname() && ageMs(lockPath) > staleMs ? `older than ${staleMs} ms` : undefined));
    if (outcome.state !== 'held') {
      if (outcome.state === 'busy') await sleep(5);
      continue;
    }
    if (Date.now() - started > timeoutMs) throw new FileLockTimeoutError(lockPath, outcome.line, timeoutMs);
    if (!told) onWait?.(outcome.line);
    told = true;
    await sleep(pollMs);
  }
  try {
    return await task();
  } finally {
    rmSync(lockPath, { force: true });
  }
}

/** Who holds a lock: the owner line is `host pid [started-ISO-time]`. */
export interface LockOwner {
  host: string;
  pid: number;
  started?: string;
}

export class LockHeldError extends Error {
  constructor(
    readonly lockPath: string,
    readonly owner: LockOwner,
  ) {
    const elsewhere = owner.host !== hostname();
    super(
      `${lockPath} is held by pid ${owner.pid} on ${owner.host}${owner.started ? ` since ${owner.started}` : ''}` +
        (elsewhere ? `; this machine (${hostname()}) cannot tell whether that process still runs: if it does not, rerun with --break-lock (or delete the lock file)` : ''),
    );
    this.name = 'LockHeldError';
  }
}

export interface AcquireLockOptions {
  /** Told whose lock is taken over: a dead process's on this host, an unreadable lock, or any with `breakLock`. */
  onTakeover?: (owner: LockOwner, why: string) => void;
  /** Take the lock whoever holds it (the user says the holder, e.g. on another host, is gone). */
  breakLock?: boolean;
}

/**
 * Takes `lockPath` now or throws a LockHeldError naming the live holder. The lock is created whole
 * or not at all (its owner line written to a temporary file, then hard-linked into place), so a
 * full disk never leaves an empty lock. A lock whose holder is dead (on this host), or that is
 * empty or unreadable, is taken over — one process at a time, under a second lock, so two
 * processes that find the same stale lock cannot both take it. Returns the release.
 */
export function acquireLock(lockPath: string, { onTakeover, breakLock = false }: AcquireLockOptions = {}): () => void {
  const release = () => rmSync(lockPath, { force: true });
  for (let taken = 0; ; ) {
    if (tryCreate(lockPath)) return release;
    const outcome = takeOverIfStale(lockPath, (line, owner) => staleReason(line, owner) ?? (breakLock ? 'broken on request (--break-lock)' : undefined), onTakeover);
    if (outcome.state === 'held') throw new LockHeldError(lockPath, parseOwner(outcome.line));
    if (outcome.state === 'busy') sleepSync(5);
    else if (++taken > 100) throw new Error(`${lockPath}: could not be taken after ${taken} tries (other processes keep taking it)`);
  }
}

/** What a takeover attempt found: another process taking over, the lock gone or taken over (try again), or a holder to wait for. */
type Takeover = { state: 'busy' } | { state: 'retry' } | { state: 'held'; line: string };

/**
 * Removes `lockPath` if `reason` says why it may be taken, judging it under `<lockPath>.takeover`,
 * itself created exclusively: only one process at a time reads and removes the lock, so none can
 * delete a lock that another has just made in place of the stale one.
 */
function takeOverIfStale(lockPath: string, reason: (line: string, owner: LockOwner) => string | undefined, onTakeover?: (owner: LockOwner, why: string) => void): Takeover {
  const takeover = `${lockPath}.takeover`;
  if (!tryCreate(takeover)) {
    // Another process is taking the lock over. One killed meanwhile left its takeover lock: that
    // is removed once its holder is seen dead (or, from another host, after 10 s), so it blocks no one.
    const holder = readOwner(takeover);
    if (holder !== undefined && (staleReason(holder, parseOwner(holder)) !== undefined || ageMs(takeover) > 10_000)) rmSync(takeover, { force: true });
    return { state: 'busy' };
  }
  try {
    const line = readOwner(lockPath);
    if (line === undefined) return { state: 'retry' }; // released meanwhile: create it on the next attempt
    const owner = parseOwner(line);
    const why = reason(line, owner);
    if (why === undefined) return { state: 'held', line };
    onTakeover?.(owner, why);
    rmSync(lockPath, { force: true });
    return { state: 'retry' };
  } finally {
    rmSync(takeover, { force: true });
  }
}

/** Why a lock can be taken over without asking, or undefined when its holder may be alive. */
function staleReason(line: string, owner: LockOwner): string | undefined {
  if (line.trim() === '') return 'the lock file is empty (left by an interrupted write)';
  if (!owner.host || !(Number.isInteger(owner.pid) && owner.pid > 0)) return `the lock file does not name an owner ('host pid time'): ${JSON.stringify(line.slice(0, 80))}`;
  if (owner.host === hostname() && !isAlive(owner.pid)) return `pid ${owner.pid} is no longer running`;
  return undefined;
}

function parseOwner(line: string): LockOwner {
  const [host = '', pid = '', started] = line.trim().split(' ');
  return { host, pid: /^\d+$/.test(pid) ? Number(pid) : 0, ...(started ? { started } : {}) };
}

/** Creates `lockPath` holding this process's owner line, whole, or returns false when it exists. */
function tryCreate(lockPath: string): boolean {
  const partial = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    const fd = openSync(partial, 'wx');
    try {
      writeSync(fd, `${hostname()} ${process.pid} ${new Date().toISOString()}\n`);
    } finally {
      closeSync(fd);
    }
    linkSync(partial, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new FileWriteError(lockPath, error as NodeJS.ErrnoException);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** The lock's owner line; '' when it is unreadable, undefined when it no longer exists. */
function readOwner(lockPath: string): string | undefined {
  try {
    return readFileSync(lockPath, 'utf8').trim();
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : '';
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
