/**
 * The SIMD team (simd/team.ts) on a heap of its own: tasks split between the caller and workers
 * give the same results as one thread, per-thread pointers get each thread's copy, a trapping call
 * throws on the caller and leaves the team usable, and an idle team does not keep a process alive.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CallList } from '../src/wasm/simd/call-list.js';
import { affine, moments } from '../src/wasm/simd/channel-loops.js';
import { teamHarness } from './team-harness.js';
import { Random } from './support.js';

const width = 12; // 3 channels: a block is 4 rows of 3 floats
const blocks = 999; // tasks of 8 blocks, the last one short

function affineList(x: number, y: number, scale: number, shift: number): CallList {
  const list = new CallList();
  for (let start = 0; start < blocks; start += 8) {
    const at = start * width * 4;
    list.call(affine, { x: x + at, y: y + at, scale, shift, blocks: Math.min(8, blocks - start), width }).endTask();
  }
  return list;
}

describe('SimdTeam', () => {
  it('splits tasks between 3 threads and matches one thread', () => {
    const h = teamHarness(3);
    const [x, yTeam, yLocal, scale, shift] = [blocks * width, blocks * width, blocks * width, width, width].map((n) => h.alloc(n));
    const f = h.floats();
    const r = new Random(17);
    f.set(r.floats(blocks * width), x! / 4);
    f.set(r.floats(width), scale! / 4);
    f.set(r.floats(width), shift! / 4);
    h.local.run(affineList(x!, yLocal!, scale!, shift!));
    // Repeat until the workers took part: they start asynchronously and may be scheduled late.
    let onWorkers = 0;
    for (const start = performance.now(); onWorkers === 0 && performance.now() - start < 20_000; ) {
      const list = affineList(x!, yTeam!, scale!, shift!);
      onWorkers += list.tasks - h.team.run(list);
    }
    expect(onWorkers).toBeGreaterThan(0);
    expect(Array.from(f.subarray(yTeam! / 4, yTeam! / 4 + blocks * width))).toEqual(Array.from(f.subarray(yLocal! / 4, yLocal! / 4 + blocks * width)));
  });

  it('gives each thread its own copy of per-thread memory', () => {
    const h = teamHarness(2);
    const x = h.alloc(blocks * width);
    const pivot = h.alloc(width);
    const acc = h.alloc(2 * 2 * width); // per thread: acc1 | acc2
    const f = h.floats();
    f.fill(1, x / 4, x / 4 + blocks * width);
    const list = new CallList().perThread(moments, 'acc1', 2 * width * 4);
    for (let start = 0; start < blocks; start += 8) {
      list.call(moments, { x: x + start * width * 4, pivot, acc1: acc, acc2: acc + width * 4, blocks: Math.min(8, blocks - start), width }).endTask();
    }
    let onWorker = 0;
    for (const start = performance.now(); onWorker === 0 && performance.now() - start < 20_000; ) {
      f.fill(0, acc / 4, acc / 4 + 4 * width);
      const mine = h.team.run(list);
      onWorker = list.tasks - mine;
      // Σ over both copies of acc1 = number of blocks in every lane, however the tasks were split;
      // the worker's copy (thread 1) holds exactly the blocks of the tasks it ran.
      for (let j = 0; j < width; j++) expect(f[acc / 4 + j]! + f[acc / 4 + 2 * width + j]!).toBe(blocks);
      if (onWorker > 0) expect(f[acc / 4 + 2 * width]).toBeGreaterThan(0);
    }
    expect(onWorker).toBeGreaterThan(0);
  });

  it('rethrows a trap on the caller and stays usable', () => {
    const h = teamHarness(2);
    const x = h.alloc(64 * width);
    const list = new CallList();
    // Reads past the end of the heap: every task traps, on whichever thread runs it.
    for (let t = 0; t < 8; t++) list.call(affine, { x: 0x7ffffff0, y: x, scale: x, shift: x, blocks: 8, width }).endTask();
    expect(() => h.team.run(list)).toThrow();
    const ok = new CallList();
    for (let t = 0; t < 8; t++) ok.call(affine, { x, y: x, scale: x, shift: x, blocks: 8, width }).endTask();
    expect(() => h.team.run(ok)).not.toThrow();
  });

  it('does not keep the process alive', () => {
    const fixture = fileURLToPath(new URL('./fixtures/team-exit.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', fixture], { timeout: 600_000, encoding: 'utf8' });
    expect(out.trim()).toBe('ran');
  });
});
