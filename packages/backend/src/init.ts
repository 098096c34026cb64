import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import { availableParallelism } from 'node:os';
import { registerWasmTrainingKernels, type RegisteredKernel } from './wasm/register.js';
import { prepareThreadedWasm } from './wasm/threads.js';
import { registerFastGradients } from './gradients.js';
import { registerBatchNormKernels } from './ops/batch-norm.js';
import { registerAdamUpdateKernel } from './ops/adam-update.js';
import { registerMeanSquaredErrorKernels } from './ops/mean-squared-error.js';
import { registerSoftmaxCrossEntropyKernels } from './ops/softmax-cross-entropy.js';
import { registerClassificationStatsKernel } from './ops/classification-stats.js';
import { NATIVE_ENV, parseNativeEnv, registerNativeKernels, type NativeReport } from './native/register.js';
import { importOptional } from './optional-import.js';
import { activateWebgpu } from './webgpu/activate.js';
import type { AdapterReport } from './webgpu/adapter.js';

/**
 * Candidates in the order mgdl tries them. webgpu comes after CUDA TensorFlow and before CPU
 * TensorFlow, and is chosen by itself only on a hardware adapter.
 */
export const backendNames = ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'] as const;
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
  /** The WebGPU adapter Dawn found when webgpu was tried (chosen or not); null when it was not tried or none was found. */
  adapter: AdapterReport | null;
}

const TFJS_NAME: Record<BackendName, string> = {
  'tfjs-node-gpu': 'tensorflow',
  'tfjs-node': 'tensorflow',
  webgpu: 'webgpu',
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
  let adapter: AdapterReport | null = null;
  for (const name of backendNames) {
    if (forced && name !== forced) {
      candidates.push({ name, status: 'skipped', reason: `MGDL_BACKEND/--backend asks for ${forced}` });
      continue;
    }
    const outcome = await activate(name, threads, forced !== undefined);
    if (outcome.adapter !== undefined) adapter = outcome.adapter;
    if (outcome.failure === undefined) {
      const onWasm = name === 'wasm';
      candidates.push({ name, status: 'chosen', reason: outcome.reason ?? (forced ? 'requested' : 'first candidate that loads') });
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
          ...(onWasm || name === 'cpu' ? [...registerBatchNormKernels(), ...registerAdamUpdateKernel(), ...registerSoftmaxCrossEntropyKernels(), ...registerMeanSquaredErrorKernels(), ...registerClassificationStatsKernel()].map((kernelName) => ({ kernelName, why: 'fused' as const })) : []),
        ],
        gradients,
        native: nativeReport,
        adapter,
      };
      return current;
    }
    candidates.push({ name, ...outcome.failure });
    if (forced) break;
  }
  const lines = candidates.map((c) => `  ${c.name}: ${c.status} (${c.reason})`).join('\n');
  throw new Error(`mgdl: no TensorFlow.js backend could be started:\n${lines}`);
}

interface Activation {
  /** Why the backend is not active; undefined when it is. */
  failure?: { status: 'unavailable' | 'skipped'; reason: string };
  /** Why it was chosen, where that says more than 'requested' or 'first candidate that loads'. */
  reason?: string;
  /** webgpu only: the adapter Dawn found. */
  adapter?: AdapterReport | null;
}

async function activate(name: BackendName, threads: number, forced: boolean): Promise<Activation> {
  try {
    if (name === 'webgpu') return await activateWebgpu(forced);
    if (name === 'tfjs-node-gpu' || name === 'tfjs-node') {
      const loaded = await importOptional(`@tensorflow/${name}`);
      if ('reason' in loaded) return { failure: { status: 'unavailable', reason: loaded.reason } };
    }
    if (name === 'wasm') {
      registerWasmTrainingKernels();
      return unavailableIf(await activateWasm(threads));
    }
    const ok = await tf.setBackend(TFJS_NAME[name]);
    await tf.ready();
    if (name === 'cpu') silenceNodeBanner();
    return unavailableIf(ok ? undefined : `tf.setBackend('${TFJS_NAME[name]}') returned false`);
  } catch (error) {
    return unavailableIf(`failed to start: ${(error as Error).message.split('\n')[0]}`);
  }
}

const unavailableIf = (reason: string | undefined): Activation => (reason === undefined ? {} : { failure: { status: 'unavailable', reason } });

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
