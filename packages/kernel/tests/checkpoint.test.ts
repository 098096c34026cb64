import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KernelError, readCheckpoint, writeCheckpoint, type CheckpointState } from '../src/index.js';
import { emptyTally } from '../src/epoch-tally.js';

const state = (step: number): CheckpointState => ({
  epoch: step,
  batchIndex: 0,
  step,
  seed: 1,
  randomState: 7,
  history: [],
  plugins: { counter: { step } },
  epochTally: emptyTally(),
  weights: [{ name: 'dense/kernel', shape: [2, 2], dtype: 'float32', values: Float32Array.of(step, 2, 3, 4) }],
  optimizer: { name: 'adam', scalars: { t: step }, slots: [{ name: 'dense/kernel/m', shape: [2, 2], dtype: 'float32', values: Float32Array.of(0.5, 0, 0, step) }] },
});

/** Flips one bit of a file in place, as a bad disk or a stray write would. */
const flipBit = (path: string, at: number) => {
  const bytes = readFileSync(path);
  bytes[at]! ^= 0x10;
  writeFileSync(path, bytes);
};

describe('checkpoint checksums', () => {
  function twoCheckpoints() {
    const dir = mkdtempSync(join(tmpdir(), 'mgdl-checkpoint-'));
    writeCheckpoint(dir, state(4));
    writeCheckpoint(dir, state(8));
    return dir;
  }

  it('reads an intact checkpoint back exactly', () => {
    const read = readCheckpoint(twoCheckpoints())!;
    expect(read.step).toBe(8);
    expect(Array.from(read.weights[0]!.values)).toEqual([8, 2, 3, 4]);
    expect(read.plugins).toEqual({ counter: { step: 8 } });
  });

  it('names a damaged data file and resumes from the checkpoint before it', () => {
    const dir = twoCheckpoints();
    flipBit(join(dir, 'checkpoint-8.bin'), 5);
    const told: string[] = [];
    const read = readCheckpoint(dir, { onDamaged: (message) => told.push(message) })!;
    expect(read.step).toBe(4);
    expect(Array.from(read.weights[0]!.values)).toEqual([4, 2, 3, 4]);
    expect(told).toEqual([expect.stringMatching(/checkpoint-8\.bin: its SHA-256 does not match the manifest's; the checkpoint is damaged: resuming from the checkpoint before it \(step 4\)/)]);
  });

  it('keeps the latest two checkpoints, in the writing process and in a directory it did not write (a restart)', () => {
    const dir = twoCheckpoints();
    writeCheckpoint(dir, state(12));
    const dataFiles = (d: string) => readdirSync(d).filter((f) => f.endsWith('.bin')).sort();
    expect(dataFiles(dir)).toEqual(['checkpoint-12.bin', 'checkpoint-8.bin']);
    expect(JSON.parse(readFileSync(join(dir, 'checkpoint-previous.json'), 'utf8')).dataFile).toBe('checkpoint-8.bin');
    const restarted = mkdtempSync(join(tmpdir(), 'mgdl-checkpoint-restart-'));
    cpSync(dir, restarted, { recursive: true });
    writeCheckpoint(restarted, state(16));
    expect(dataFiles(restarted)).toEqual(['checkpoint-12.bin', 'checkpoint-16.bin']);
    flipBit(join(restarted, 'checkpoint-16.bin'), 0);
    expect(readCheckpoint(restarted, { onDamaged: () => {} })!.step).toBe(12);
  });

  it('names an edited manifest', () => {
    const dir = twoCheckpoints();
    const path = join(dir, 'checkpoint.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"randomState":7', '"randomState":8'));
    const told: string[] = [];
    expect(readCheckpoint(dir, { onDamaged: (message) => told.push(message) })!.step).toBe(4);
    expect(told[0]).toMatch(/checkpoint\.json: its checksum does not match its contents/);
  });

  it('refuses to resume when no intact checkpoint is left, saying how to start over', () => {
    const dir = twoCheckpoints();
    flipBit(join(dir, 'checkpoint-8.bin'), 0);
    flipBit(join(dir, 'checkpoint-4.bin'), 0);
    expect(() => readCheckpoint(dir)).toThrow(KernelError);
    expect(() => readCheckpoint(dir)).toThrow(/checkpoint-8\.bin: its SHA-256 .*; the earlier checkpoint is damaged too \(.*checkpoint-4\.bin: its SHA-256 .*\): delete .* to start the run over/);
    const single = mkdtempSync(join(tmpdir(), 'mgdl-checkpoint-single-'));
    writeCheckpoint(single, state(2));
    flipBit(join(single, 'checkpoint-2.bin'), 0);
    expect(() => readCheckpoint(single)).toThrow(/and there is no earlier checkpoint: delete .* to start the run over/);
  });
});
