import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '@mgdl/io';
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

const MANIFEST = 'checkpoint.json';
const FORMAT = 'mgdl-checkpoint-1';

/**
 * Writes the arrays to `checkpoint-<step>.bin`, then the manifest that points at it; both through
 * temp-file-and-rename, and the manifest last, so a crash at any moment leaves the previous
 * checkpoint whole. Keeps the previous data file until the next checkpoint lands.
 */
export function writeCheckpoint(dir: string, state: CheckpointState): void {
  mkdirSync(dir, { recursive: true });
  const arrays = [...state.weights, ...state.optimizer.slots];
  const bytes = new Uint8Array(arrays.reduce((n, a) => n + a.values.byteLength, 0));
  let offset = 0;
  const describe = (a: NamedArray) => {
    bytes.set(new Uint8Array(a.values.buffer, a.values.byteOffset, a.values.byteLength), offset);
    const entry = { name: a.name, shape: a.shape, dtype: a.dtype, offset, length: a.values.length };
    offset += a.values.byteLength;
    return entry;
  };
  const dataFile = `checkpoint-${state.step}.bin`;
  const manifest = {
    format: FORMAT,
    dataFile,
    bytes: bytes.length,
    ...state,
    weights: state.weights.map(describe),
    optimizer: { ...state.optimizer, slots: state.optimizer.slots.map(describe) },
  };
  writeFileAtomic(join(dir, dataFile), bytes);
  const previous = readManifest(dir)?.dataFile;
  writeFileAtomic(join(dir, MANIFEST), JSON.stringify(manifest));
  for (const file of readdirSync(dir)) {
    if (/^checkpoint-\d+\.bin$/.test(file) && file !== dataFile && file !== previous) rmSync(join(dir, file), { force: true });
  }
}

interface Manifest extends Omit<CheckpointState, 'weights' | 'optimizer'> {
  format: string;
  dataFile: string;
  bytes: number;
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

function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch (error) {
    throw new KernelError(`${path}: not a readable checkpoint manifest (${(error as Error).message}); delete the checkpoint directory to start over`);
  }
  if (manifest.format !== FORMAT) throw new KernelError(`${path}: format '${manifest.format}', expected '${FORMAT}'`);
  return manifest;
}

/** The latest checkpoint in `dir`, or undefined when there is none. */
export function readCheckpoint(dir: string): CheckpointState | undefined {
  const manifest = readManifest(dir);
  if (!manifest) return undefined;
  const dataPath = join(dir, manifest.dataFile);
  if (!existsSync(dataPath)) throw new KernelError(`${join(dir, MANIFEST)} points at ${manifest.dataFile}, which is missing`);
  const data = readFileSync(dataPath);
  if (data.length !== manifest.bytes) throw new KernelError(`${dataPath}: ${data.length} bytes, the manifest says ${manifest.bytes}; the checkpoint is damaged`);
  // Copy into an aligned buffer: typed-array views need offsets that are multiples of 4.
  const buffer = new Uint8Array(data).buffer;
  const load = (e: ArrayEntry): NamedArray => ({
    name: e.name,
    shape: e.shape,
    dtype: e.dtype,
    values: e.dtype === 'int32' ? new Int32Array(buffer, e.offset, e.length) : new Float32Array(buffer, e.offset, e.length),
  });
  const { format, dataFile, bytes, ...state } = manifest;
  const old = state as typeof state & { epochTotals?: Record<string, number> };
  const epochTally = tallyFromCheckpoint(old.epochTally ?? old.epochTotals ?? {});
  delete old.epochTotals;
  return { ...state, epochTally, weights: manifest.weights.map(load), optimizer: { ...manifest.optimizer, slots: manifest.optimizer.slots.map(load) } };
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
