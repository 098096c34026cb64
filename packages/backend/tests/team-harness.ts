/**
 * A SIMD team on a heap of its own (no tfjs): a shared WebAssembly.Memory with a bump allocator,
 * the assembled SIMD module instantiated on it, and float views for setting up and checking data.
 */
import { SIMD_FUNCTIONS, simdModuleBytes } from '../src/wasm/simd/functions.js';
import { createTeam, localTeam, type SimdTeam } from '../src/wasm/simd/team.js';

interface Memory {
  readonly buffer: SharedArrayBuffer;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => Memory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, (...args: number[]) => void> };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export interface TeamHarness {
  team: SimdTeam;
  local: SimdTeam;
  /** Float32 view of the whole heap (taken anew: the heap does not grow here). */
  floats(): Float32Array;
  /** Bump-allocates `floats` floats, 16-byte aligned; returns the byte pointer. */
  alloc(floats: number): number;
}

export function teamHarness(threads: number): TeamHarness {
  const memory = new wasm.Memory({ initial: 256, maximum: 256, shared: true });
  const module = new wasm.Module(simdModuleBytes(true));
  const { exports } = new wasm.Instance(module, { env: { memory } });
  const fns = SIMD_FUNCTIONS.map((fn) => exports[fn.name]!);
  // Call lists are allocated at the top of the heap, data from the bottom.
  let data = 64;
  let lists = memory.buffer.byteLength;
  const heap = {
    memory,
    malloc: (bytes: number) => (lists -= (bytes + 15) & ~15),
    free: () => void (lists = memory.buffer.byteLength),
  };
  return {
    team: createTeam(fns, module, heap, threads),
    local: localTeam(fns),
    floats: () => new Float32Array(memory.buffer),
    alloc: (floats: number) => {
      const ptr = data;
      data += (floats * 4 + 15) & ~15;
      return ptr;
    },
  };
}
