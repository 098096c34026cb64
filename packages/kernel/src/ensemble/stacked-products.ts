import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SeededMathRandom } from '@mgdl/random';
import type { OptimizerState } from '../optimizers/types.js';
import type { DenseLayerSpec } from './architecture.js';
import { denseWeightsOf, dropoutMultiplier, type DenseWeights } from './dense-members.js';
import type { MemberNets } from './member-nets.js';

/** One layer's weights for all members: kernels [S, in, out], biases [S, 1, out]. */
interface StackedLayer {
  kernel: tf.Variable;
  bias: tf.Variable;
}

/**
 * The dense nets of S members with their weights stacked along a leading axis: per layer one
 * batched product for all members, and one optimizer update per stacked variable, so a step's
 * kernel calls do not grow with S. With oneDNN's BatchMatMul each member's product is the same
 * sgemm call a solo run makes, so the numbers equal `PerMemberProducts`' (a test holds them to
 * it); on plain wasm a batched product is slower than S separate ones (see PerMemberProducts).
 * The members' models are brought up to date by `syncModels`.
 */
export class StackedProducts implements MemberNets {
  private readonly stacked: StackedLayer[];
  private readonly models: DenseWeights[][];

  constructor(
    readonly layers: readonly DenseLayerSpec[],
    models: readonly tfl.LayersModel[],
  ) {
    this.models = models.map((model) => denseWeightsOf(layers, model));
    this.stacked = layers.map((spec, l) =>
      tf.tidy(() => ({
        kernel: tf.variable(tf.stack(this.models.map((layers) => layers[l]!.kernel))),
        bias: tf.variable(tf.stack(this.models.map((layers) => tf.reshape(layers[l]!.bias, [1, spec.units])))),
      })),
    );
  }

  get count(): number {
    return this.models.length;
  }

  get variables(): tf.Variable[] {
    return this.stacked.flatMap(({ kernel, bias }) => [kernel, bias]);
  }

  forward(xs: readonly tf.Tensor[], dropoutStreams?: readonly SeededMathRandom[]): tf.Tensor2D {
    const rows = xs[0]!.shape[0]!;
    // One input for all (evaluation) is used by every member's product without being copied S times.
    const shared = xs.length === 1 && this.count > 1;
    let h: tf.Tensor3D = shared ? (tf.reshape(xs[0]!, [1, rows, -1]) as tf.Tensor3D) : (tf.stack(xs.map((x) => tf.reshape(x, [rows, -1]))) as tf.Tensor3D);
    this.layers.forEach((spec, l) => {
      const { kernel, bias } = this.stacked[l]!;
      h =
        spec.activation === 'tanh'
          ? (tf.tanh(tf.add(tf.matMul(h, kernel), bias)) as tf.Tensor3D)
          : (tf.fused.matMul({ a: h, b: kernel, bias, activation: spec.activation }) as tf.Tensor3D);
      if (spec.dropout > 0 && dropoutStreams) h = tf.mul(h, dropoutMultiplier([this.count, rows, spec.units], spec.dropout, dropoutStreams));
    });
    return tf.reshape(h, [-1, h.shape[2]]) as tf.Tensor2D;
  }

  penalty(): tf.Scalar | undefined {
    const terms = this.layers.flatMap((spec, l) => (spec.l2 > 0 ? [tf.sum(tf.mul(spec.l2, tf.square(this.stacked[l]!.kernel)))] : []));
    return terms.length === 0 ? undefined : (tf.addN(terms) as tf.Scalar);
  }

  transformMember(grads: tf.NamedTensorMap, m: number, transform: (own: tf.NamedTensorMap) => tf.NamedTensorMap): tf.NamedTensorMap {
    const names = this.models[m]!.flatMap(({ kernel, bias }) => [kernel.name, bias.name]);
    const own = Object.fromEntries(this.variables.map((v, i) => [names[i]!, memberPart(grads[v.name]!, m, this.memberShape(i))]));
    const transformed = transform(own);
    const result = { ...grads };
    this.variables.forEach((v, i) => {
      result[v.name] = withMemberPart(grads[v.name]!, m, transformed[names[i]!]!);
      tf.dispose([grads[v.name]!, own[names[i]!]!, transformed[names[i]!]!]);
    });
    return result;
  }

