import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { SeededMathRandom } from '@mgdl/random';
import { KernelError } from '../errors.js';
import { OwnModelVariables, type MemberNets } from './member-nets.js';

const trainableOf = (model: tfl.LayersModel): tf.Variable[] => model.trainableWeights.map((w) => w.read() as tf.Variable);

/**
 * Any net train() trains (convolutions, pooling, batch norm, dropout, embeddings), each member run
 * by its own model in a loop inside the one step: `model.apply` in training mode with Math.random
 * drawing from the member's own stream, exactly as train() runs it, so the member's dropout masks
 * and batch-norm running statistics are those of its solo run, bit for bit. What is shared: the
 * loss on all members' rows, one gradient call, one optimizer update and one download per step.
 * tfjs has no grouped convolution, so every member's ops are still dispatched on their own: the
 * per-op overhead grows with the members.
 */
export class PerMemberModels extends OwnModelVariables implements MemberNets {
  constructor(private readonly models: readonly tfl.LayersModel[]) {
    super();
  }

  get count(): number {
    return this.models.length;
  }

  get variables(): tf.Variable[] {
    return this.models.flatMap(trainableOf);
  }

  forward(xs: readonly tf.Tensor[], dropoutStreams?: readonly SeededMathRandom[]): tf.Tensor2D {
    const logits = this.models.map((model, m) => {
      // One input for all (evaluation): every member computes on it.
      const x = xs.length === 1 ? xs[0]! : xs[m]!;
      if (!dropoutStreams) return model.apply(x, { training: false }) as tf.Tensor;
      const stream = dropoutStreams[m]!;
      stream.install();
      try {
        return model.apply(x, { training: true }) as tf.Tensor;
      } finally {
        stream.uninstall();
      }
    });
    return tf.concat(logits) as tf.Tensor2D;
  }

  /** The layers' weight penalties, as train() adds them (each member's gradient gets exactly its own). */
  penalty(): tf.Scalar | undefined {
    const terms = this.models.flatMap((model) => model.layers.flatMap((layer) => layer.calculateLosses()));
    return terms.length === 0 ? undefined : (tf.addN(terms) as tf.Scalar);
  }

  transformMember(grads: tf.NamedTensorMap, m: number, transform: (own: tf.NamedTensorMap) => tf.NamedTensorMap): tf.NamedTensorMap {
    const own = Object.fromEntries(trainableOf(this.models[m]!).map((v) => [v.name, grads[v.name]!]));
    return { ...grads, ...transform(own) };
  }

  /** All of the member's weights, batch norm's running statistics included, as a train() checkpoint keeps them. */
  weightsOf(m: number): tf.Tensor[] {
    return this.models[m]!.weights.map((w) => tf.clone(w.read()));
  }

  assignWeights(m: number, weights: readonly tf.Tensor[]): void {
    this.models[m]!.weights.forEach((w, i) => w.write(weights[i]!));
  }

}

/** A model's layers as classes and configs without their names (which tfjs numbers per model built). */
const layersOf = (model: tfl.LayersModel): string =>
  JSON.stringify(
    model.layers.map((layer) => {
      const { name: _name, ...config } = layer.getConfig();
      return [layer.getClassName(), config];
    }),
  );

/** Every member's model must be member 0's architecture; names the first that is not. */
export function sameModels(models: readonly tfl.LayersModel[]): void {
  const first = layersOf(models[0]!);
  models.forEach((model, m) => {
    if (layersOf(model) !== first) {
      const classes = (of: tfl.LayersModel) => of.layers.map((layer) => layer.getClassName()).join(' → ');
      throw new KernelError(
        `trainEnsemble: member ${m}'s model (${classes(model)}) differs from member 0's (${classes(models[0]!)}) in its layers or their settings; ` +
          'an ensemble trains one architecture, so the model factory must build the same one on every call',
      );
    }
  });
}
