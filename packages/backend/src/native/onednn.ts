import { createRequire } from 'node:module';
import { bindDnnl, type DnnlApi } from './dnnl-api.js';
import { bindSignalMask, type SignalsHeld } from './signal-mask.js';

/** The oneDNN shared library, found by the dynamic loader's search path (never an absolute path). */
export const DEFAULT_ONEDNN_LIBRARY = 'libdnnl.so.2';
/** Names another oneDNN library file (or path) to load instead of libdnnl.so.2. */
export const ONEDNN_LIBRARY_ENV = 'MGDL_ONEDNN_LIBRARY';
export const INSTALL_HINT = 'install it with `apt-get install -y libdnnl2` (Debian/Ubuntu)';

/** Row-major single-precision GEMM: C = alpha·op(A)·op(B) + beta·C, op = 'N' or 'T'. */
export type Sgemm = (
  transA: number,
  transB: number,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
) => number;

/** The oneDNN functions mgdl calls, bound through koffi. */
export interface OneDnn {
  /** Mutable on purpose: tests spy on it to see which products ran natively. */
  sgemm: Sgemm;
  /** e.g. '2.6.3'. */
  version: string;
  /** oneDNN's CPU threading runtime: 'OpenMP', 'TBB', 'sequential', 'threadpool'. */
  runtime: string;
  /** The threads oneDNN's products will use (read back from the runtime, not assumed). */
  threads: number;
  /** oneDNN 2.x's primitive API (convolutions); a string says why it could not be bound. */
  primitives: DnnlApi | string;
}

export type OneDnnLoad = { ok: true; onednn: OneDnn } | { ok: false; reason: string };

const RUNTIMES: Record<number, string> = { 1: 'sequential', 2: 'OpenMP', 4: 'TBB', 8: 'threadpool' };

let loaded: { library: string; result: OneDnnLoad } | undefined;

/**
 * Loads oneDNN through koffi once per process (a library cannot be unloaded to change threads).
 * Never throws: a missing library or a koffi that cannot load is a reason, and mgdl keeps its
 * wasm kernels.
 */
export function loadOneDnn(threads: number, library = process.env[ONEDNN_LIBRARY_ENV] || DEFAULT_ONEDNN_LIBRARY): OneDnnLoad {
  if (loaded?.library === library && loaded.result.ok) {
    loaded.result.onednn.threads = setOpenMpThreads(threads) ?? loaded.result.onednn.threads;
    return loaded.result;
  }
  const result = tryLoad(threads, library);
  loaded = { library, result };
  return result;
}

function tryLoad(threads: number, library: string): OneDnnLoad {
  let koffi: typeof import('koffi');
  try {
    koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  } catch (error) {
    return { ok: false, reason: `koffi failed to load (${firstLine(error)}); reinstall @mgdl/backend's dependencies (npm ci)` };
  }
  let lib: ReturnType<typeof koffi.load>;
  try {
    lib = withOpenMpEnv(threads, () => koffi.load(library));
  } catch (error) {
    return { ok: false, reason: `${library} not found (${firstLine(error)}); ${INSTALL_HINT}` };
  }
  let held: SignalsHeld;
  try {
    held = bindSignalMask(koffi);
  } catch (error) {
    return { ok: false, reason: `cannot hold signals around oneDNN's calls (${firstLine(error)}), which oneDNN 2.6 needs (a signal during a product corrupts the heap); glibc's libc.so.6 is required` };
  }
  try {
    const rawSgemm = lib.func(
      'int dnnl_sgemm(char transa, char transb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc)',
    ) as unknown as Sgemm;
    const sgemm: Sgemm = (...args) => held(() => rawSgemm(...args));
    const Version = koffi.struct({ major: 'int', minor: 'int', patch: 'int', hash: 'const char *', cpu_runtime: 'unsigned int', gpu_runtime: 'unsigned int' });
    const dnnlVersion = lib.func('dnnl_version', koffi.pointer(Version), []) as unknown as () => unknown;
    const v = koffi.decode(dnnlVersion(), Version) as { major: number; minor: number; patch: number; cpu_runtime: number };
    const runtime = RUNTIMES[v.cpu_runtime] ?? `runtime ${v.cpu_runtime}`;
    const actualThreads = runtime === 'OpenMP' ? setOpenMpThreads(threads) : runtime === 'sequential' ? 1 : undefined;
    const primitives = bindPrimitives(koffi, lib, held);
    return { ok: true, onednn: { sgemm, version: `${v.major}.${v.minor}.${v.patch}`, runtime, threads: actualThreads ?? threads, primitives } };
  } catch (error) {
    return { ok: false, reason: `${library} loaded but lacks oneDNN's C API (${firstLine(error)}); ${INSTALL_HINT}` };
  }
}

/**
 * GNU OpenMP reads its settings once, when the library loads with oneDNN. Passive: oneDNN's idle
 * threads sleep between products instead of spinning against the wasm backend's own pool. The
 * variables are put back afterwards so that child processes (a PyTorch reference) do not inherit them.
 */
function withOpenMpEnv<T>(threads: number, load: () => T): T {
  const saved = { OMP_NUM_THREADS: process.env['OMP_NUM_THREADS'], OMP_WAIT_POLICY: process.env['OMP_WAIT_POLICY'] };
  process.env['OMP_NUM_THREADS'] = String(threads);
  process.env['OMP_WAIT_POLICY'] ??= 'passive';
  try {
    return load();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  }
}

function bindPrimitives(koffi: typeof import('koffi'), lib: ReturnType<typeof koffi.load>, held: SignalsHeld): DnnlApi | string {
  try {
    return bindDnnl(koffi, lib, held);
  } catch (error) {
    return `oneDNN's 2.x primitive API did not bind (${firstLine(error)})`;
  }
}

/**
 * Sets OpenMP's thread count for the products that follow (in case the runtime was started before
 * OMP_NUM_THREADS was set) and returns the count it now reports; undefined without libgomp.
 */
function setOpenMpThreads(threads: number): number | undefined {
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    // Debian's libdnnl links GNU OpenMP; loading it again returns the copy already in the process.
    const gomp = koffi.load('libgomp.so.1');
    (gomp.func('void omp_set_num_threads(int)') as unknown as (n: number) => void)(threads);
    return (gomp.func('int omp_get_max_threads()') as unknown as () => number)();
  } catch {
    return undefined;
  }
}

const firstLine = (error: unknown): string => String((error as Error).message ?? error).split('\n')[0] ?? '';
