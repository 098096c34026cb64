import { createHash, randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKPOINT_FILE_NAMES, FileWriteError, writeFileAtomic } from '@mgdl/io';
import { extractArrays, fillArrays, restoreArrays } from './checkpoint-arrays.js';
import { KernelError } from './errors.js';
import { tallyFromCheckpoint, type EpochTally } from './epoch-tally.js';
import type { EpochMetrics } from './types.js';

/** Everything a run needs to continue exactly where it was. */
export interface CheckpointState {
  /** The next batch to run: epoch and batch index within it. */
  epoch: number;
  batchIndex: number;
  step: number;
  seed: number;
  /** What made this checkpoint (e.g. a fingerprint of the run's config); a resume must match it. */
  fingerprint?: string;
  randomState: number;
  /** The epoch metrics so far (a RunSummary's `epochMetrics`; the key keeps its pre-0.2 name so older checkpoints resume). */
  history: EpochMetrics[];
  plugins: Record<string, unknown>;
  /** The epoch so far, so a mid-epoch resume reports the same epoch metrics (a string-keyed record before 0.2). */
  epochTally: EpochTally;
  weights: NamedArray[];
  optimizer: { name: string; scalars: Record<string, number>; slots: NamedArray[] };
}

export interface NamedArray {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  values: Float32Array | Int32Array;
}

const MANIFEST = CHECKPOINT_FILE_NAMES.manifest;
/** The manifest before the latest, kept with its data file: what a resume falls back to when the latest is damaged. */
const PREVIOUS = CHECKPOINT_FILE_NAMES.previousManifest;
const FORMAT = 'mgdl-checkpoint-1';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes the arrays to `checkpoint-<step>.bin`, then the manifest that points at it; both through
 * temp-file-and-rename, and the manifest last, so a crash at any moment leaves the previous
 * checkpoint whole. Keeps the previous manifest and data file until the next checkpoint lands.
 * The manifest carries the SHA-256 of the data file and of itself, verified on every read.
 * Typed arrays anywhere in the other fields (plugin states, ensemble members') are stored in the
 * data file too, after the weights, with a placeholder in the manifest (checkpoint-arrays.ts).
 */
export function writeCheckpoint(dir: string, state: CheckpointState): void {
  mkdirSync(dir, { recursive: true });
  const { weights: stateWeights, optimizer: stateOptimizer, ...rest } = state;
  const arrays = [...stateWeights, ...stateOptimizer.slots];
  const weightBytes = arrays.reduce((n, a) => n + a.values.byteLength, 0);
  const extracted = extractArrays(rest, weightBytes);
  const bytes = new Uint8Array(extracted.end);
  let offset = 0;
  const describe = (a: NamedArray) => {
    bytes.set(new Uint8Array(a.values.buffer, a.values.byteOffset, a.values.byteLength), offset);
    const entry = { name: a.name, shape: a.shape, dtype: a.dtype, offset, length: a.values.length };
    offset += a.values.byteLength;
    return entry;
  };
  const dataFile = `checkpoint-${state.step}.bin`;
  // describe() and fillArrays() fill `bytes`: the entries first, then the checksum of what they filled.
  const weights = stateWeights.map(describe);
  const slots = stateOptimizer.slots.map(describe);
  fillArrays(bytes, extracted.arrays);
  const manifest = { format: FORMAT, dataFile, bytes: bytes.length, dataSha256: sha256(bytes), ...(extracted.json as object), weights, optimizer: { ...stateOptimizer, slots } };
  writeFileAtomic(join(dir, dataFile), bytes);
  const previous = existsSync(join(dir, MANIFEST)) ? parseManifest(join(dir, MANIFEST)).dataFile : undefined;
  if (previous !== undefined) keepAsPrevious(dir);
  // The checksum goes last, so the text with it is the text without it and one more key.
  const text = JSON.stringify(manifest);
  writeFileAtomic(join(dir, MANIFEST), `${text.slice(0, -1)},"manifestSha256":"${sha256(text)}"}`);
  for (const file of readdirSync(dir)) {
    if (/^checkpoint-\d+\.bin$/.test(file) && file !== dataFile && file !== previous) rmSync(join(dir, file), { force: true });
  }
}

/**
 * Makes the current manifest the previous one without reading it: a hard link under a temporary
 * name renamed over the previous manifest, so either name always holds a whole manifest (the
 * rename is atomic, and the latest stays in place until its replacement is renamed over it).
 * Where the file system has no hard links, a copy through writeFileAtomic does the same.
 * The temporary name is writeFileAtomic's, so removeLeftoverPartials clears one a crash left.
 */
function keepAsPrevious(dir: string): void {
  const target = join(dir, PREVIOUS);
  const link = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    linkSync(join(dir, MANIFEST), link);
  } catch (error) {
    if (!NO_HARD_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) throw new FileWriteError(target, error as NodeJS.ErrnoException);
    writeFileAtomic(target, readFileSync(join(dir, MANIFEST)));
    return;
  }
  try {
    renameSync(link, target);
  } catch (error) {
    rmSync(link, { force: true });
    throw new FileWriteError(target, error as NodeJS.ErrnoException);
  }
}

