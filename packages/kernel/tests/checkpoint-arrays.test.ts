import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KernelError, readCheckpoint, writeCheckpoint, type CheckpointState } from '../src/index.js';
import { ARRAY_PLACEHOLDER_KEY } from '../src/checkpoint-arrays.js';
import { emptyTally } from '../src/epoch-tally.js';

const state = (step: number, plugins: Record<string, unknown>, extra: object = {}): CheckpointState => ({
  epoch: step,
  batchIndex: 0,
  step,
  seed: 1,
  randomState: 7,
  history: [],
  plugins,
  epochTally: emptyTally(),
  // Three floats: the plugin arrays after them start at byte 12, which an 8-byte array must not.
  weights: [{ name: 'dense/kernel', shape: [3], dtype: 'float32', values: Float32Array.of(step, 2, 3) }],
  optimizer: { name: 'sgd', scalars: {}, slots: [] },
  ...extra,
});

const newDir = () => mkdtempSync(join(tmpdir(), 'mgdl-checkpoint-arrays-'));
const bitsOf = (array: ArrayBufferView) => Array.from(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));

/** Every kind a plugin state may hold, with values JSON would not keep: NaN payloads, −0, infinities, doubles, the int extremes. */
const everyKind = () => {
  const nanWithPayload = new Float32Array(new Uint32Array([0x7fc01234]).buffer)[0]!;
  return {
    uint8: Uint8Array.of(0, 1, 255),
    float64: Float64Array.of(0.1, -0, Number.NaN, Number.MAX_VALUE, -Infinity),
    nested: { float32: Float32Array.of(nanWithPayload, -0, Infinity, 1e-45), deeper: [Int32Array.of(-(2 ** 31), 2 ** 31 - 1), { uint32: Uint32Array.of(0, 2 ** 32 - 1) }] },
    // A view into a larger buffer: only its own elements are stored.
    view: new Float32Array(Float32Array.of(9, 8, 7, 6).buffer, 4, 2),
    plain: { label: 'kept as JSON', numbers: [1, 2.5] },
  };
};

