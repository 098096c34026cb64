import { Worker } from 'node:worker_threads';
import { CALL_WORDS, type CallList } from './call-list.js';
import { MAX_ARGS, SIMD_FUNCTIONS } from './functions.js';
import { Control, MAX_TASKS, TAG_MAX, WORKER_SOURCE } from './worker-source.js';

/**
 * Runs a SIMD call list's tasks on several threads at once: the calling thread and persistent
 * worker_threads Workers, each with its own instance of the SIMD module on the same shared heap.
 * Threads claim tasks one at a time, so a worker that the OS schedules late (another process on
 * the cores) just takes fewer; `run` returns when every task is done, keeping kernels synchronous.
 */
export interface SimdTeam {
  /** Threads, the calling one included: how many per-thread copies `perThread` memory needs. */
  readonly size: number;
  /** Runs every task; returns how many ran on the calling thread (the rest ran on workers). */
  run(list: CallList): number;
  /** Tests set this to leave every task of multi-task lists to the workers. */
  workersOnly?: boolean;
}

type SimdFn = (...args: number[]) => void;

export interface TeamHeap {
  memory: { readonly buffer: ArrayBuffer | SharedArrayBuffer };
  malloc(bytes: number): number;
  free(ptr: number): void;
}

/** The calling thread polls this long for the last tasks before sleeping. */
const MAIN_SPIN_MS = 2;
/** An idle worker polls this long for the next job before sleeping. */
const WORKER_SPIN_MS = 0.05;

type RunCalls = (fns: readonly SimdFn[], words: Int32Array, from: number, to: number) => void;

const recordArguments = Array.from({ length: MAX_ARGS }, (_, i) => `words[p + ${i + 1}]`).join(', ');

/**
 * Calls [from, to) of the list on this thread, as thread 0 (per-thread pointers as written).
 * Generated, like the worker's loop, so each call passes its record's MAX_ARGS words as plain
 * arguments: Reflect.apply over a view of the record measured ~15× slower per call.
 */
const runCalls = new Function(
  'fns',
  'words',
  'from',
  'to',
  `for (let p = from * ${CALL_WORDS}; p < to * ${CALL_WORDS}; p += ${CALL_WORDS}) fns[words[p]](${recordArguments});`,
) as RunCalls;

/** The one-thread team: the whole list in order on the calling thread. */
export function localTeam(fns: readonly SimdFn[]): SimdTeam {
  return {
    size: 1,
    run(list) {
      runCalls(fns, list.words, 0, list.calls);
      return list.tasks;
    },
  };
}

const stopOnCollect = new FinalizationRegistry<Int32Array>((control) => {
  Atomics.store(control, Control.Job, -1);
  Atomics.notify(control, Control.Job);
});

/**
 * A team of `threads` over a shared heap. Workers are unref'd (they never keep the process alive)
 * and told to stop when the team is collected; one team serves a backend for its whole life.
 */
export function createTeam(fns: readonly SimdFn[], module: object, heap: TeamHeap, threads: number): SimdTeam {
  const ctl = new Int32Array(new SharedArrayBuffer(Control.Words * 4));
  for (let thread = 1; thread < threads; thread++) {
    const workerData = { module, memory: heap.memory, control: ctl.buffer, names: SIMD_FUNCTIONS.map((fn) => fn.name), spinMs: WORKER_SPIN_MS, thread };
    new Worker(WORKER_SOURCE, { eval: true, workerData }).unref();
  }
  let tag = 0;
  const claim = (): number => {
    for (;;) {
      const v = Atomics.load(ctl, Control.Next);
      if (v >>> 16 !== tag || (v & 0xffff) >= ctl[Control.Tasks]!) return -1;
      if (Atomics.compareExchange(ctl, Control.Next, v, v + 1) === v) return v & 0xffff;
    }
  };
  const team: SimdTeam = {
    size: threads,
    run(list) {
      const { tasks, bounds, words } = list;
      if (tasks <= 1) {
        runCalls(fns, words, 0, list.calls);
        return tasks;
      }
      if (tasks > MAX_TASKS) throw new Error(`simd: ${tasks} tasks; at most ${MAX_TASKS}`);
      const ptr = heap.malloc((bounds.length + words.length) * 4) >>> 0;
      let error: unknown;
      let mine = 0;
      try {
        // The view is taken after malloc, which may have grown (and so replaced) the buffer.
        const view = new Int32Array(heap.memory.buffer, ptr, bounds.length + words.length);
        view.set(bounds);
        view.set(words, bounds.length);
        tag = (tag % TAG_MAX) + 1;
        ctl[Control.Tasks] = tasks;
        ctl[Control.Bounds] = ptr;
        ctl[Control.List] = ptr + bounds.length * 4;
        ctl[Control.OffsetArg] = list.threadOffset ? list.threadOffset.arg : -1;
        ctl[Control.OffsetBytes] = list.threadOffset ? list.threadOffset.bytes : 0;
        Atomics.store(ctl, Control.Failed, 0);
        Atomics.store(ctl, Control.Completed, 0);
        Atomics.store(ctl, Control.Next, tag << 16);
        Atomics.store(ctl, Control.Job, tag);
        Atomics.notify(ctl, Control.Job);
        for (let task = team.workersOnly ? -1 : claim(); task >= 0; task = claim()) {
          try {
            runCalls(fns, words, bounds[task]!, bounds[task + 1]!);
          } catch (e) {
            error ??= e;
          }
          Atomics.add(ctl, Control.Completed, 1);
          mine++;
        }
        waitForAll(ctl, tasks);
        // Exhausted: a worker that wakes only now finds nothing of this job to claim.
        Atomics.store(ctl, Control.Next, (tag << 16) | 0xffff);
      } finally {
        heap.free(ptr);
      }
      if (error !== undefined) throw error;
      if (Atomics.load(ctl, Control.Failed) !== 0) throw new Error('simd: a SIMD call failed on a worker thread');
      return mine;
    },
  };
  stopOnCollect.register(team, ctl);
  return team;
}

/** Polls briefly for the workers' last tasks, then sleeps on the Completed word. */
function waitForAll(ctl: Int32Array, tasks: number): void {
  const start = performance.now();
  while (Atomics.load(ctl, Control.Completed) < tasks && performance.now() - start < MAIN_SPIN_MS);
  for (;;) {
    const done = Atomics.load(ctl, Control.Completed);
    if (done >= tasks) return;
    Atomics.wait(ctl, Control.Completed, done);
  }
}
