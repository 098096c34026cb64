import { CALL_WORDS } from './call-list.js';
import { MAX_ARGS } from './functions.js';

/**
 * The words of a team's control block (an Int32Array on its own SharedArrayBuffer). A job is a
 * call list on the heap split into tasks; every thread claims tasks by bumping NEXT until none are
 * left. NEXT carries the job's tag in its high half, so a thread still finishing an old job can
 * never claim a task of the next one.
 */
export const Control = {
  /** Tag of the latest job (1..TAG_MAX); −1 asks the workers to stop. */
  Job: 0,
  /** (tag << 16) | index of the next unclaimed task. */
  Next: 1,
  Tasks: 2,
  /** Tasks finished (or failed) in the current job. */
  Completed: 3,
  /** Heap byte offsets of the calls and of the task bounds (tasks + 1 call indices). */
  List: 4,
  Bounds: 5,
  /** Per-thread pointer argument (−1: none) and the bytes between threads' copies. */
  OffsetArg: 6,
  OffsetBytes: 7,
  /** Set when a call threw (a trap): the main thread rethrows. */
  Failed: 8,
  Words: 16,
} as const;

export const TAG_MAX = 0x7fff;
export const MAX_TASKS = 0xffff;

const args = Array.from({ length: MAX_ARGS }, (_, i) => `a[${i}]`).join(', ');

/**
 * The worker's whole program, run with `eval: true` so no file has to be found next to bundled or
 * TS sources. It instantiates the same SIMD module on the same shared memory, then serves jobs:
 * it polls briefly for the next one (kernels often publish several in a row, e.g. batch norm's
 * sums then its affine map), else sleeps in Atomics.wait so an idle worker takes no CPU from
 * XNNPACK's threads or other processes.
 */
export const WORKER_SOURCE = `'use strict';
const { workerData } = require('node:worker_threads');
const { module, memory, control, names, spinMs, thread } = workerData;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const fns = names.map((name) => exports[name]);
const ctl = new Int32Array(control);
const a = new Int32Array(${MAX_ARGS});
let seen = 0;
function claim(tag, tasks) {
  for (;;) {
    const v = Atomics.load(ctl, ${Control.Next});
    if (v >>> 16 !== tag || (v & 0xffff) >= tasks) return -1;
    if (Atomics.compareExchange(ctl, ${Control.Next}, v, v + 1) === v) return v & 0xffff;
  }
}
for (;;) {
  const start = performance.now();
  while (Atomics.load(ctl, ${Control.Job}) === seen && performance.now() - start < spinMs) {}
  Atomics.wait(ctl, ${Control.Job}, seen);
  const tag = Atomics.load(ctl, ${Control.Job});
  if (tag < 0) break;
  seen = tag;
  const tasks = ctl[${Control.Tasks}];
  for (let task = claim(tag, tasks); task >= 0; task = claim(tag, tasks)) {
    try {
      const heap = new Int32Array(memory.buffer);
      const bounds = ctl[${Control.Bounds}] >> 2;
      const list = ctl[${Control.List}] >> 2;
      const arg = ctl[${Control.OffsetArg}];
      const offset = thread * ctl[${Control.OffsetBytes}];
      for (let call = heap[bounds + task]; call < heap[bounds + task + 1]; call++) {
        const p = list + call * ${CALL_WORDS};
        a.set(heap.subarray(p + 1, p + ${CALL_WORDS}));
        if (arg >= 0) a[arg] += offset;
        fns[heap[p]](${args});
      }
    } catch {
      Atomics.store(ctl, ${Control.Failed}, 1);
    }
    if (Atomics.add(ctl, ${Control.Completed}, 1) + 1 === tasks) Atomics.notify(ctl, ${Control.Completed});
  }
}
`;
