import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError } from '../errors.js';
import { maybeGunzip } from '../formats/gzip.js';
import { readTar } from '../formats/tar.js';
import { describeChecksum, digestBytes } from './checksum.js';
import { download } from './download.js';
import { resolvePlaces, type Places, type SourceOptions } from './places.js';
import type { ArchiveSpec, Checksum, DatasetSpec, FileSpec, FileVariant } from './spec.js';

/** Where one of a dataset's files was read from, as recorded in the dataset's metadata. */
export interface SourceFile {
  id: string;
  /** The file on disk (the archive, when `member` is set). */
  path: string;
  member?: string;
  where: 'data-dir' | 'cache' | 'downloaded';
  bytes: number;
  checksum: Checksum;
  verified: boolean;
}

interface Candidate {
  path: string;
  where: 'data-dir' | 'cache';
  origin: string;
  variant?: FileVariant;
  archive?: ArchiveSpec;
}

/** Every place a file may be, in search order: data dirs, then the cache. */
export function candidatePaths(spec: DatasetSpec, file: FileSpec, places: Places): Candidate[] {
  const out: Candidate[] = [];
  const add = (fileDirs: string[], archiveDirs: string[], where: Candidate['where'], origin: string) => {
    for (const base of fileDirs) for (const variant of file.variants) out.push({ path: join(base, variant.name), where, origin, variant });
    if (file.archive) for (const base of archiveDirs) out.push({ path: join(base, file.archive.name), where, origin, archive: file.archive });
  };
  for (const { dir, origin } of places.dataDirs) {
    const datasetDir = join(dir, spec.dir);
    add([datasetDir, ...(spec.subdirs ?? []).map((sub) => join(datasetDir, sub)), dir], [datasetDir, dir], 'data-dir', origin);
  }
  const cached = join(places.cacheDir, spec.dir);
  add([cached], [cached], 'cache', places.cacheOrigin);
  return out;
}

/**
 * Finds, downloads if needed, reads and verifies the given files of a dataset. Returns each file's
 * bytes as stored (still gzip'd if it was) and where it came from.
 */
export async function openFiles(
  spec: DatasetSpec,
  ids: readonly string[],
  options: SourceOptions = {},
): Promise<{ sources: SourceFile[]; bytes: Map<string, Uint8Array> }> {
  const places = resolvePlaces(options);
  const verify = places.verify;
  const archives = new Map<string, Map<string, Uint8Array>>();
  const sources: SourceFile[] = [];
  const bytes = new Map<string, Uint8Array>();
  for (const id of ids) {
    const file = spec.files.find((f) => f.id === id);
    if (!file) throw new Error(`mgdl: dataset '${spec.name}' has no file '${id}'`);
    const found = candidatePaths(spec, file, places).find((c) => existsSync(c.path)) ?? (await fetchIntoCache(spec, file, places, options));
    const { source, data } = found.archive
      ? readMember(found, file, verify, archives)
      : readPlain(found, found.variant ?? file.variants[0]!, verify);
    sources.push({ ...source, id });
    bytes.set(id, data);
  }
  return { sources, bytes };
}

type Found = Omit<Candidate, 'where'> & { where: SourceFile['where'] };

async function fetchIntoCache(spec: DatasetSpec, file: FileSpec, places: Places, options: SourceOptions): Promise<Found> {
  const target = file.archive ?? file.variants[0]!;
  const mirrors = file.archive?.mirrors ?? file.mirrors;
  const alternatives = file.variants.map((v) => v.name).filter((name) => name !== target.name);
  const looked = candidatePaths(spec, file, places).map((c) => `  - ${c.path} (${c.where}, ${c.origin})`);
  const fix =
    `To use local files, put ${target.name}${alternatives.length > 0 ? ` (or ${alternatives.join(', ')})` : ''} ` +
    `in a folder DIR/${spec.dir}/ and pass --data-dir DIR (or set MGDL_DATA_DIR=DIR).`;
  if (places.offline || mirrors.length === 0) {
    const why = places.offline ? 'downloads are off (offline)' : 'no download mirror is known';
    throw new DatasetError('not-found', `${spec.name}: file '${file.id}' not found and ${why}. Looked in:\n${looked.join('\n')}`, { hint: fix });
  }
  const dest = join(places.cacheDir, spec.dir, target.name);
  const failures = await download({ urls: mirrors.map((m) => m + target.name), dest, expected: target, onProgress: options.onProgress });
  if (failures) {
    throw new DatasetError(
      'download-failed',
      `${spec.name}: file '${file.id}' not found locally and every mirror failed:\n${failures.map((f) => `  - ${f}`).join('\n')}\nLooked in:\n${looked.join('\n')}`,
      { hint: fix },
    );
  }
  return file.archive
    ? { path: dest, where: 'downloaded', origin: 'download', archive: file.archive }
    : { path: dest, where: 'downloaded', origin: 'download', variant: file.variants[0]! };
}

function readPlain(found: Found, variant: FileVariant, verify: boolean): { source: Omit<SourceFile, 'id'>; data: Uint8Array } {
  const data = readFileSync(found.path);
  if (verify) check(data, variant, found.path);
  return { source: { path: found.path, where: found.where, bytes: data.length, checksum: variant.checksum, verified: verify }, data };
}

function readMember(
  found: Found,
  file: FileSpec,
  verify: boolean,
  archives: Map<string, Map<string, Uint8Array>>,
): { source: Omit<SourceFile, 'id'>; data: Uint8Array } {
  const archive = found.archive!;
  let members = archives.get(found.path);
  if (!members) {
    const packed = readFileSync(found.path);
    if (verify) check(packed, archive, found.path);
    members = readTar(maybeGunzip(packed, found.path), found.path);
    archives.set(found.path, members);
  }
  const variant = file.variants[0]!;
  const member = `${archive.memberDir}/${variant.name}`;
  const data = members.get(member);
  if (!data) {
    throw new DatasetError('corrupt-archive', `member '${member}' is missing`, { file: found.path, expected: `an archive holding ${member}` });
  }
  if (verify) check(data, variant, `${found.path}:${member}`);
  return { source: { path: found.path, member, where: found.where, bytes: data.length, checksum: variant.checksum, verified: verify }, data };
}

function check(data: Uint8Array, expected: { bytes?: number; checksum: Checksum }, file: string): void {
  const hint = 'The file is damaged or a different version: replace it with the published file, or delete it to download again (pass --no-verify to use it anyway).';
  if (expected.bytes !== undefined && data.length !== expected.bytes) {
    throw new DatasetError('checksum-mismatch', `size ${data.length} bytes`, { file, expected: `${expected.bytes} bytes`, hint });
  }
  const actual = digestBytes(data, expected.checksum.algorithm);
  if (actual !== expected.checksum.hex) {
    throw new DatasetError('checksum-mismatch', `${expected.checksum.algorithm} is ${actual}`, { file, expected: describeChecksum(expected.checksum), hint });
  }
}