  weightsOf(m: number): tf.Tensor[] {
    return this.variables.map((v, i) => memberPart(v, m, this.memberShape(i)));
  }

  assignWeights(m: number, weights: readonly tf.Tensor[]): void {
    this.variables.forEach((v, i) => {
      const updated = withMemberPart(v, m, weights[i]!);
      v.assign(updated);
      updated.dispose();
    });
  }

  syncModels(): void {
    this.variables.forEach((v, i) => {
      const values = v.dataSync() as Float32Array;
      const size = v.size / this.count;
      this.models.forEach((layers, m) => {
        const own = i % 2 === 0 ? layers[i >> 1]!.kernel : layers[i >> 1]!.bias;
        tf.tidy(() => own.assign(tf.tensor(values.subarray(m * size, (m + 1) * size), own.shape, 'float32')));
      });
    });
  }

  toMemberSlots(state: OptimizerState): OptimizerState {
    const perVariable = this.variables.length;
    const slots: OptimizerState['slots'] = {};
    for (const [key, { values }] of Object.entries(state.slots)) {
      const [name, index] = splitKey(key);
      const size = values.length / this.count;
      for (let m = 0; m < this.count; m++) slots[`${name}/${m * perVariable + index}`] = { shape: this.memberShape(index), values: values.slice(m * size, (m + 1) * size) };
    }
    return { scalars: state.scalars, slots };
  }

  fromMemberSlots(state: OptimizerState): OptimizerState {
    const perVariable = this.variables.length;
    const slots: OptimizerState['slots'] = {};
    const names = new Set(Object.keys(state.slots).map((key) => splitKey(key)[0]));
    for (const name of names) {
      this.variables.forEach((v, index) => {
        const parts = Array.from({ length: this.count }, (_, m) => state.slots[`${name}/${m * perVariable + index}`]);
        if (parts.some((part) => part === undefined)) return; // left for the optimizer to name as missing
        const values = new Float32Array(v.size);
        parts.forEach((part, m) => values.set(part!.values, (m * v.size) / this.count));
        slots[`${name}/${index}`] = { shape: [...v.shape], values };
      });
    }
    return { scalars: state.scalars, slots };
  }

  /** The shape of a member's own variable for stacked variable `index` (a bias is [out], stacked [S, 1, out]). */
  private memberShape(index: number): number[] {
    const [kernel, bias] = [this.models[0]![index >> 1]!.kernel, this.models[0]![index >> 1]!.bias];
    return [...(index % 2 === 0 ? kernel : bias).shape];
  }

  dispose(): void {
    tf.dispose(this.variables);
  }
}

// Through the values, not tf.slice: the wasm backend's Slice of a [S, in, out] tensor takes ~100 ms.
/** Member m's part of a stacked tensor, as a new tensor of `shape`. */
function memberPart(stacked: tf.Tensor, m: number, shape: number[]): tf.Tensor {
  const size = stacked.size / stacked.shape[0]!;
  return tf.tensor((stacked.dataSync() as Float32Array).slice(m * size, (m + 1) * size), shape, 'float32');
}

/** A new stacked tensor equal to `stacked` with member m's part replaced by `part`. */
function withMemberPart(stacked: tf.Tensor, m: number, part: tf.Tensor): tf.Tensor {
  const values = (stacked.dataSync() as Float32Array).slice();
  values.set(part.dataSync() as Float32Array, (m * stacked.size) / stacked.shape[0]!);
  return tf.tensor(values, stacked.shape, 'float32');
}

const splitKey = (key: string): [string, number] => {
  const at = key.lastIndexOf('/');
  return [key.slice(0, at), Number(key.slice(at + 1))];
};
