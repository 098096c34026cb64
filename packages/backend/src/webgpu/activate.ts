import * as tf from '@tensorflow/tfjs-core';
import type { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { importOptional } from '../optional-import.js';
import { wasmTrainingKernels } from '../wasm/register.js';
import { findAdapter, type AdapterReport, type FoundAdapter } from './adapter.js';

type TfjsWebgpu = typeof import('@tensorflow/tfjs-backend-webgpu');

export interface WebgpuOutcome {
  /** The adapter Dawn found, whether or not the backend was started on it. */
  adapter: AdapterReport | null;
  /** Why the backend was not started: `unavailable` (cannot run) or `skipped` (runs, but mgdl prefers another). */
  failure?: { status: 'unavailable' | 'skipped'; reason: string };
  /** The reason it was started, when it was. */
  reason?: string;
}

/**
 * Starts tfjs-backend-webgpu on the adapter Dawn finds. Unforced (automatic choice), it starts only
 * on a hardware adapter that has every kernel mgdl's wasm backend replaces or adds; forced, it
 * starts on any adapter and names the kernels it lacks.
 */
export async function activateWebgpu(forced: boolean): Promise<WebgpuOutcome> {
  const found = await findAdapter(forced);
  if (typeof found === 'string') return { adapter: null, failure: { status: 'unavailable', reason: found } };
  const adapter = found.report;
  const tfjsWebgpu = await importOptional<TfjsWebgpu>('@tensorflow/tfjs-backend-webgpu');
  if ('reason' in tfjsWebgpu) return { adapter, failure: { status: 'unavailable', reason: tfjsWebgpu.reason } };
  const lacking = kernelsWithoutWebgpu();
  const skip = forced ? undefined : automaticSkipReason(adapter, lacking);
  if (skip) return { adapter, failure: { status: 'skipped', reason: skip } };
  try {
    await startBackend(found, tfjsWebgpu.module);
  } catch (error) {
    return { adapter, failure: { status: 'unavailable', reason: `failed to start on ${describeAdapter(adapter)}: ${(error as Error).message.split('\n')[0]}` } };
  }
  const where = `${describeAdapter(adapter)}${adapter.software ? ', software' : ''}`;
  const lackingNote = lacking.length > 0 ? `; tfjs-backend-webgpu lacks ${lacking.join(', ')}: ops that need them fail` : '';
  return { adapter, reason: `${forced ? 'requested' : 'hardware adapter'} (${where})${lackingNote}` };
}

/**
 * Why the automatic choice passes over webgpu on this adapter, or undefined when it takes it: a
 * software adapter is slower than wasm, and a missing kernel would fail training.
 */
export function automaticSkipReason(adapter: AdapterReport, lacking: readonly string[]): string | undefined {
  if (adapter.software) return `software adapter (${describeAdapter(adapter)}): about 1 GFLOP/s, slower than wasm; MGDL_BACKEND=webgpu uses it anyway`;
  if (lacking.length > 0) return `tfjs-backend-webgpu lacks ${lacking.join(', ')}, which training needs`;
  return undefined;
}

/** e.g. 'llvmpipe-llvm-15-0-6-256-bits- (OpenGL version OpenGL ES 3.2 Mesa 22.3.6), OpenGL ES, compatibility'. */
export const describeAdapter = (a: AdapterReport): string => {
  const name = a.device && a.description ? `${a.device} (${a.description})` : a.device || a.description || 'unnamed adapter';
  return [name, a.vendor && `vendor ${a.vendor}`, a.architecture && `architecture ${a.architecture}`, `${a.api}, ${a.featureLevel}`].filter(Boolean).join(', ');
};

/** mgdl's wasm kernels (src/wasm/register.ts) that tfjs-backend-webgpu has no kernel for. */
export function kernelsWithoutWebgpu(names: readonly string[] = wasmTrainingKernels.map((k) => k.kernelName)): string[] {
  return names.filter((name) => !tf.getKernel(name, 'webgpu'));
}

async function startBackend({ gpu, adapter, globals }: FoundAdapter, tfjsWebgpu: TfjsWebgpu): Promise<void> {
  exposeWebgpuGlobals(gpu, globals);
  const limits = adapter.limits;
  // The limits tfjs-backend-webgpu's own factory asks for: the adapter's, not WebGPU's defaults.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    },
  });
  const NodeBackend = nodeBackendClass(tfjsWebgpu.WebGPUBackend);
  const backend = new NodeBackend(device, adapter.info);
  if (tf.findBackendFactory('webgpu')) tf.removeBackend('webgpu');
  tf.registerBackend('webgpu', () => backend);
  const ok = await tf.setBackend('webgpu');
  if (!ok) throw new Error("tf.setBackend('webgpu') returned false");
  await tf.ready();
}

/**
 * tfjs-backend-webgpu reads the GPU from navigator.gpu and its usage flags (GPUBufferUsage, …) from
 * globals, as in a browser; Dawn provides them but leaves them to the caller to install.
 */
function exposeWebgpuGlobals(gpu: GPU, globals: Record<string, unknown>): void {
  const scope = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globals)) if (!(name in scope)) scope[name] = value;
  if (scope['navigator'] === undefined) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(scope['navigator'], 'gpu', { value: gpu, configurable: true, writable: true });
}

/**
 * tfjs-backend-webgpu's synchronous read draws through an OffscreenCanvas, which Node lacks; its
 * error would name the canvas. Values already on the CPU are still returned.
 */
function nodeBackendClass(Base: typeof WebGPUBackend) {
  return class NodeWebGPUBackend extends Base {
    override readSync(dataId: object) {
      const data = this.tensorMap.get(dataId);
      if (data.values != null || data.dtype === 'string') return super.readSync(dataId);
      throw new Error('mgdl: dataSync(), arraySync() and bufferSync() cannot read a tensor back from the GPU on the webgpu backend in Node (no synchronous GPU read there); use await tensor.data(), tensor.array() or tensor.buffer()');
    }
  };
}
