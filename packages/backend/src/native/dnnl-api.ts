import type * as Koffi from 'koffi';
import type { SignalsHeld } from './signal-mask.js';

/**
 * oneDNN 2.x's C API for primitives (convolutions, reorders), bound through koffi. Descriptors are
 * opaque byte buffers: oneDNN fills them, mgdl only passes them back. The numbers are oneDNN 2.x's
 * enum values (dnnl_types.h); oneDNN 3 dropped the *_desc_init functions, so binding fails there
 * and the convolutions stay on wasm.
 */
export const DNNL = {
  f32: 3,
  formatAny: 1,
  nhwc: 20,
  hwio: 30,
  /** 1-D (bias). */
  x: 2,
  forwardTraining: 64,
  backwardData: 160,
  backwardWeights: 192,
  convolutionDirect: 1,
  cpuEngine: 1,
  streamDefault: 1,
  queryImplInfoStr: 8,
  queryWeightsMd: 131,
  queryDiffWeightsMd: 132,
  arg: { src: 1, dst: 17, weights: 33, bias: 41, diffSrc: 129, diffDst: 145, diffWeights: 161 },
} as const;

/** Bytes reserved for a dnnl_memory_desc_t (696 in 2.6) and an op descriptor (a conv's is 5,976). */
const MEMORY_DESC_BYTES = 1024;
const OP_DESC_BYTES = 8192;

type Handle = unknown;
type Dims = BigInt64Array;

export interface DnnlApi {
  engine: Handle;
  stream: Handle;
  /** A plain (by-tag) memory descriptor. */
  memoryDesc(dims: number[], tag: number): Buffer;
  convForwardDesc(src: Buffer, weights: Buffer, bias: Buffer | null, dst: Buffer, geometry: ConvGeometry): Buffer;
  convBackwardDataDesc(diffSrc: Buffer, weights: Buffer, diffDst: Buffer, geometry: ConvGeometry): Buffer;
  convBackwardWeightsDesc(src: Buffer, diffWeights: Buffer, diffDst: Buffer, geometry: ConvGeometry): Buffer;
  /** A primitive descriptor from an op descriptor (and, for backward ones, the forward hint). */
  primitiveDesc(opDesc: Buffer, hint: Handle | null): Handle;
  reorderDesc(from: Handle | Buffer, to: Handle | Buffer): Handle;
  implementation(primitiveDesc: Handle): string;
  /** The memory descriptor a primitive chose for one of its arguments (weights in a blocked layout). */
  queryMd(primitiveDesc: Handle, what: number): Handle;
  mdSize(md: Handle | Buffer): number;
  mdEqual(a: Handle | Buffer, b: Handle | Buffer): boolean;
  primitive(primitiveDesc: Handle): Handle;
  /** A memory object without data; its data handle is set before every execution. */
  memory(md: Handle | Buffer): Handle;
  setData(memory: Handle, data: Float32Array | Buffer): void;
  execute(primitive: Handle, args: { arg: number; memory: Handle }[]): void;
}

export interface ConvGeometry {
  strides: [number, number];
  /** oneDNN counts dilation from 0 (tfjs's dilation − 1). */
  dilates: [number, number];
  padTopLeft: [number, number];
  padBottomRight: [number, number];
}

/** oneDNN's dnnl_status_t names, for errors. */
export const DNNL_STATUS = ['success', 'out_of_memory', 'invalid_arguments', 'unimplemented', 'iterator_ends', 'runtime_error', 'not_required'];

