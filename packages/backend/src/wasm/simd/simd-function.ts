import { FunctionBuilder, I32, type ValType } from './assembler.js';

/**
 * A SIMD function declared once. The module is assembled from it (`buildFunction`), and call lists
 * take its arguments by parameter name (`CallList.call(fn, { x, w, … })`) and write them in
 * `params` order: the order lives here only, so a call cannot pass a stride as a pointer.
 */
export interface SimdFunction<P extends string = string> {
  /** Export name, unique in the module. */
  readonly name: string;
  /** The i32 parameters in wasm order: byte pointers, counts and byte strides. */
  readonly params: readonly P[];
  readonly locals: readonly (readonly [string, ValType])[];
  /** The code, written with `op` and the builder's get/set of params and locals by name. */
  readonly body: (f: FunctionBuilder) => (readonly number[])[];
}

/** A call's arguments: one number per parameter, by name. */
export type SimdArgs<P extends string> = Readonly<Record<P, number>>;

/** Declares a SIMD function, keeping its parameter names as a type (`SimdArgs`) for its calls. */
export const simdFunction = <const P extends string>(fn: SimdFunction<P>): SimdFunction<P> => fn;

export function buildFunction(fn: SimdFunction): FunctionBuilder {
  const f = new FunctionBuilder(
    fn.name,
    fn.params.map((name) => [name, I32] as const),
    fn.locals,
  );
  return f.emit(...fn.body(f));
}