/** What link() fails with where a file system has no hard links (FAT, some network and FUSE mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

interface Manifest extends Omit<CheckpointState, 'weights' | 'optimizer'> {
  format: string;
  dataFile: string;
  bytes: number;
  /** Absent in checkpoints written before checksums: those load unverified. */
  dataSha256?: string;
  manifestSha256?: string;
  weights: ArrayEntry[];
  optimizer: { name: string; scalars: Record<string, number>; slots: ArrayEntry[] };
}

interface ArrayEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
}

/** Parses a manifest file and verifies its own checksum; throws a KernelError naming the file. */
function parseManifest(path: string): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (error) {
    throw new KernelError(`${path}: not a readable checkpoint manifest (${(error as Error).message})`);
  }
  if (manifest.format !== FORMAT) throw new KernelError(`${path}: format '${manifest.format}', expected '${FORMAT}'`);
  const { manifestSha256, ...rest } = manifest;
  if (manifestSha256 !== undefined && sha256(JSON.stringify(rest)) !== manifestSha256) throw new KernelError(`${path}: its checksum does not match its contents; the manifest is damaged`);
  return manifest;
}

/** The arrays of a manifest, read from its data file and verified against its size and checksum. */
function loadState(dir: string, path: string): CheckpointState {
  const manifest = parseManifest(path);
  const dataPath = join(dir, manifest.dataFile);
  if (!existsSync(dataPath)) throw new KernelError(`${path} points at ${manifest.dataFile}, which is missing`);
  const data = readFileSync(dataPath);
  if (data.length !== manifest.bytes) throw new KernelError(`${dataPath}: ${data.length} bytes, the manifest says ${manifest.bytes}; the checkpoint is damaged`);
  if (manifest.dataSha256 !== undefined && sha256(data) !== manifest.dataSha256) throw new KernelError(`${dataPath}: its SHA-256 does not match the manifest's; the checkpoint is damaged`);
  // Copy into an aligned buffer: typed-array views need offsets that are multiples of their element size.
  const aligned = new Uint8Array(data);
  const buffer = aligned.buffer;
  const load = (e: ArrayEntry): NamedArray => ({
    name: e.name,
    shape: e.shape,
    dtype: e.dtype,
    values: e.dtype === 'int32' ? new Int32Array(buffer, e.offset, e.length) : new Float32Array(buffer, e.offset, e.length),
  });
  const { format: _format, dataFile: _dataFile, bytes: _bytes, dataSha256: _data, manifestSha256: _manifest, weights: _weights, optimizer: _optimizer, ...json } = manifest;
  const state = restoreArrays(json, aligned, path) as typeof json;
  const old = state as typeof state & { epochTotals?: Record<string, number> };
  const epochTally = tallyFromCheckpoint(old.epochTally ?? old.epochTotals ?? {});
  delete old.epochTotals;
  return { ...state, epochTally, weights: manifest.weights.map(load), optimizer: { ...manifest.optimizer, slots: manifest.optimizer.slots.map(load) } };
}

/**
 * The latest checkpoint in `dir`, or undefined when there is none. A damaged latest checkpoint
 * (checksum, size or a missing file) falls back to the one before it, after `onDamaged` is told
 * why; with neither intact it throws, naming both — never a silent resume from damaged state.
 */
export function readCheckpoint(dir: string, { onDamaged }: { onDamaged?: (message: string) => void } = {}): CheckpointState | undefined {
  const latest = join(dir, MANIFEST);
  if (!existsSync(latest)) return undefined;
  try {
    return loadState(dir, latest);
  } catch (error) {
    if (!(error instanceof KernelError)) throw error;
    const previous = join(dir, PREVIOUS);
    const fix = `delete ${dir} to start the run over`;
    if (!existsSync(previous)) throw new KernelError(`${error.message}, and there is no earlier checkpoint: ${fix}`);
    let state: CheckpointState;
    try {
      state = loadState(dir, previous);
    } catch (earlier) {
      throw new KernelError(`${error.message}; the earlier checkpoint is damaged too (${(earlier as Error).message}): ${fix}`);
    }
    onDamaged?.(`${error.message}: resuming from the checkpoint before it (step ${state.step})`);
    return state;
  }
}

/** Refuses to resume a checkpoint written under another fingerprint (e.g. of another config). */
export function checkFingerprint(restored: CheckpointState, checkpoint: { dir: string; fingerprint?: string }): void {
  if (restored.fingerprint !== checkpoint.fingerprint) {
    throw new KernelError(
      `the checkpoint in ${checkpoint.dir} was written by another config (fingerprint ${restored.fingerprint ?? 'none'}, this run is ${checkpoint.fingerprint ?? 'none'}): ` +
        'resuming it would mix two runs; delete that directory to start over, or checkpoint this run elsewhere',
    );
  }
}