describe('typed arrays in checkpoint state', () => {
  it('round-trips every kind bit-exactly, nested, in plugin states and ensemble members, each in its own buffer', () => {
    const dir = newDir();
    const written = everyKind();
    const member = { seed: 3, plugins: { tally: { correct: Int32Array.of(5, -1, 7) } } };
    writeCheckpoint(dir, state(4, { a: written }, { members: [member, { seed: 4, plugins: {} }] }));
    const read = readCheckpoint(dir)! as CheckpointState & { members: (typeof member)[] };
    const a = read.plugins['a'] as ReturnType<typeof everyKind>;
    const pairs: [ArrayBufferView, ArrayBufferView][] = [
      [a.uint8, written.uint8],
      [a.float64, written.float64],
      [a.nested.float32, written.nested.float32],
      [a.nested.deeper[0] as Int32Array, written.nested.deeper[0] as Int32Array],
      [(a.nested.deeper[1] as { uint32: Uint32Array }).uint32, (written.nested.deeper[1] as { uint32: Uint32Array }).uint32],
      [a.view, written.view],
      [read.members[0]!.plugins.tally.correct, member.plugins.tally.correct],
    ];
    for (const [got, wrote] of pairs) {
      expect(got.constructor).toBe(wrote.constructor);
      expect(bitsOf(got)).toEqual(bitsOf(wrote));
      // Its own buffer: a plugin may keep it and write to it without touching anything else.
      expect(got.byteOffset).toBe(0);
      expect(got.buffer.byteLength).toBe(got.byteLength);
    }
    expect(a.plain).toEqual(written.plain);
    expect(read.members[1]).toEqual({ seed: 4, plugins: {} });
    expect(Array.from(read.weights[0]!.values)).toEqual([4, 2, 3]);
  });

  it('keeps placeholders in the manifest, at offsets aligned to the element size, inside the checksummed data file', () => {
    const dir = newDir();
    const large = new Float64Array(10_000).map((_, i) => i / 3);
    writeCheckpoint(dir, state(4, { a: { ...everyKind(), large } }));
    const text = readFileSync(join(dir, 'checkpoint.json'), 'utf8');
    expect(text.length).toBeLessThan(2_000);
    const placeholders = [...text.matchAll(new RegExp(`"\\${ARRAY_PLACEHOLDER_KEY}":(\\{[^}]*\\})`, 'g'))].map((m) => JSON.parse(m[1]!) as { dtype: string; offset: number; length: number });
    expect(placeholders.map((p) => p.dtype).sort()).toEqual(['float32', 'float32', 'float64', 'float64', 'int32', 'uint32', 'uint8']);
    const size = { uint8: 1, int32: 4, uint32: 4, float32: 4, float64: 8 } as Record<string, number>;
    for (const p of placeholders) expect(p.offset % size[p.dtype]!).toBe(0);
    const manifest = JSON.parse(text) as { bytes: number };
    expect(statSync(join(dir, 'checkpoint-4.bin')).size).toBe(manifest.bytes);
    expect(manifest.bytes).toBeGreaterThanOrEqual(12 + large.byteLength);
    // A flipped bit in a plugin array's bytes is caught by the data file's checksum, as in the weights'.
    const bin = join(dir, 'checkpoint-4.bin');
    const bytes = readFileSync(bin);
    bytes[bytes.length - 1]! ^= 1;
    writeFileSync(bin, bytes);
    expect(() => readCheckpoint(dir)).toThrow(/checkpoint-4\.bin: its SHA-256 does not match/);
  });

  it('reads a checkpoint written before placeholders (base64 and number lists in plugin state) as it was written', () => {
    const dir = newDir();
    const old = { counter: { step: 4 }, history: { ids: Buffer.from(Int32Array.of(1, 2).buffer).toString('base64'), loss: [0.5, 0.25] } };
    writeCheckpoint(dir, state(4, old));
    expect(readFileSync(join(dir, 'checkpoint.json'), 'utf8')).not.toContain(ARRAY_PLACEHOLDER_KEY);
    expect(readCheckpoint(dir)!.plugins).toEqual(old);
  });

  it('refuses typed arrays it cannot store and the reserved key, naming where they are', () => {
    const dir = newDir();
    expect(() => writeCheckpoint(dir, state(1, { p: { deep: [Int16Array.of(1)] } }))).toThrow(/state\.plugins\.p\.deep\[0\] is a Int16Array, which checkpoints do not store/);
    expect(() => writeCheckpoint(dir, state(1, { p: { [ARRAY_PLACEHOLDER_KEY]: 1 } }))).toThrow(KernelError);
    expect(() => writeCheckpoint(dir, state(1, { p: { [ARRAY_PLACEHOLDER_KEY]: 1 } }))).toThrow(/state\.plugins\.p uses the key '\$mgdl-checkpoint-array', which checkpoints reserve/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('keeps the previous manifest as a separate file through many writes, and falls back to it', () => {
    const dir = newDir();
    for (let step = 1; step <= 5; step++) writeCheckpoint(dir, state(step, { a: { values: Float32Array.of(step, -step) } }));
    const latest = join(dir, 'checkpoint.json');
    const previous = join(dir, 'checkpoint-previous.json');
    expect(statSync(previous).ino).not.toBe(statSync(latest).ino);
    expect(statSync(previous).nlink).toBe(1);
    expect((JSON.parse(readFileSync(previous, 'utf8')) as { dataFile: string }).dataFile).toBe('checkpoint-4.bin');
    expect(readdirSync(dir).sort()).toEqual(['checkpoint-4.bin', 'checkpoint-5.bin', 'checkpoint-previous.json', 'checkpoint.json']);
    // A torn latest manifest (as a crash of a writer without rename would leave): the previous one resumes, arrays and all.
    writeFileSync(latest, readFileSync(latest, 'utf8').slice(0, 100));
    const told: string[] = [];
    const read = readCheckpoint(dir, { onDamaged: (message) => told.push(message) })!;
    expect(read.step).toBe(4);
    expect(Array.from((read.plugins['a'] as { values: Float32Array }).values)).toEqual([4, -4]);
    expect(told[0]).toMatch(/checkpoint\.json: not a readable checkpoint manifest.*resuming from the checkpoint before it \(step 4\)/);
  });

  it('copies the previous manifest where the file system has no hard links', () => {
    // As on FAT or some network mounts: link() fails with ENOTSUP (set on node:fs itself, so the kernel's import sees it).
    const fs = createRequire(import.meta.url)('node:fs') as typeof import('node:fs');
    const link = fs.linkSync;
    const tried: string[] = [];
    fs.linkSync = (existing) => {
      tried.push(String(existing));
      throw Object.assign(new Error('ENOTSUP: operation not supported'), { code: 'ENOTSUP' });
    };
    syncBuiltinESMExports();
    const dir = newDir();
    try {
      for (let step = 1; step <= 3; step++) writeCheckpoint(dir, state(step, { a: { values: Float32Array.of(step) } }));
    } finally {
      fs.linkSync = link;
      syncBuiltinESMExports();
    }
    expect(tried).toHaveLength(2);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint-2.bin', 'checkpoint-3.bin', 'checkpoint-previous.json', 'checkpoint.json']);
    expect((JSON.parse(readFileSync(join(dir, 'checkpoint-previous.json'), 'utf8')) as { step: number }).step).toBe(2);
    writeFileSync(join(dir, 'checkpoint.json'), '{');
    const read = readCheckpoint(dir, { onDamaged: () => undefined })!;
    expect(Array.from((read.plugins['a'] as { values: Float32Array }).values)).toEqual([2]);
  });
});
