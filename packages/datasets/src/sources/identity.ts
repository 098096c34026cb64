import { existsSync, readFileSync, statSync } from 'node:fs';
import { digestBytes } from './checksum.js';
import { candidatePaths } from './open.js';
import { resolvePlaces, type SourceOptions } from './places.js';
import { datasetSpec } from './registry.js';

/** Digests by path, size and modification time: a run's cells ask for the same files many times. */
const digests = new Map<string, string>();

/**
 * What a run reads of a dataset, for the run's identity: per file, 'published' when the file a
 * loader would read is the published one (or is not here yet, so it will be downloaded and
 * verified), else its size and checksum — own or synthetic files, read with verification off. Two
 * runs with equal identities read the same bytes. Reads the files (once per process).
 */
export function datasetIdentity(name: string, options: SourceOptions = {}): Record<string, string> {
  const places = resolvePlaces(options);
  const spec = datasetSpec(name);
  const identity: Record<string, string> = {};
  for (const file of spec.files) {
    const found = candidatePaths(spec, file, places).find((candidate) => existsSync(candidate.path));
    const key = file.variants[0]!.name;
    if (!found) {
      identity[key] = 'published';
      continue;
    }
    const expected = found.archive ?? found.variant!;
    const { size, mtimeMs } = statSync(found.path);
    const cacheKey = `${found.path}\u0000${size}\u0000${mtimeMs}\u0000${expected.checksum.algorithm}`;
    let hex = digests.get(cacheKey);
    if (hex === undefined) digests.set(cacheKey, (hex = digestBytes(readFileSync(found.path), expected.checksum.algorithm)));
    identity[key] = hex === expected.checksum.hex ? 'published' : `${size} bytes, ${expected.checksum.algorithm} ${hex}`;
  }
  return identity;
}