/** `held` runs a call with signals blocked (see signal-mask.ts): every primitive's execution goes through it. */
export function bindDnnl(koffi: typeof Koffi, lib: Koffi.LibraryHandle, held: SignalsHeld): DnnlApi {
  const f = <T>(declaration: string): T => lib.func(declaration) as unknown as T;
  const check = (status: number, what: string): void => {
    if (status !== 0) throw new Error(`mgdl native kernels: oneDNN ${what} returned ${DNNL_STATUS[status] ?? status}; MGDL_NATIVE=0 runs the wasm kernels instead`);
  };
  koffi.struct('mgdl_dnnl_exec_arg_t', { arg: 'int', memory: 'void *' });
  const engineCreate = f<(out: Handle[], kind: number, index: number) => number>('int dnnl_engine_create(_Out_ void **engine, int kind, size_t index)');
  const streamCreate = f<(out: Handle[], engine: Handle, flags: number) => number>('int dnnl_stream_create(_Out_ void **stream, void *engine, unsigned int flags)');
  const mdInit = f<(md: Buffer, ndims: number, dims: Dims, dataType: number, tag: number) => number>('int dnnl_memory_desc_init_by_tag(void *md, int ndims, const int64_t *dims, int data_type, int tag)');
  const convForward = f<(...args: unknown[]) => number>('int dnnl_dilated_convolution_forward_desc_init(void *desc, int prop_kind, int alg_kind, const void *src, const void *weights, const void *bias, const void *dst, const int64_t *strides, const int64_t *dilates, const int64_t *padding_l, const int64_t *padding_r)');
  const convBackwardData = f<(...args: unknown[]) => number>('int dnnl_dilated_convolution_backward_data_desc_init(void *desc, int alg_kind, const void *diff_src, const void *weights, const void *diff_dst, const int64_t *strides, const int64_t *dilates, const int64_t *padding_l, const int64_t *padding_r)');
  const convBackwardWeights = f<(...args: unknown[]) => number>('int dnnl_dilated_convolution_backward_weights_desc_init(void *desc, int alg_kind, const void *src, const void *diff_weights, const void *diff_bias, const void *diff_dst, const int64_t *strides, const int64_t *dilates, const int64_t *padding_l, const int64_t *padding_r)');
  const pdCreate = f<(out: Handle[], opDesc: Buffer, attr: null, engine: Handle, hint: Handle | null) => number>('int dnnl_primitive_desc_create(_Out_ void **pd, const void *op_desc, const void *attr, void *engine, const void *hint)');
  const reorderCreate = f<(out: Handle[], from: Handle | Buffer, fromEngine: Handle, to: Handle | Buffer, toEngine: Handle, attr: null) => number>('int dnnl_reorder_primitive_desc_create(_Out_ void **pd, const void *src_md, void *src_engine, const void *dst_md, void *dst_engine, const void *attr)');
  const pdQueryString = f<(pd: Handle, what: number, index: number, out: string[]) => number>('int dnnl_primitive_desc_query(const void *pd, int what, int index, _Out_ const char **result)');
  const pdQueryMd = f<(pd: Handle, what: number, index: number) => Handle>('const void *dnnl_primitive_desc_query_md(const void *pd, int what, int index)');
  const mdGetSize = f<(md: Handle | Buffer) => number | bigint>('size_t dnnl_memory_desc_get_size(const void *md)');
  const mdEqual = f<(a: Handle | Buffer, b: Handle | Buffer) => number>('int dnnl_memory_desc_equal(const void *a, const void *b)');
  const primitiveCreate = f<(out: Handle[], pd: Handle) => number>('int dnnl_primitive_create(_Out_ void **primitive, const void *pd)');
  const memoryCreate = f<(out: Handle[], md: Handle | Buffer, engine: Handle, handle: null) => number>('int dnnl_memory_create(_Out_ void **memory, const void *md, void *engine, void *handle)');
  // The data handle is passed as an address: oneDNN keeps it past this call, until execution.
  const setDataHandle = f<(memory: Handle, address: bigint) => number>('int dnnl_memory_set_data_handle(void *memory, uintptr_t handle)');
  const primitiveExecute = f<(primitive: Handle, stream: Handle, nargs: number, args: { arg: number; memory: Handle }[]) => number>('int dnnl_primitive_execute(const void *primitive, void *stream, int nargs, const mgdl_dnnl_exec_arg_t *args)');
  const streamWait = f<(stream: Handle) => number>('int dnnl_stream_wait(void *stream)');

  const created = (make: (out: Handle[]) => number, what: string): Handle => {
    const out: Handle[] = [null];
    check(make(out), what);
    return out[0];
  };
  const dims = (values: readonly number[]): Dims => BigInt64Array.from(values.map(BigInt));
  const opDesc = (init: (desc: Buffer) => number, what: string): Buffer => {
    const desc = Buffer.alloc(OP_DESC_BYTES);
    check(init(desc), what);
    return desc;
  };
  const geometryArgs = (g: ConvGeometry): Dims[] => [dims(g.strides), dims(g.dilates), dims(g.padTopLeft), dims(g.padBottomRight)];
  const engine = created((out) => engineCreate(out, DNNL.cpuEngine, 0), 'dnnl_engine_create');
  const stream = created((out) => streamCreate(out, engine, DNNL.streamDefault), 'dnnl_stream_create');

  return {
    engine,
    stream,
    memoryDesc(shape, tag) {
      const md = Buffer.alloc(MEMORY_DESC_BYTES);
      check(mdInit(md, shape.length, dims(shape), DNNL.f32, tag), 'dnnl_memory_desc_init_by_tag');
      return md;
    },
    convForwardDesc: (src, weights, bias, dst, g) =>
      opDesc((d) => convForward(d, DNNL.forwardTraining, DNNL.convolutionDirect, src, weights, bias, dst, ...geometryArgs(g)), 'convolution forward desc'),
    convBackwardDataDesc: (diffSrc, weights, diffDst, g) =>
      opDesc((d) => convBackwardData(d, DNNL.convolutionDirect, diffSrc, weights, diffDst, ...geometryArgs(g)), 'convolution backward data desc'),
    convBackwardWeightsDesc: (src, diffWeights, diffDst, g) =>
      opDesc((d) => convBackwardWeights(d, DNNL.convolutionDirect, src, diffWeights, null, diffDst, ...geometryArgs(g)), 'convolution backward weights desc'),
    primitiveDesc: (desc, hint) => created((out) => pdCreate(out, desc, null, engine, hint), 'dnnl_primitive_desc_create'),
    reorderDesc: (from, to) => created((out) => reorderCreate(out, from, engine, to, engine, null), 'dnnl_reorder_primitive_desc_create'),
    implementation(pd) {
      const out: string[] = [''];
      check(pdQueryString(pd, DNNL.queryImplInfoStr, 0, out), 'dnnl_primitive_desc_query');
      return out[0] ?? '';
    },
    queryMd: (pd, what) => pdQueryMd(pd, what, 0),
    mdSize: (md) => Number(mdGetSize(md)),
    mdEqual: (a, b) => mdEqual(a, b) !== 0,
    primitive: (pd) => created((out) => primitiveCreate(out, pd), 'dnnl_primitive_create'),
    memory: (md) => created((out) => memoryCreate(out, md, engine, null), 'dnnl_memory_create'),
    setData: (memory, data) => check(setDataHandle(memory, koffi.address(data)), 'dnnl_memory_set_data_handle'),
    execute(primitive, args) {
      held(() => {
        check(primitiveExecute(primitive, stream, args.length, args), 'dnnl_primitive_execute');
        check(streamWait(stream), 'dnnl_stream_wait');
      });
    },
  };
}
