import { gunzipSync } from 'node:zlib';
import { DatasetError } from '../errors.js';

/** Gunzips `bytes` when they carry the gzip magic (1f 8b); any other bytes pass through untouched. */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  let out: Buffer;
  try {
    out = gunzipSync(bytes, { chunkSize: outputChunkSize(bytes) });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new DatasetError('corrupt-archive', `gzip data cannot be decompressed (${reason})`, {
      file,
      expected: 'a complete gzip stream',
      hint: 'the download was probably cut short; delete the file and fetch it again',
    });
  }
  // A plain view, so callers never meet Buffer's copy-free slice() semantics.
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Output in one chunk of the size the gzip trailer states (ISIZE: the last member's size mod 2^32),
 * plus one byte so zlib sees the end within it: no chunks gathered and copied into a second buffer
 * of the same size, which took as long as inflating MNIST's 47 MB (fresh pages are slow to touch).
 * A trailer that cannot be right (wrapped past 4 GiB, other members before it) only costs speed:
 * the output then grows chunk by chunk.
 */
function outputChunkSize(bytes: Uint8Array): number {
  const n = bytes.length;
  const stated = (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
  // Deflate expands at most ~1,032-fold: a damaged trailer cannot ask for more than that, nor over 512 MiB.
  return Math.max(64, Math.min(stated + 1, 1032 * n, 512 << 20));
}
