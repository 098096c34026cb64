import type * as Koffi from 'koffi';

/** Linux's `how` values and glibc's sigset_t size (1024 bits). */
const SIG_BLOCK = 0;
const SIG_SETMASK = 2;
const SIGSET_BYTES = 128;

/** Runs `call` with every signal held back from this thread, delivering what arrived once it returns. */
export type SignalsHeld = <T>(call: () => T) => T;

/**
 * oneDNN 2.6's kernels (Debian's libdnnl2) corrupt the C heap when a signal handler runs on their
 * thread while they compute ("corrupted size vs. prev_size", then abort): any handler does it —
 * Node's for SIGINT, SIGTERM, SIGWINCH or SIGCHLD, V8's profiler's SIGPROF (`node --cpu-prof`) —
 * and the same happens from Python's ctypes, so it is oneDNN's, not koffi's: its JIT gemm kernels
 * point the stack pointer into a heap workspace, and the kernel writes the signal frame there
 * (oneDNN issue 4845, fixed upstream in 3.11.2; the primitives mgdl binds need 2.x). Every native
 * call is therefore made with signals blocked: two pthread_sigmask system calls (about 7 µs on
 * this project's 2-core VM, well under a microsecond on bare metal). A signal that arrives meanwhile
 * is delivered right after the call, so a stop request still stops. OpenMP's worker threads start
 * inside a held call, inherit the blocked mask, and so never take a signal mid-product either.
 */
export function bindSignalMask(koffi: typeof Koffi): SignalsHeld {
  const libc = koffi.load('libc.so.6');
  const sigmask = libc.func('int pthread_sigmask(int how, const void *set, void *oldset)') as unknown as (how: number, set: Buffer | null, old: Buffer | null) => number;
  // Blocking SIGKILL and SIGSTOP is ignored by the kernel, and glibc keeps its own internal signals.
  const all = Buffer.alloc(SIGSET_BYTES, 0xff);
  // One buffer suffices: the calls it wraps (sgemm, a primitive's execution) are leaves, never nested.
  const previous = Buffer.alloc(SIGSET_BYTES);
  return <T>(call: () => T): T => {
    if (sigmask(SIG_BLOCK, all, previous) !== 0) throw new Error('mgdl: pthread_sigmask failed to hold signals around a oneDNN call');
    try {
      return call();
    } finally {
      sigmask(SIG_SETMASK, previous, null);
    }
  };
}
