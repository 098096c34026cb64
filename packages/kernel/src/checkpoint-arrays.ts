import { KernelError } from './errors.js';

/*
 * Typed arrays inside a checkpoint's JSON-side state (plugin states, each ensemble member's) go to
 * the binary data file beside the weights; the manifest keeps a placeholder per array. Per-sample
 * plugin state is megabytes: as bytes it skips base64, most of JSON.stringify and the manifest's
 * own checksum, and a resume gets the same typed arrays back.
 */

/**
 * The placeholder's one key: `{ "$mgdl-checkpoint-array": { dtype, offset, length } }` stands for
 * the `length` elements at byte `offset` of the data file. Plugin states may not use this key.
 */
export const ARRAY_PLACEHOLDER_KEY = '$mgdl-checkpoint-array';

const KINDS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, uint32: Uint32Array, uint8: Uint8Array } as const;
type Dtype = keyof typeof KINDS;
type StateArray = InstanceType<(typeof KINDS)[Dtype]>;

interface Placeholder {
  dtype: Dtype;
  offset: number;
  length: number;
}

const dtypeOf = (value: ArrayBufferView): Dtype | undefined => (Object.keys(KINDS) as Dtype[]).find((dtype) => value.constructor === KINDS[dtype]);

const isPlainObject = (value: unknown): value is Record<string, unknown> => {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
};

/**
 * `value` with every typed array replaced by a placeholder, and the arrays to write, at offsets
 * from `start` aligned to their element size (a view needs that). Anything else is kept as it is.
 */
export function extractArrays(value: unknown, start: number): { json: unknown; arrays: { array: StateArray; offset: number }[]; end: number } {
  const arrays: { array: StateArray; offset: number }[] = [];
  let end = start;
  const walk = (node: unknown, where: string): unknown => {
    if (ArrayBuffer.isView(node)) {
      const dtype = dtypeOf(node);
      if (!dtype) throw new KernelError(`checkpoint: ${where} is a ${node.constructor.name}, which checkpoints do not store; use a ${Object.values(KINDS).map((k) => k.name).join(', ')} or plain numbers`);
      const array = node as StateArray;
      const offset = Math.ceil(end / array.BYTES_PER_ELEMENT) * array.BYTES_PER_ELEMENT;
      end = offset + array.byteLength;
      arrays.push({ array, offset });
      return { [ARRAY_PLACEHOLDER_KEY]: { dtype, offset, length: array.length } satisfies Placeholder };
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${where}[${i}]`));
    if (!isPlainObject(node)) return node;
    if (ARRAY_PLACEHOLDER_KEY in node) throw new KernelError(`checkpoint: ${where} uses the key '${ARRAY_PLACEHOLDER_KEY}', which checkpoints reserve for their typed arrays; rename it`);
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(node)) copy[key] = walk(item, `${where}.${key}`);
    return copy;
  };
  const json = walk(value, 'state');
  return { json, arrays, end };
}

/** Copies the arrays `extractArrays` found into `bytes` at their offsets. */
export function fillArrays(bytes: Uint8Array, arrays: readonly { array: StateArray; offset: number }[]): void {
  for (const { array, offset } of arrays) bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), offset);
}

/**
 * `value` with every placeholder replaced by a fresh typed array (its own buffer, so a plugin may
 * keep and change it) read from `data`; `where` names the manifest in errors. A checkpoint
 * written before placeholders comes back unchanged.
 */
export function restoreArrays(value: unknown, data: Uint8Array, where: string): unknown {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!isPlainObject(node)) return node;
    if (ARRAY_PLACEHOLDER_KEY in node) return arrayAt(node[ARRAY_PLACEHOLDER_KEY], data, where);
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(node)) copy[key] = walk(item);
    return copy;
  };
  return walk(value);
}

function arrayAt(placeholder: unknown, data: Uint8Array, where: string): StateArray {
  const { dtype, offset, length } = (placeholder ?? {}) as Partial<Placeholder>;
  const kind = dtype !== undefined && Object.hasOwn(KINDS, dtype) ? KINDS[dtype] : undefined;
  const byteLength = kind && Number.isSafeInteger(length) && length! >= 0 ? length! * kind.BYTES_PER_ELEMENT : -1;
  if (!kind || byteLength < 0 || !Number.isSafeInteger(offset) || offset! < 0 || offset! + byteLength > data.length) {
    throw new KernelError(`${where}: an array placeholder ${JSON.stringify(placeholder)} does not fit its ${data.length}-byte data file; the checkpoint is damaged`);
  }
  // A plain Uint8Array's slice copies (a Buffer's would not).
  return new kind(new Uint8Array(data.buffer, data.byteOffset + offset!, byteLength).slice().buffer);
}
