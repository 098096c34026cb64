import { MAX_ARGS, SIMD_FUNCTION_NAMES } from './functions.js';

const indexOf = new Map(SIMD_FUNCTION_NAMES.map((name, i) => [name, i]));

/** Words per call: the function's index, then MAX_ARGS i32 arguments (unused ones 0). */
export const CALL_WORDS = 1 + MAX_ARGS;

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
  /** Call index where each task starts, then the end: tasks + 1 entries. */
  readonly bounds: number[] = [0];
  /**
   * Argument `arg` of every call is a pointer into per-thread memory: thread t adds t · `bytes`
   * (thread 0, the caller, uses it as written). For reductions into per-thread partial sums.
   */
  perThread: { arg: number; bytes: number } | undefined;

  /** The calls' words (a view: valid until the next `add`). */
  get words(): Int32Array {
    return this.buffer.subarray(0, this.used);
  }

  get calls(): number {
    return this.used / CALL_WORDS;
  }

  get tasks(): number {
    return this.bounds.length - 1;
  }

  add(name: string, ...args: number[]): this {
    const index = indexOf.get(name);
    if (index === undefined || args.length > MAX_ARGS) throw new Error(`simd: cannot call ${name} with ${args.length} arguments`);
    if (this.used + CALL_WORDS > this.buffer.length) {
      const grown = new Int32Array(2 * this.buffer.length);
      grown.set(this.buffer);
      this.buffer = grown;
    }
    // Unused argument words stay 0: the buffer is never reused.
    const at = this.used;
    this.buffer[at] = index;
    for (let i = 0; i < args.length; i++) this.buffer[at + 1 + i] = args[i]!;
    this.used += CALL_WORDS;
    return this;
  }

  /** Closes the current task (a no-op when it has no calls). */
  endTask(): this {
    if (this.calls > this.bounds[this.bounds.length - 1]!) this.bounds.push(this.calls);
    return this;
  }
}
