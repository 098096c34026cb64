import * as tf from '@tensorflow/tfjs-core';
// Imported for its side effect too: loading tfjs-layers registers its Dense class (read below).
import '@tensorflow/tfjs-layers';
import type * as tfl from '@tensorflow/tfjs-layers';
import { canRunDense, dense } from '@mgdl/backend';

type DenseArgs = Parameters<typeof tfl.layers.dense>[0];
type DenseLayer = ReturnType<typeof tfl.layers.dense>;

/** tfjs-layers exports its Dense class only through the factory; loading it registered the class for deserialization. */
const TfjsDense = tf.serialization.SerializationMap.getMap().classNameMap['Dense']?.[0] as unknown as new (args: DenseArgs) => DenseLayer;
if (!TfjsDense) throw new Error('@mgdl/models: tfjs-layers registered no Dense class; is @tensorflow/tfjs-layers installed with the same @tensorflow/tfjs-core as @mgdl/models?');

/**
 * tfjs-layers' Dense, run as @mgdl/backend's fused dense layer (one kernel forward, one or two
 * backward) where the backend has it (wasm with oneDNN); everywhere else, and for inputs of rank
 * other than 2, exactly tfjs's Dense. Same class name, so layer names, weights and saved models
 * are those of `tfl.layers.dense` (a saved model loads back as tfjs's Dense).
 */
export class FusedDense extends TfjsDense {
  static className = 'Dense';
  /** 'relu', 'tanh', 'linear', … as the layer's config names it. */
  private readonly activationName: string;

  constructor(args: DenseArgs) {
    super(args);
    this.activationName = String(this.getConfig()['activation']);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    const activation = this.activationName;
    if (!canRunDense(x, activation)) return super.call(inputs, kwargs);
    this.invokeCallHook(inputs, kwargs);
    const [kernel, bias] = this.weights.map((w) => w.read());
    return dense(x as tf.Tensor2D, kernel as tf.Tensor2D, bias as tf.Tensor1D | undefined, activation);
  }
}

/** `tfl.layers.dense`, fused where the backend can (see FusedDense). */
export const denseLayer = (args: DenseArgs): FusedDense => new FusedDense(args);
