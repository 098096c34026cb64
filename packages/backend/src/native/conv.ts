import type { backend_util, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { convInfoFromAttrs } from '../wasm/kernels/conv-info.js';
import { heapF32, sizeOf, type MgdlKernel } from '../wasm/wasm-kernel.js';
import { DNNL, type ConvGeometry, type DnnlApi } from './dnnl-api.js';
import { reluInPlace } from './mat-mul.js';

type Memory = unknown;

/**
 * One convolution primitive for one geometry, built once and kept: its memory objects get the
 * tensors' heap addresses before each run. oneDNN picks the weights' layout (a blocked one for its
 * fast kernels); `weights` reorders between that and tfjs's HWIO when they differ.
 */
interface Prepared {
  primitive: unknown;
  memories: Record<number, Memory>;
  /** `storage` holds the blocked weights: referenced here so that it lives as long as `blocked` points at it. */
  weights?: { reorder: unknown; plain: Memory; blocked: Memory; storage: Buffer };
}

const convGeometry = (info: backend_util.Conv2DInfo): ConvGeometry => ({
  strides: [info.strideHeight, info.strideWidth],
  dilates: [info.dilationHeight - 1, info.dilationWidth - 1],
  padTopLeft: [info.padInfo.top, info.padInfo.left],
  padBottomRight: [info.padInfo.bottom, info.padInfo.right],
});

/** The geometry the wasm kernels compute, or undefined for what oneDNN is not given here (NCHW, not 4-D): those stay on wasm. */
function convInfo(kernelName: string, x: number[], filter: number[], attrs: NamedAttrMap): backend_util.Conv2DInfo | undefined {
  if (((attrs['dataFormat'] as string | undefined) ?? 'NHWC') !== 'NHWC' || x.length !== 4 || filter.length !== 4) return undefined;
  return convInfoFromAttrs(kernelName, x, filter, attrs);
}

type Direction = 'forward' | 'backwardData' | 'backwardWeights';

/** Builds (once per geometry) and caches the primitives; null marks a geometry oneDNN cannot run fast. */
function makeConvCache(dnnl: DnnlApi) {
  const cache = new Map<string, Prepared | null>();
  const mds = (info: backend_util.Conv2DInfo) => ({
    input: dnnl.memoryDesc([info.batchSize, info.inChannels, info.inHeight, info.inWidth], DNNL.nhwc),
    output: dnnl.memoryDesc([info.batchSize, info.outChannels, info.outHeight, info.outWidth], DNNL.nhwc),
    plainWeights: dnnl.memoryDesc([info.outChannels, info.inChannels, info.filterHeight, info.filterWidth], DNNL.hwio),
    anyWeights: dnnl.memoryDesc([info.outChannels, info.inChannels, info.filterHeight, info.filterWidth], DNNL.formatAny),
    bias: dnnl.memoryDesc([info.outChannels], DNNL.x),
  });

  function build(direction: Direction, info: backend_util.Conv2DInfo, withBias: boolean): Prepared | null {
    const md = mds(info);
    const g = convGeometry(info);
    const forward = dnnl.primitiveDesc(dnnl.convForwardDesc(md.input, md.anyWeights, withBias ? md.bias : null, md.output, g), null);
    const pd =
      direction === 'forward'
        ? forward
        : direction === 'backwardData'
          ? dnnl.primitiveDesc(dnnl.convBackwardDataDesc(md.input, md.anyWeights, md.output, g), forward)
          : dnnl.primitiveDesc(dnnl.convBackwardWeightsDesc(md.input, md.anyWeights, md.output, g), forward);
    // oneDNN's reference kernels are scalar loops, slower than mgdl's wasm SIMD ones.
    if (dnnl.implementation(pd).startsWith('ref')) return null;
    const chosen = dnnl.queryMd(pd, direction === 'backwardWeights' ? DNNL.queryDiffWeightsMd : DNNL.queryWeightsMd);
    const plain = dnnl.memory(md.plainWeights);
    let weights: Prepared['weights'];
    let weightsMemory = plain;
    if (!dnnl.mdEqual(chosen, md.plainWeights)) {
      const blocked = dnnl.memory(chosen);
      const storage = Buffer.alloc(dnnl.mdSize(chosen));
      dnnl.setData(blocked, storage);
      const reorder = direction === 'backwardWeights' ? dnnl.reorderDesc(chosen, md.plainWeights) : dnnl.reorderDesc(md.plainWeights, chosen);
      weights = { reorder: dnnl.primitive(reorder), plain, blocked, storage };
      weightsMemory = blocked;
    }
    const { arg } = DNNL;
    const memories: Record<number, Memory> =
      direction === 'forward'
        ? { [arg.src]: dnnl.memory(md.input), [arg.weights]: weightsMemory, [arg.dst]: dnnl.memory(md.output), ...(withBias ? { [arg.bias]: dnnl.memory(md.bias) } : {}) }
        : direction === 'backwardData'
          ? { [arg.diffSrc]: dnnl.memory(md.input), [arg.weights]: weightsMemory, [arg.diffDst]: dnnl.memory(md.output) }
          : { [arg.src]: dnnl.memory(md.input), [arg.diffWeights]: weightsMemory, [arg.diffDst]: dnnl.memory(md.output) };
    return { primitive: dnnl.primitive(pd), memories, ...(weights ? { weights } : {}) };
  }

  return (direction: Direction, info: backend_util.Conv2DInfo, withBias: boolean): Prepared | null => {
    const key = JSON.stringify([direction, withBias, info.inShape, info.filterHeight, info.filterWidth, info.outChannels, convGeometry(info)]);
    if (!cache.has(key)) {
      let prepared: Prepared | null;
      try {
        prepared = build(direction, info, withBias);
      } catch {
        prepared = null; // e.g. a geometry oneDNN rejects (invalid_arguments/unimplemented): wasm runs it
      }
      cache.set(key, prepared);
    }
    return cache.get(key) ?? null;
  };
}

/** Sets each argument's data to its heap view, reorders the weights in or out, and runs. */
function run(dnnl: DnnlApi, p: Prepared, data: Record<number, Float32Array>, weightsIn: Float32Array | undefined, weightsOut: Float32Array | undefined): void {
  for (const [arg, view] of Object.entries(data)) {
    const memory = p.memories[Number(arg)];
    if (memory !== p.weights?.blocked) dnnl.setData(memory, view);
  }
  const reorderArgs = (w: NonNullable<Prepared['weights']>, fromPlain: boolean) => [
    { arg: DNNL.arg.src, memory: fromPlain ? w.plain : w.blocked },
    { arg: DNNL.arg.dst, memory: fromPlain ? w.blocked : w.plain },
  ];
  if (p.weights && weightsIn) {
    dnnl.setData(p.weights.plain, weightsIn);
    dnnl.execute(p.weights.reorder, reorderArgs(p.weights, true));
  }
  dnnl.execute(p.primitive, Object.entries(p.memories).map(([arg, memory]) => ({ arg: Number(arg), memory })));
  if (p.weights && weightsOut) {
    dnnl.setData(p.weights.plain, weightsOut);
    dnnl.execute(p.weights.reorder, reorderArgs(p.weights, false));
  }
}

/** Conv2D, FusedConv2D (bias of one value per channel; relu or linear), Conv2DBackpropInput and Conv2DBackpropFilter in oneDNN. */
export function nativeConvKernels(dnnl: DnnlApi, fallbacks: Record<string, MgdlKernel>): MgdlKernel[] {
  const prepare = makeConvCache(dnnl);
  const f32 = (...infos: TensorInfo[]): boolean => infos.every((t) => t.dtype === 'float32');
  const kernel = (kernelName: string, native: (args: Parameters<MgdlKernel['kernelFunc']>[0]) => TensorInfo | undefined): MgdlKernel => ({
    kernelName,
    why: 'native',
    kernelFunc: (args) => native(args) ?? (fallbacks[kernelName] as MgdlKernel).kernelFunc(args),
  });

  const forward = (kernelName: 'Conv2D' | 'FusedConv2D'): MgdlKernel =>
    kernel(kernelName, ({ inputs, attrs, backend }) => {
      const x = inputs['x'] as TensorInfo;
      const filter = inputs['filter'] as TensorInfo;
      const bias = inputs['bias'] as TensorInfo | undefined;
      const activation = (attrs['activation'] as string | undefined) ?? 'linear';
      if (!f32(x, filter, ...(bias ? [bias] : [])) || inputs['preluActivationWeights'] || (activation !== 'linear' && activation !== 'relu')) return undefined;
      const info = convInfo(kernelName, x.shape, filter.shape, attrs);
      if (!info || (bias && sizeOf(bias.shape) !== info.outChannels)) return undefined;
      const p = prepare('forward', info, Boolean(bias));
      if (!p) return undefined;
      const out = backend.makeOutput(info.outShape, 'float32');
      const heap = (t: TensorInfo): Float32Array => heapF32(backend, t);
      const { arg } = DNNL;
      const filterView = heap(filter);
      const data: Record<number, Float32Array> = { [arg.src]: heap(x), [arg.weights]: filterView, [arg.dst]: heap(out) };
      if (bias) data[arg.bias] = heap(bias);
      run(dnnl, p, data, filterView, undefined);
      if (activation === 'relu') reluInPlace(heap(out));
      return out;
    });

  const backwardData = kernel('Conv2DBackpropInput', ({ inputs, attrs, backend }) => {
    const dy = inputs['dy'] as TensorInfo;
    const filter = inputs['filter'] as TensorInfo;
    const info = f32(dy, filter) ? convInfo('Conv2DBackpropInput', attrs['inputShape'] as number[], filter.shape, attrs) : undefined;
    const p = info && prepare('backwardData', info, false);
    if (!info || !p) return undefined;
    const dx = backend.makeOutput(info.inShape, 'float32');
    const filterView = heapF32(backend, filter);
    const { arg } = DNNL;
    run(dnnl, p, { [arg.diffSrc]: heapF32(backend, dx), [arg.weights]: filterView, [arg.diffDst]: heapF32(backend, dy) }, filterView, undefined);
    return dx;
  });

  const backwardWeights = kernel('Conv2DBackpropFilter', ({ inputs, attrs, backend }) => {
    const x = inputs['x'] as TensorInfo;
    const dy = inputs['dy'] as TensorInfo;
    const filterShape = attrs['filterShape'] as number[];
    const info = f32(x, dy) ? convInfo('Conv2DBackpropFilter', x.shape, filterShape, attrs) : undefined;
    const p = info && prepare('backwardWeights', info, false);
    if (!info || !p) return undefined;
    const dw = backend.makeOutput(filterShape, 'float32');
    const dwView = heapF32(backend, dw);
    const { arg } = DNNL;
    run(dnnl, p, { [arg.src]: heapF32(backend, x), [arg.diffWeights]: dwView, [arg.diffDst]: heapF32(backend, dy) }, undefined, dwView);
    return dw;
  });

  return [forward('Conv2D'), forward('FusedConv2D'), backwardData, backwardWeights];
}
