import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { SIMD_FUNCTIONS, simdModuleBytes } from './functions.js';
import { createTeam, localTeam, type SimdTeam } from './team.js';

/** mgdl's SIMD module on one backend's heap: call lists of its functions run on `team`. */
export interface SimdKernels {
  /** Runs call lists on the backend's threads (size 1: this thread only). */
  readonly team: SimdTeam;
}

/** The slice of the WebAssembly JS API used here (this package's TS lib has no DOM/wasm types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface EmscriptenModule {
  wasmMemory?: WasmMemory;
  asm?: { memory?: WasmMemory };
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

const instances = new WeakMap<WasmMemory, SimdKernels | null>();

const moduleOf = (backend: BackendWasm): EmscriptenModule => backend.wasm as unknown as EmscriptenModule;

/**
 * mgdl's SIMD loops, instantiated on the backend's own heap (so they read and write tensors in
 * place), or undefined where the engine lacks wasm SIMD or the heap cannot be reached.
 */
export function simdKernels(backend: BackendWasm): SimdKernels | undefined {
  const module = moduleOf(backend);
  // The threaded build keeps its (shared) memory on the module; the single-threaded one exports it.
  const memory = module.wasmMemory ?? module.asm?.memory;
  if (!memory || !wasmApi) return undefined;
  let kernels = instances.get(memory);
  if (kernels === undefined) {
    kernels = instantiate(module, memory, wasmApi);
    instances.set(memory, kernels);
  }
  return kernels ?? undefined;
}

function instantiate(emscripten: EmscriptenModule, memory: WasmMemory, api: WasmApi): SimdKernels | null {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const bytes = simdModuleBytes(shared);
  let module: object;
  let exports: Record<string, (...args: number[]) => void>;
  try {
    module = new api.Module(bytes);
    exports = new api.Instance(module, { env: { memory } }).exports as typeof exports;
  } catch {
    return null; // no SIMD in this engine: callers keep their JS loops
  }
  const fns = SIMD_FUNCTIONS.map((fn) => exports[fn.name]!);
  // Only the threaded build's heap is shared, and only there can workers run the same loops.
  const threads = shared ? backendThreads() : 1;
  const heap = { memory, malloc: (bytes: number) => emscripten._malloc(bytes), free: (ptr: number) => emscripten._free(ptr) };
  const team = threads > 1 ? createTeam(fns, module, heap, threads) : localTeam(fns);
  return { team };
}

/** XNNPACK's thread count: mgdl's loops use as many threads as the backend was started with. */
function backendThreads(): number {
  try {
    return Math.max(1, getThreadsCount());
  } catch {
    return 1;
  }
}

export const memoryOffset = (backend: BackendWasm, info: TensorInfo): number => backend.getMemoryOffset(info.dataId);

/** Scratch floats on the heap; allocate before taking heap views (allocation may grow the heap). */
export function heapScratch(backend: BackendWasm, floats: number): { ptr: number; free(): void } {
  const module = moduleOf(backend);
  const ptr = module._malloc(floats * 4) >>> 0;
  return { ptr, free: () => module._free(ptr) };
}

/** A float view of heap bytes, on the memory's current buffer (views die when the heap grows). */
export function heapFloats(backend: BackendWasm, ptr: number, floats: number): Float32Array {
  const module = moduleOf(backend);
  const memory = module.wasmMemory ?? module.asm?.memory;
  return new Float32Array(memory ? memory.buffer : module.HEAPU8.buffer, ptr, floats);
}
