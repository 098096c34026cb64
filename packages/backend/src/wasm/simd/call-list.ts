import { MAX_ARGS, SIMD_FUNCTIONS } from './functions.js';
import type { SimdArgs, SimdFunction } from './simd-function.js';

/** Words per call record: the function's index, then MAX_ARGS i32 arguments (unused ones 0). */
export const CALL_WORDS = 1 + MAX_ARGS;

type ArgumentWriter = (words: Int32Array, at: number, args: SimdArgs<string>) => void;

/**
 * Stores a call's arguments after its index word, in `fn.params` order. Generated per function so
 * that each reads its arguments by constant names: a loop over `params` reading `args[name]`
 * measured ~5× slower per call (every function's names through one load site).
 */
function argumentWriter(fn: SimdFunction): ArgumentWriter {
  const stores = fn.params.map((name, i) => `words[at + ${i + 1}] = args[${JSON.stringify(name)}];`);
  return new Function('words', 'at', 'args', stores.join('\n')) as ArgumentWriter;
}

const records = new Map(SIMD_FUNCTIONS.map((fn, index) => [fn, { index, write: argumentWriter(fn) }]));

/**
 * SIMD function calls grouped into tasks, as flat i32 words that a worker reads straight from the
 * shared heap. Threads claim whole tasks, so a task should be a cache-friendly unit of work (one
 * image, one chunk of rows) and tasks must not write the same memory — unless it is per-thread
 * memory, see `perThread`.
 */
export class CallList {
  // A growable Int32Array rather than a number[]: kernels add ~10⁴ calls per layer, and pushing
  // each word into an array measured ~0.17 µs per call.
  private buffer = new Int32Array(CALL_WORDS * 64);
  private used = 0;
  private perThreadArg: { arg: number; bytes: number } | undefined;
  /** Call index where each task starts, then the end: tasks + 1 entries. */
  readonly bounds: number[] = [0];

  /** The calls' words (a view: valid until the next `call`). */
  get words(): Int32Array {
    return this.buffer.subarray(0, this.used);
  }

  get calls(): number {
    return this.used / CALL_WORDS;
  }

  get tasks(): number {
    return this.bounds.length - 1;
  }

  /** The argument slot that `perThread` made per-thread, and the bytes between threads' copies. */
  get threadOffset(): { arg: number; bytes: number } | undefined {
    return this.perThreadArg;
  }

  /**
   * Makes `param` a pointer into per-thread memory: thread t adds t · `bytes` to it (thread 0, the
   * caller, uses it as written). For reductions into per-thread partial sums. It applies to that
   * argument slot of every call, so all calls must be to `fn` or to a tile of the same family.
   */
  perThread<P extends string>(fn: SimdFunction<P>, param: NoInfer<P>, bytes: number): this {
    this.perThreadArg = { arg: fn.params.indexOf(param), bytes };
    return this;
  }

  /** Adds a call of `fn`, its arguments named by `fn.params`. */
  call<P extends string>(fn: SimdFunction<P>, args: NoInfer<SimdArgs<P>>): this {
    const record = records.get(fn);
    if (!record) throw new Error(`simd: ${fn.name} is not a function of the SIMD module`);
    if (this.used + CALL_WORDS > this.buffer.length) {
      const grown = new Int32Array(2 * this.buffer.length);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    // Unused argument words stay 0: the buffer is never reused.
    this.buffer[this.used] = record.index;
    record.write(this.buffer, this.used, args);
    this.used += CALL_WORDS;
    return this;
  }

  /** Closes the current task (a no-op when it has no calls). */
  endTask(): this {
    if (this.calls > this.bounds[this.bounds.length - 1]!) this.bounds.push(this.calls);
    return this;
  }
}
