import { decodeBase64, encodeBase64 } from './base64.js';

/*
 * The plugins' checkpoint states hold their per-sample arrays as typed arrays, which the kernel's
 * checkpoints store as bytes; states saved before that hold base64 of the same little-endian
 * bytes, and must still resume. Outside the kernel (dynamicsRecorder's JSON state) the base64 form stays.
 */

export type StateArrayKind = typeof Int32Array | typeof Uint32Array | typeof Float32Array | typeof Float64Array;

/**
 * The bytes of a state's array in either form: a typed array of `kind` (a view of it) or its
 * base64; undefined for anything else, including base64 that is not canonical.
 */
export function stateBytes(value: unknown, kind: StateArrayKind): Uint8Array | undefined {
  if (value instanceof kind) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value !== 'string') return undefined;
  try {
    return decodeBase64(value);
  } catch {
    return undefined;
  }
}

/** `state` with every typed array in it replaced by base64 of its bytes: the JSON-safe form `stateBytes` reads too. */
export function base64Arrays(state: unknown): unknown {
  if (ArrayBuffer.isView(state)) return encodeBase64(new Uint8Array(state.buffer, state.byteOffset, state.byteLength));
  if (Array.isArray(state)) return state.map(base64Arrays);
  if (typeof state !== 'object' || state === null) return state;
  return Object.fromEntries(Object.entries(state).map(([key, value]) => [key, base64Arrays(value)]));
}
