/**
 * One thread pool for oneDNN: at 2 threads its products add exactly one OS thread (OpenMP's pool:
 * the calling thread and threads − 1 workers, no pool of oneDNN's own), and that worker sleeps
 * between products (OMP_WAIT_POLICY=passive) instead of spinning against the wasm backend's threads.
 * Reads /proc/self/task (Linux; libdnnl.so.2 required, as for the other native tests).
 */
import * as tf from '@tensorflow/tfjs-core';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, expect, it } from 'vitest';
import { initBackend } from '../src/index.js';

const THREADS = 2;

beforeAll(async () => {
  const report = await initBackend({ backend: 'wasm', threads: THREADS, native: true });
  expect(report.native.threads, "oneDNN's OpenMP threads").toBe(THREADS);
});

/** User + system CPU time of each of this process's threads, in clock ticks (/proc/self/task/TID/stat fields 14 and 15). */
function threadTicks(): Map<string, number> {
  return new Map(
    readdirSync('/proc/self/task').map((tid) => {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // After "pid (comm) ", the fields start at field 3 (state): utime is field 14, stime 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [tid, Number(fields[11]) + Number(fields[12])];
    }),
  );
}

/** Products large enough that oneDNN splits them over its threads. */
function nativeProducts(): void {
  const a = tf.randomNormal([512, 512]);
  for (let i = 0; i < 20; i++) tf.tidy(() => void tf.matMul(a, a).dataSync());
  a.dispose();
}

it("oneDNN's products add one OpenMP worker at 2 threads, and it sleeps when idle", async () => {
  await tf.setBackend('wasm');
  const before = threadTicks();
  nativeProducts();
  const after = threadTicks();
  const added = [...after.keys()].filter((tid) => !before.has(tid));
  expect(added.length, 'threads started by the native products (OpenMP: threads − 1)').toBe(THREADS - 1);
  const worker = added[0]!;
  expect(after.get(worker), 'the worker computed').toBeGreaterThan(0);
  nativeProducts(); // the same pool again: no further thread
  expect([...threadTicks().keys()].filter((tid) => !before.has(tid))).toEqual(added);

  const idleFrom = threadTicks().get(worker)!;
  await sleep(1000);
  const idleTicks = threadTicks().get(worker)! - idleFrom;
  // A spinning worker would take most of the second (≈ 100 ticks on an idle core); a sleeping one ~0.
  expect(idleTicks, 'CPU ticks the idle OpenMP worker used in 1 s').toBeLessThan(10);
});
