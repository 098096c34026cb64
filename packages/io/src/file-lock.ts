import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

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
 * Runs `task` while holding `lockPath`, a file created exclusively (O_EXCL), so parallel processes
 * on one machine take turns. A lock left by a dead process on this host is taken over at once.
 */
export async function withFileLock<T>(lockPath: string, task: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const { timeoutMs = 10 * 60_000, staleMs = 30 * 60_000, pollMs = 100, onWait } = options;
  const started = Date.now();
  let told = false;
  for (;;) {
    if (tryCreate(lockPath)) break;
    const owner = readOwner(lockPath);
    if (isAbandoned(lockPath, owner, staleMs)) {
      rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() - started > timeoutMs) throw new FileLockTimeoutError(lockPath, owner, timeoutMs);
    if (!told) onWait?.(owner);
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
    super(`${lockPath} is held by pid ${owner.pid} on ${owner.host}${owner.started ? ` since ${owner.started}` : ''}`);
    this.name = 'LockHeldError';
  }
}

/**
 * Takes `lockPath` now or throws a LockHeldError naming the live holder. A lock left by a dead
 * process on this host is taken over, after `onTakeover` is told whose it was. Returns the release.
 */
export function acquireLock(lockPath: string, { onTakeover }: { onTakeover?: (owner: LockOwner) => void } = {}): () => void {
  for (;;) {
    if (tryCreate(lockPath)) return () => rmSync(lockPath, { force: true });
    const owner = parseOwner(readOwner(lockPath));
    if (owner.host === hostname() && owner.pid > 0 && !isAlive(owner.pid)) {
      onTakeover?.(owner);
      rmSync(lockPath, { force: true });
      continue;
    }
    throw new LockHeldError(lockPath, owner);
  }
}

function parseOwner(line: string): LockOwner {
  const [host = '', pid = '', started] = line.split(' ');
  return { host, pid: Number(pid) || 0, ...(started ? { started } : {}) };
}

function tryCreate(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    writeSync(fd, `${hostname()} ${process.pid} ${new Date().toISOString()}\n`);
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function readOwner(lockPath: string): string {
  try {
    return readFileSync(lockPath, 'utf8').trim();
  } catch {
    return '';
  }
}

function isAbandoned(lockPath: string, owner: string, staleMs: number): boolean {
  const [host, pidText] = owner.split(' ');
  const pid = Number(pidText);
  if (host === hostname() && Number.isInteger(pid) && pid > 0) return !isAlive(pid);
  try {
    return Date.now() - statSync(lockPath).mtimeMs > staleMs;
  } catch {
    return false; // vanished between checks: the next attempt will create it
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
