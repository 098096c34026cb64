import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { describeChecksum, digestFile } from './checksum.js';
import { candidatePaths } from './open.js';
import { resolvePlaces, type SourceOptions } from './places.js';
import { datasetSpecs } from './registry.js';
import type { DatasetSpec } from './spec.js';

export interface VerifyRow {
  dataset: string;
  file: string;
  /** The file a loader would read, or undefined when none was found. */
  path?: string;
  where?: 'data-dir' | 'cache';
  bytes?: number;
  status: 'ok' | 'bad' | 'missing';
  detail: string;
}

/**
 * Checks every known file of the given datasets where a loader would find it (data dirs, then the
 * cache; never downloads): size and checksum against the published values.
 */
export async function verifyFiles(options: SourceOptions = {}, specs: readonly DatasetSpec[] = datasetSpecs): Promise<VerifyRow[]> {
  const places = resolvePlaces(options);
  const rows: VerifyRow[] = [];
  for (const spec of specs) {
    const checkedArchives = new Set<string>();
    for (const file of spec.files) {
      const found = candidatePaths(spec, file, places).find((c) => existsSync(c.path));
      if (!found) {
        rows.push({ dataset: spec.name, file: file.variants[0]!.name, status: 'missing', detail: file.archive ? `not found, nor ${file.archive.name}` : 'not found' });
        continue;
      }
      if (found.archive && checkedArchives.has(found.path)) continue;
      if (found.archive) checkedArchives.add(found.path);
      const expected = found.archive ?? found.variant!;
      const bytes = statSync(found.path).size;
      const row = { dataset: spec.name, file: basename(found.path), path: found.path, where: found.where, bytes };
      if (expected.bytes !== undefined && bytes !== expected.bytes) {
        rows.push({ ...row, status: 'bad', detail: `size ${bytes}, expected ${expected.bytes}` });
        continue;
      }
      const actual = await digestFile(found.path, expected.checksum.algorithm, bytes);
      rows.push(
        actual === expected.checksum.hex
          ? { ...row, status: 'ok', detail: `${expected.checksum.algorithm} ok` }
          : { ...row, status: 'bad', detail: `${expected.checksum.algorithm} ${actual}, expected ${describeChecksum(expected.checksum)}` },
      );
    }
  }
  return rows;
}
