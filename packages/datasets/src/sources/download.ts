import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { withFileLock } from '@mgdl/io';
import { createDigest, describeChecksum } from './checksum.js';
import type { ProgressEvent } from './places.js';
import type { Checksum } from './spec.js';

export interface DownloadRequest {
  /** Tried in order until one delivers the expected bytes. */
  urls: readonly string[];
  dest: string;
  expected: { bytes?: number; checksum: Checksum };
  onProgress?: (event: ProgressEvent) => void;
  /** Per attempt (ms). */
  timeoutMs?: number;
}

/**
 * Downloads to `dest.partial`, checks size and checksum, then renames into place, all under
 * `dest.lock` so parallel runs fetch a file once. Returns undefined on success, or one line per
 * failed mirror.
 */
export async function download(request: DownloadRequest): Promise<string[] | undefined> {
  const { dest, onProgress } = request;
  mkdirSync(dirname(dest), { recursive: true });
  return withFileLock(
    `${dest}.lock`,
    async () => {
      if (existsSync(dest)) return undefined; // another process finished it while we waited
      const failures: string[] = [];
      for (const url of request.urls) {
        const failure = await attempt(url, request);
        if (!failure) return undefined;
        failures.push(`${url}: ${failure}`);
        onProgress?.({ type: 'download-failed', url, file: dest, reason: failure });
      }
      return failures;
    },
    { onWait: (owner) => onProgress?.({ type: 'waiting-for-lock', file: dest, owner }) },
  );
}

async function attempt(url: string, { dest, expected, onProgress, timeoutMs = 30 * 60_000 }: DownloadRequest): Promise<string | undefined> {
  const partial = `${dest}.partial`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
    if (!response.ok || !response.body) return `HTTP ${response.status} ${response.statusText}`.trim();
    const announced = Number(response.headers.get('content-length')) || undefined;
    const total = expected.bytes ?? announced;
    onProgress?.({ type: 'download-start', url, file: dest, bytes: total });
    // Git blob ids hash the size first, so they need it up front; the others do not.
    const hash = createDigest(expected.checksum.algorithm, total ?? 0);
    let received = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        hash.update(chunk);
        onProgress?.({ type: 'download-progress', url, file: dest, received, bytes: total });
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]), meter, createWriteStream(partial));
    if (expected.bytes !== undefined && received !== expected.bytes) {
      rmSync(partial, { force: true });
      return `got ${received} bytes, expected ${expected.bytes}`;
    }
    const actual = hash.digest('hex');
    if (actual !== expected.checksum.hex) {
      rmSync(partial, { force: true });
      return `checksum mismatch: ${expected.checksum.algorithm} ${actual}, expected ${describeChecksum(expected.checksum)}`;
    }
    renameSync(partial, dest);
    onProgress?.({ type: 'download-done', url, file: dest, bytes: received });
    return undefined;
  } catch (error) {
    rmSync(partial, { force: true });
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return cause ? `${(error as Error).message} (${cause})` : (error as Error).message;
  }
}
