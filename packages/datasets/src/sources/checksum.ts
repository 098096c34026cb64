import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Checksum, ChecksumAlgorithm } from './spec.js';

/** An incremental digest; git blob ids hash a `blob <size>\0` header first, so they need the size. */
export function createDigest(algorithm: ChecksumAlgorithm, size: number): Hash {
  if (algorithm === 'git-blob-sha1') return createHash('sha1').update(`blob ${size}\0`);
  return createHash(algorithm);
}

export async function digestFile(path: string, algorithm: ChecksumAlgorithm, size: number): Promise<string> {
  const hash = createDigest(algorithm, size);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function digestBytes(bytes: Uint8Array, algorithm: ChecksumAlgorithm): string {
  return createDigest(algorithm, bytes.length).update(bytes).digest('hex');
}

export const describeChecksum = (checksum: Checksum): string => `${checksum.algorithm} ${checksum.hex}`;
