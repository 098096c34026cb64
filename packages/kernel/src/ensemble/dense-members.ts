import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SeededMathRandom } from '@mgdl/random';
import type { DenseLayerSpec } from './architecture.js';
import { OwnModelVariables, type MemberNets } from './member-nets.js';

export interface DenseWeights {
  kernel: tf.Variable;
  bias: tf.Variable;
}

/** Each member's Dense layers' variables, read from its own model. */
export const denseWeightsOf = (layers: readonly DenseLayerSpec[], model: tfl.LayersModel): DenseWeights[] =>
  layers.map((spec) => {
    const [kernel, bias] = model.layers[spec.layerIndex]!.trainableWeights.map((w) => w.read() as tf.Variable);
    return { kernel: kernel!, bias: bias! };
  });

/**
 * The dense nets of S members, each member's Dense layers run by its own model's layers (their
 * `apply`), so its products are exactly the kernels its solo run takes — tfjs-layers' 2-D matMuls,
 * or a fused dense kernel where the layer is one (the zoo's FusedDense with oneDNN): on plain wasm a batched matMul over
 * [S, b, in] takes a slower path (about 10× slower than S separate XNNPACK products for the
 * cic-width FCNN) that also rounds differently from S = 1. What is shared is everything else:
 * dropout multipliers made for all members at once, the loss and per-sample statistics on all
 * members' rows together, and one optimizer call for all variables.
 */
export class PerMemberProducts extends OwnModelVariables implements MemberNets {
  private readonly weights: DenseWeights[][];
  /** [member][dense layer]: the members' own Dense layers. */
  private readonly denseLayers: tfl.layers.Layer[][];

  constructor(
    readonly layers: readonly DenseLayerSpec[],
    models: readonly tfl.LayersModel[],
  ) {
    super();
    this.weights = models.map((model) => denseWeightsOf(layers, model));
    this.denseLayers = models.map((model) => layers.map((spec) => model.layers[spec.layerIndex]!));
  }

  get count(): number {
    return this.weights.length;
  }

  get variables(): tf.Variable[] {
    return this.weights.flatMap((_, m) => this.variablesOf(m));
  }

  forward(xs: readonly tf.Tensor[], dropoutStreams?: readonly SeededMathRandom[]): tf.Tensor2D {
    // One input for all (evaluation): every member computes on it.
    const inputs = xs.length === 1 ? new Array<tf.Tensor>(this.count).fill(xs[0]!) : xs;
    let hs = inputs.map((x) => tf.reshape(x, [x.shape[0]!, -1]) as tf.Tensor2D);
    this.layers.forEach((spec, l) => {
      hs = hs.map((h, m) => this.denseLayers[m]![l]!.apply(h) as tf.Tensor2D);
      if (spec.dropout > 0 && dropoutStreams) {
        const multipliers = tf.unstack(dropoutMultiplier([hs.length, ...(hs[0]!.shape as [number, number])], spec.dropout, dropoutStreams));
        hs = hs.map((h, m) => tf.mul(h, multipliers[m]!));
      }
    });
    return tf.concat(hs) as tf.Tensor2D;
  }

  penalty(): tf.Scalar | undefined {
    const terms = this.weights.flatMap((layers) => this.layers.flatMap((spec, l) => (spec.l2 > 0 ? [tf.sum(tf.mul(spec.l2, tf.square(layers[l]!.kernel)))] : [])));
    return terms.length === 0 ? undefined : (tf.addN(terms) as tf.Scalar);
  }

  transformMember(grads: tf.NamedTensorMap, m: number, transform: (own: tf.NamedTensorMap) => tf.NamedTensorMap): tf.NamedTensorMap {
    const own = Object.fromEntries(this.variablesOf(m).map((v) => [v.name, grads[v.name]!]));
    return { ...grads, ...transform(own) };
  }

  weightsOf(m: number): tf.Tensor[] {
    return this.variablesOf(m).map((v) => tf.clone(v));
  }

  assignWeights(m: number, weights: readonly tf.Tensor[]): void {
    this.variablesOf(m).forEach((v, i) => v.assign(weights[i]!));
  }

  private variablesOf(member: number): tf.Variable[] {
    return this.weights[member]!.flatMap(({ kernel, bias }) => [kernel, bias]);
  }
}

/**
 * tf.dropout's multiplier ⌊u + keep⌋ / keep for every member, u drawn as tf.dropout draws it
 * (tf.randomUniform seeded by one Math.random() value), but from each member's own stream.
 */
export function dropoutMultiplier([members, rows, units]: [number, number, number], rate: number, streams: readonly SeededMathRandom[]): tf.Tensor3D {
  const keep = 1 - rate;
  const uniform = tf.stack(Array.from({ length: members }, (_, m) => tf.randomUniform([rows, units], 0, 1, 'float32', streams[m]!.next())));
  return tf.div(tf.floor(tf.add(uniform, keep)), keep);
}
