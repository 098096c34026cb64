import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { batchNormTraining } from '@mgdl/backend';

export interface BatchNormArgs {
  /** Weight of the previous running statistics, PyTorch style: running = (1−m)·running + m·batch. */
  momentum?: number;
  epsilon?: number;
  name?: string;
}

/**
 * Batch normalisation over the channel (last) axis with PyTorch semantics: running variance uses
 * the unbiased batch variance, momentum 0.1. In training it runs mgdl's fused kernel (one pass
 * forward, one closed-form backward) instead of tfjs-layers' op-by-op graph.
 */
export class BatchNorm extends tfl.layers.Layer {
  static className = 'MgdlBatchNorm';
  private readonly momentum: number;
  private readonly epsilon: number;
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;
  private runningMean!: tfl.LayerVariable;
  private runningVariance!: tfl.LayerVariable;

  constructor({ momentum = 0.1, epsilon = 1e-5, name }: BatchNormArgs = {}) {
    super(name ? { name } : {});
    this.momentum = momentum;
    this.epsilon = epsilon;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1];
    if (typeof channels !== 'number') throw new Error(`${this.name}: the channel (last) axis must be known`);
    this.gamma = this.addWeight('gamma', [channels], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tfl.initializers.zeros());
    this.runningMean = this.addWeight('running_mean', [channels], 'float32', tfl.initializers.zeros(), undefined, false);
    this.runningVariance = this.addWeight('running_var', [channels], 'float32', tfl.initializers.ones(), undefined, false);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const gamma = this.gamma.read() as tf.Tensor1D;
    const beta = this.beta.read() as tf.Tensor1D;
    if (!kwargs['training']) {
      return tf.batchNorm(x, this.runningMean.read(), this.runningVariance.read(), beta, gamma, this.epsilon);
    }
    const { y, mean, variance } = batchNormTraining(x, gamma, beta, this.epsilon);
    const count = x.size / x.shape[x.shape.length - 1]!;
    tf.tidy(() => {
      const m = this.momentum;
      const unbiased = tf.mul(variance, count / Math.max(1, count - 1));
      this.runningMean.write(tf.add(tf.mul(this.runningMean.read(), 1 - m), tf.mul(mean, m)));
      this.runningVariance.write(tf.add(tf.mul(this.runningVariance.read(), 1 - m), tf.mul(unbiased, m)));
    });
    mean.dispose();
    variance.dispose();
    return y;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(BatchNorm);
