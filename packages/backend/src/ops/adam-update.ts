import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { jsKernelRegistrar, kernelIO } from './kernel-io.js';
import { ADAM_COEFFICIENTS, adamStep } from '../wasm/simd/adam-loop.js';
import { CallList } from '../wasm/simd/call-list.js';
import { heapFloats, heapScratch, memoryOffset, simdKernels, type SimdKernels } from '../wasm/simd/module.js';

/**
 * One Adam/AdamW update of every trainable variable in a single kernel call. Inputs `w{i}`, `g{i}`,
 * `m{i}`, `v{i}` for i < `count`; outputs w′, m′, v′ per variable, in that order. tfjs ops take ~13
 * kernel calls per variable for the same update (52 of the ~180 calls of an FCNN step).
 * @mgdl/kernel's adam() calls it by this name when the backend has it.
 */
export const ADAM_UPDATE = 'MgdlAdamUpdate';

export interface AdamUpdateAttrs {
  count: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** learningRate / (1 − β1^t) */
  stepSize: number;
  /** √(1 − β2^t) */
  rootCorrection2: number;
  /** Added to the gradient as weightDecay·w (Adam), or the weights' factor 1 − lr·weightDecay (AdamW); 0 for none. */
  weightDecay: number;
  decoupled: boolean;
  learningRate: number;
}

type Coefficients = Record<(typeof ADAM_COEFFICIENTS)[number], number>;

/** The update's constants as the float32 scalars tfjs's per-op update multiplies by. */
function coefficientsOf(a: AdamUpdateAttrs): Coefficients {
  const f = Math.fround;
  return {
    beta1: f(a.beta1),
    oneMinusBeta1: f(1 - a.beta1),
    beta2: f(a.beta2),
    oneMinusBeta2: f(1 - a.beta2),
    rootCorrection2: f(a.rootCorrection2),
    epsilon: f(a.epsilon),
    stepSize: f(a.stepSize),
    coupledDecay: a.decoupled ? 0 : f(a.weightDecay),
    keep: a.decoupled ? f(1 - a.learningRate * a.weightDecay) : 1,
  };
}

/**
 * Elements [from, end) in JS, rounding every step to float32 (products and sums of float32 values
 * are exact in float64, so one rounding each gives the IEEE float32 result, as the SIMD lanes do).
 */
function updateJs(inputs: Float32Array[], outputs: Float32Array[], k: Coefficients, from: number): void {
  const [w, g, m, v] = inputs as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [w2, m2, v2] = outputs as [Float32Array, Float32Array, Float32Array];
  const f = Math.fround;
  for (let j = from; j < w.length; j++) {
    const grad = f(g[j]! + f(w[j]! * k.coupledDecay));
    const mj = f(f(m[j]! * k.beta1) + f(grad * k.oneMinusBeta1));
    const vj = f(f(v[j]! * k.beta2) + f(f(grad * grad) * k.oneMinusBeta2));
    const denominator = f(f(f(Math.sqrt(vj)) / k.rootCorrection2) + k.epsilon);
    m2[j] = mj;
    v2[j] = vj;
    w2[j] = f(w[j]! * k.keep) - f(f(mj / denominator) * k.stepSize);
  }
}

/** Floats per task: large variables (an embedding's millions of weights) are shared by the team. */
const CHUNK = 1 << 16;

/** The whole vectors of every variable on the SIMD team; returns where each variable's JS tail starts. */
function updateSimd(simd: SimdKernels, backend: BackendWasm, variables: TensorInfo[][], outputs: TensorInfo[][], k: Coefficients): number[] {
  const scratch = heapScratch(backend, 4 * ADAM_COEFFICIENTS.length);
  try {
    const table = heapFloats(backend, scratch.ptr, 4 * ADAM_COEFFICIENTS.length);
    ADAM_COEFFICIENTS.forEach((name, i) => table.fill(k[name], 4 * i, 4 * i + 4));
    const list = new CallList();
    const starts = variables.map(([w, g, m, v], i) => {
      const whole = tf.util.sizeFromShape(w!.shape) & ~3;
      const [wOut, mOut, vOut] = outputs[i]!.map((info) => memoryOffset(backend, info)) as [number, number, number];
      const [wIn, gIn, mIn, vIn] = [w, g, m, v].map((info) => memoryOffset(backend, info!)) as [number, number, number, number];
      for (let start = 0; start < whole; start += CHUNK) {
        const at = 4 * start;
        list.call(adamStep, { w: wIn + at, g: gIn + at, m: mIn + at, v: vIn + at, wOut: wOut + at, mOut: mOut + at, vOut: vOut + at, coefficients: scratch.ptr, bytes: 4 * Math.min(CHUNK, whole - start) });
        list.endTask();
      }
      return whole;
    });
    if (list.calls > 0) simd.team.run(list);
    return starts;
  } finally {
    scratch.free();
  }
}

function adamUpdate({ inputs, attrs, backend }: { inputs: NamedTensorInfoMap; attrs: NamedAttrMap; backend: KernelBackend }): TensorInfo[] {
  const a = attrs as unknown as AdamUpdateAttrs;
  const io = kernelIO(backend);
  const variables = Array.from({ length: a.count }, (_, i) => ['w', 'g', 'm', 'v'].map((name) => inputs[`${name}${i}`] as TensorInfo));
  const out = io.alloc(variables.flatMap(([w]) => [w!.shape, w!.shape, w!.shape]));
  const outputs = variables.map((_, i) => out.infos.slice(3 * i, 3 * i + 3));
  const k = coefficientsOf(a);
  const simd = 'typedArrayFromHeap' in backend ? simdKernels(backend as unknown as BackendWasm) : undefined;
  const starts = simd ? updateSimd(simd, backend as unknown as BackendWasm, variables, outputs, k) : variables.map(() => 0);
  // Views only now: the scratch allocation above may have grown (and moved) the heap.
  const arrays = out.data();
  variables.forEach((infos, i) => updateJs(infos.map((info) => io.read(info)), arrays.slice(3 * i, 3 * i + 3), k, starts[i]!));
  return out.infos;
}

/** Registers the kernel for the two backends whose memory JS can touch (wasm heap, cpu arrays). */
export const registerAdamUpdateKernel = jsKernelRegistrar({ [ADAM_UPDATE]: adamUpdate });
