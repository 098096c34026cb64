/**
 * A minimal WebAssembly binary writer: just enough to emit a few SIMD loops as a module that imports
 * the tfjs-wasm heap (`env.memory`). Writing bytes from TS keeps the repository free of binaries and
 * of a native toolchain; the engine's validator checks every function when the module compiles.
 */

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

export function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

export function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

const utf8 = (s: string): number[] => [...uleb(s.length), ...Array.from(new TextEncoder().encode(s))];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** Opcodes used by the kernels (SIMD ones are `0xfd` followed by their LEB128 index). */
export const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  else: [0x05],
  end: [0x0b],
  br: (depth: number) => [0x0c, ...uleb(depth)],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  i32: (v: number) => [0x41, ...sleb(v)],
  f32: (v: number) => [0x43, ...Array.from(new Uint8Array(new Float32Array([v]).buffer))],
  select: [0x1b],
  i32Eqz: [0x45],
  i32Eq: [0x46],
  i32LtS: [0x48],
  i32GeS: [0x4e],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Mul: [0x6c],
  i32Shl: [0x74],
  f32Load: [0x2a, 2, 0],
  f32Store: [0x38, 2, 0],
  // SIMD loads/stores carry a memarg: alignment log2 (kept at 2: tensors are only 4-byte aligned), offset.
  v128Load: (offset = 0) => [0xfd, ...uleb(0x00), 2, ...uleb(offset)],
  v128Store: (offset = 0) => [0xfd, ...uleb(0x0b), 2, ...uleb(offset)],
  v128Splat32: [0xfd, ...uleb(0x09), 2, 0],
  // Lane stores (memarg, then the lane): write 1 or 2 floats of a vector, for rows narrower than 4.
  v128Store32Lane: (offset: number, lane: number) => [0xfd, ...uleb(0x5a), 2, ...uleb(offset), lane],
  v128Store64Lane: (offset: number, lane: number) => [0xfd, ...uleb(0x5b), 2, ...uleb(offset), lane],
  f32x4Splat: [0xfd, ...uleb(0x13)],
  f32x4Eq: [0xfd, ...uleb(0x41)],
  f32x4Gt: [0xfd, ...uleb(0x44)],
  v128And: [0xfd, ...uleb(0x4e)],
  v128AndNot: [0xfd, ...uleb(0x4f)],
  v128Or: [0xfd, ...uleb(0x50)],
  v128Bitselect: [0xfd, ...uleb(0x52)],
  f32x4Sqrt: [0xfd, ...uleb(0xe3)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  f32x4Div: [0xfd, ...uleb(0xe7)],
  f32x4Max: [0xfd, ...uleb(0xe9)],
} as const;

/** One function: named i32/f32 parameters, named locals, and a body written with `op` and `get`/`set`. */
export class FunctionBuilder {
  private readonly names = new Map<string, number>();
  private readonly locals: ValType[] = [];
  readonly code: number[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly (readonly [string, ValType])[],
    locals: readonly (readonly [string, ValType])[],
  ) {
    const declare = (n: string, i: number) => {
      if (this.names.has(n)) throw new Error(`wasm assembler: ${name} declares '${n}' twice`);
      this.names.set(n, i);
    };
    params.forEach(([n], i) => declare(n, i));
    locals.forEach(([n, t]) => {
      declare(n, params.length + this.locals.length);
      this.locals.push(t);
    });
  }

  private index(name: string): number {
    const i = this.names.get(name);
    if (i === undefined) throw new Error(`wasm assembler: ${this.name} has no local '${name}'`);
    return i;
  }

  get = (name: string): number[] => [0x20, ...uleb(this.index(name))];
  set = (name: string): number[] => [0x21, ...uleb(this.index(name))];
  tee = (name: string): number[] => [0x22, ...uleb(this.index(name))];

  emit(...parts: (readonly number[])[]): this {
    for (const part of parts) this.code.push(...part);
    return this;
  }

  /** for (name = from; name < limit; name += step) body — i32, signed compare; `limit` is re-read each turn. */
  forLoop(name: string, from: number[], limit: number[], step: number, body: (readonly number[])[]): number[] {
    return [
      ...from,
      ...this.set(name),
      ...op.block,
      ...op.loop,
      ...this.get(name),
      ...limit,
      ...op.i32GeS,
      ...op.brIf(1),
      ...body.flat(),
      ...this.bump(name, step),
      ...op.br(0),
      ...op.end,
      ...op.end,
    ];
  }

  /** `name += step` on an i32 local. */
  bump(name: string, step: number[] | number): number[] {
    return [...this.get(name), ...(typeof step === 'number' ? op.i32(step) : step), ...op.i32Add, ...this.set(name)];
  }

  body(): number[] {
    const groups: number[][] = this.locals.map((t) => [1, t]);
    const bytes = [...vec(groups), ...this.code, ...op.end];
    return [...uleb(bytes.length), ...bytes];
  }
}

/** A module of functions over an imported memory (`shared` must match the memory handed in). */
export function assemble(functions: FunctionBuilder[], shared: boolean): Uint8Array {
  const types = functions.map((f) => [0x60, ...vec(f.params.map(([, t]) => [t])), 0]);
  const limits = shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, vec([[...utf8('env'), ...utf8('memory'), 0x02, ...limits]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => f.body()))),
  ];
  return new Uint8Array(bytes);
}
