import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CELL_FILE_NAMES, writeFileAtomic } from '@mgdl/io';
import { DONE_FILE, FAILED_FILE, IDENTITY_FILE, STDERR_LOG, STDOUT_LOG } from './files.js';

/** done.json: written last, it certifies the cell's result files (size and SHA-256 each) for one fingerprint. */
export interface DoneRecord {
  fingerprint: string | null;
  exitCode: number;
  seconds: number;
  finishedAt: string;
  files: Record<string, { bytes: number; sha256: string }>;
}

// Logs grow on every rerun and checkpoints are the cell's own resume state: neither is a result.
const NOT_RESULTS = new Set<string>([DONE_FILE, FAILED_FILE, IDENTITY_FILE, STDOUT_LOG, STDERR_LOG, CELL_FILE_NAMES.checkpoints]);

function resultFiles(cellDir: string, dir = cellDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (dir === cellDir && NOT_RESULTS.has(entry.name)) return [];
    if (entry.name.endsWith('.partial')) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? resultFiles(cellDir, path) : entry.isFile() ? [relative(cellDir, path)] : [];
  });
}

const digest = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

export function writeDone(cellDir: string, record: Omit<DoneRecord, 'files'>): void {
  const files = Object.fromEntries(resultFiles(cellDir).sort().map((name) => [name, { bytes: statSync(join(cellDir, name)).size, sha256: digest(join(cellDir, name)) }]));
  writeFileAtomic(join(cellDir, DONE_FILE), `${JSON.stringify({ ...record, files } satisfies DoneRecord, null, 2)}\n`);
}

/**
 * Why a cell's done.json does not hold for `fingerprint` (absent, another config, a certified file
 * missing or changed), or undefined when the cell is done.
 */
export function doneProblem(cellDir: string, fingerprint: string | null): string | undefined {
  const path = join(cellDir, DONE_FILE);
  if (!existsSync(path)) return 'no done.json';
  let record: DoneRecord;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as DoneRecord;
  } catch {
    return 'done.json is not valid JSON';
  }
  if (typeof record.files !== 'object' || record.files === null) return 'done.json lists no result files (written before 0.2)';
  if (record.fingerprint !== fingerprint) return `done.json certifies fingerprint ${record.fingerprint}, not ${fingerprint}`;
  for (const [name, { bytes, sha256 }] of Object.entries(record.files)) {
    const file = join(cellDir, name);
    if (!existsSync(file)) return `${name} is missing`;
    if (statSync(file).size !== bytes || digest(file) !== sha256) return `${name} changed after the cell finished`;
  }
  return undefined;
}

/**
 * For a directory with a done.json: why its result files are not the ones it certified (edited,
 * missing); undefined when they are, and for a directory without one (not a sweep cell).
 */
export function certificationProblem(cellDir: string): string | undefined {
  const path = join(cellDir, DONE_FILE);
  if (!existsSync(path)) return undefined;
  let record: Partial<DoneRecord>;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as Partial<DoneRecord>;
  } catch {
    return 'done.json is not valid JSON';
  }
  return doneProblem(cellDir, record.fingerprint ?? null);
}
