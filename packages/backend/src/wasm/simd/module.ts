import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { assemble } from './assembler.js';
import { buildSimdFunctions, SIMD_FUNCTION_NAMES } from './functions.js';
import { createTeam, localTeam, type SimdTeam } from './team.js';

/** Byte pointers into the tfjs heap, counts in blocks (4 rows) and floats (`width` = 4·channels). */
export interface SimdKernels {
  moments(x: number, pivot: number, acc1: number, acc2: number, blocks: number, width: number): void;
  gradMoments(dy: number, x: number, mean: number, acc1: number, acc2: number, blocks: number, width: number): void;
  affine(x: number, y: number, scale: number, shift: number, blocks: number, width: number): void;
  affine2(dy: number, x: number, out: number, a: number, b: number, k: number, blocks: number, width: number): void;
  maxPoolGrad(x: number, dy: number, dx: number, ...geometry: number[]): void;
  /** `convFilter{ciTile}x{coVecs}` for each of CONV_FILTER_TILES; see conv-filter-loops. */
  [convFilter: `convFilter${number}x${number}`]: (...args: number[]) => void;
  /** `conv{pixels}x{coVecs}` for each of CONV_TILES; see conv-loops. */
  [conv: `conv${number}x${number}`]: (...args: number[]) => void;
  /** `conv{pixels}n{lanes}` for each of CONV_NARROW_TILES (1–3 output channels). */
  [narrowConv: `conv${number}n${number}`]: (...args: number[]) => void;
  /** Runs call lists of these functions on the backend's threads (size 1: this thread only). */
  team: SimdTeam;
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
  const bytes = assemble(buildSimdFunctions(), shared);
  let module: object;
  let exports: Record<string, (...args: number[]) => void>;
  try {
    module = new api.Module(bytes);
    exports = new api.Instance(module, { env: { memory } }).exports as typeof exports;
  } catch {
    return null; // no SIMD in this engine: callers keep their JS loops
  }
  const fns = SIMD_FUNCTION_NAMES.map((name) => exports[name]!);
  // Only the threaded build's heap is shared, and only there can workers run the same loops.
  const threads = shared ? backendThreads() : 1;
  const heap = { memory, malloc: (bytes: number) => emscripten._malloc(bytes), free: (ptr: number) => emscripten._free(ptr) };
  const team = threads > 1 ? createTeam(fns, module, heap, threads) : localTeam(fns);
  return { ...exports, team } as unknown as SimdKernels;
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
