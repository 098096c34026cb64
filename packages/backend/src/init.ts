import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { availableParallelism } from 'node:os';
import { registerWasmTrainingKernels, type RegisteredKernel } from './wasm/register.js';
import { prepareThreadedWasm } from './wasm/threads.js';
import { registerFastGradients } from './gradients.js';
import { registerBatchNormKernels } from './ops/batch-norm.js';
import { registerAdamUpdateKernel } from './ops/adam-update.js';
import { registerSoftmaxCrossEntropyKernels } from './ops/softmax-cross-entropy.js';
import { registerClassificationStatsKernel } from './ops/classification-stats.js';
import { NATIVE_ENV, parseNativeEnv, registerNativeKernels, type NativeReport } from './native/register.js';

/** Candidates in the order mgdl tries them. */
export const backendNames = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'] as const;
export type BackendName = (typeof backendNames)[number];

export interface BackendOptions {
  /** Force one backend; default: env `MGDL_BACKEND`, else the first that loads. */
  backend?: BackendName;
  /**
   * wasm threads. Default: env `MGDL_THREADS`, else every core (measured: 2 threads train mcnn
   * faster than 1 here). Independent runs (sweeps) should rather run one 1-thread process per core.
   */
  threads?: number;
  /**
   * oneDNN kernels on the wasm backend (src/native): true requires them, false keeps mgdl's wasm
   * kernels. Default: env `MGDL_NATIVE` (1 / 0), else used when libdnnl.so.2 loads.
   */
  native?: boolean;
}

export interface CandidateReport {
  name: BackendName;
  status: 'chosen' | 'skipped' | 'unavailable';
  reason: string;
}

export interface BackendReport {
  /** The mgdl name of the chosen backend, and the name tfjs knows it by. */
  name: BackendName;
  tfjsBackend: string;
  threads: number;
  simd: boolean;
  candidates: CandidateReport[];
  /** Kernels mgdl registered for this backend (wasm: missing and faster ones; wasm and cpu: fused batch norm, Adam, softmax cross-entropy, per-sample statistics). */
  kernels: RegisteredKernel[];
  /** Gradients mgdl replaced (all backends). */
  gradients: string[];
  /** Which kernels run in oneDNN (wasm backend only) and, when none do, why. */
  native: NativeReport;
}

const TFJS_NAME: Record<BackendName, string> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

let current: BackendReport | undefined;

/** Chooses, prepares and activates the fastest available backend, and says why. Idempotent. */
export async function initBackend(options: BackendOptions = {}): Promise<BackendReport> {
  if (current) return current;
  const forced = options.backend ?? parseBackendEnv(process.env['MGDL_BACKEND']);
  const threads = options.threads ?? parseThreadsEnv(process.env['MGDL_THREADS']) ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`mgdl: threads must be a positive integer, got ${threads}`);
  }
  const native = options.native ?? parseNativeEnv(process.env[NATIVE_ENV]);
  const gradients = registerFastGradients();
  const candidates: CandidateReport[] = [];
  for (const name of backendNames) {
    if (forced && name !== forced) {
      candidates.push({ name, status: 'skipped', reason: `MGDL_BACKEND/--backend asks for ${forced}` });
      continue;
    }
    const failure = await activate(name, threads);
    if (failure === undefined) {
      const onWasm = name === 'wasm';
      candidates.push({ name, status: 'chosen', reason: forced ? 'requested' : 'first candidate that loads' });
      for (const rest of backendNames.slice(backendNames.indexOf(name) + 1)) {
        const reason = forced ? `MGDL_BACKEND/--backend asks for ${forced}` : `${name} is preferred`;
        candidates.push({ name: rest, status: 'skipped', reason });
      }
      const nativeReport = onWasm
        ? registerNativeKernels(threads, native)
        : { kernels: [], library: null, threads: 0, reason: `native kernels are for the wasm backend; ${name} was chosen` };
      current = {
        name,
        tfjsBackend: tf.getBackend(),
        threads: onWasm ? wasm.getThreadsCount() : 0,
        simd: onWasm ? Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) : false,
        candidates,
        kernels: [
          ...(onWasm ? registerWasmTrainingKernels() : []),
          ...(onWasm || name === 'cpu' ? [...registerBatchNormKernels(), ...registerAdamUpdateKernel(), ...registerSoftmaxCrossEntropyKernels(), ...registerClassificationStatsKernel()].map((kernelName) => ({ kernelName, why: 'fused' as const })) : []),
        ],
        gradients,
        native: nativeReport,
      };
      return current;
    }
    candidates.push({ name, status: 'unavailable', reason: failure });
    if (forced) break;
  }
  const lines = candidates.map((c) => `  ${c.name}: ${c.status} (${c.reason})`).join('\n');
  throw new Error(`mgdl: no TensorFlow.js backend could be started:\n${lines}`);
}

/** Returns undefined when the backend is active, else why it is not. */
async function activate(name: BackendName, threads: number): Promise<string | undefined> {
  try {
    if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
      const loaded = await loadOptional(`@tensorflow/${name}`);
      if (loaded !== undefined) return loaded;
    }
    if (name === 'wasm') {
      registerWasmTrainingKernels();
      return await activateWasm(threads);
    }
    const ok = await tf.setBackend(TFJS_NAME[name]);
    await tf.ready();
    if (name === 'cpu') silenceNodeBanner();
    return ok ? undefined : `tf.setBackend('${TFJS_NAME[name]}') returned false`;
  } catch (error) {
    return `failed to start: ${(error as Error).message.split('\n')[0]}`;
  }
}

/** tfjs-cpu advertises tfjs-node on first use; mgdl's report already says why cpu was chosen. */
function silenceNodeBanner(): void {
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
}

async function activateWasm(threads: number): Promise<string | undefined> {
  let setup: ReturnType<typeof prepareThreadedWasm> | undefined;
  if (threads > 1) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
    wasm.setThreadsCount(threads);
    setup = prepareThreadedWasm(threads);
  }
  try {
    const ok = await tf.setBackend('wasm');
    await tf.ready();
    return ok ? undefined : "tf.setBackend('wasm') returned false";
  } finally {
    setup?.restore();
  }
}

async function loadOptional(specifier: string): Promise<string | undefined> {
  try {
    await import(/* @vite-ignore */ specifier);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message;
    // Bundlers and test runners (vite) report a missing package without Node's error code.
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)|Could not resolve|Failed to load url/.test(message)) {
      return `not installed (optional; see README "GPU and native TensorFlow")`;
    }
    return `installed but failed to load: ${(error as Error).message.split('\n')[0]}`;
  }
}

export function parseBackendEnv(value: string | undefined): BackendName | undefined {
  if (value === undefined || value === '' || value === 'auto') return undefined;
  if ((backendNames as readonly string[]).includes(value)) return value as BackendName;
  throw new Error(`mgdl: MGDL_BACKEND='${value}' is not a backend; use one of ${backendNames.join(', ')} or auto`);
}

export function parseThreadsEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(`mgdl: MGDL_THREADS='${value}' must be a positive integer`);
  }
  return threads;
}
