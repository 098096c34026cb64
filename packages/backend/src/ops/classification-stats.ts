import type { TensorInfo } from '@tensorflow/tfjs-core';
import { jsKernelRegistrar, kernelIO, labelsOf, type KernelArgs } from './kernel-io.js';

/**
 * A classification batch's per-sample statistics in one kernel, as the rows of one [5, batch]
 * float32 tensor: the loss (copied from input `loss`), correctness (argmax = label: 1 or 0), margin
 * (gold logit − best other logit), p(gold) = exp(−loss) and EL2N (‖softmax − onehot‖₂). tfjs's ops
 * take ~25 kernel calls for the same rows (argMax, casts, oneHot, where, max, softmax, …). No
 * gradient: the rows are recorded, not trained on. @mgdl/kernel's per-sample rows call it by this
 * name when the backend has it. Inputs: logits [batch, classes] float32, labels [batch] (int32 or
 * float32 class indices), loss [batch]. A label outside [0, classes) has no gold logit, as tfjs's
 * oneHot gives: gold 0, never correct, EL2N against all zeros.
 */
export const CLASSIFICATION_STATS = 'MgdlClassificationStats';


function classificationStats({ inputs, backend }: KernelArgs): TensorInfo {
  const logits = inputs['logits']!;
  const [batch, classes] = logits.shape as [number, number];
  const io = kernelIO(backend);
  const { infos, data } = io.alloc([[5, batch]]);
  const labels = labelsOf(backend, inputs['labels']!);
  const z = io.read(logits);
  const loss = io.read(inputs['loss']!);
  const [rows] = data() as [Float32Array];
  const f = Math.fround;
  // A row's exp(z − best), computed once for the sum and the squares (exp was most of the kernel's time).
  const exps = new Float64Array(classes);
  for (let b = 0; b < batch; b++) {
    const from = b * classes;
    const label = Math.trunc(labels[b]!);
    const hasGold = label >= 0 && label < classes;
    // argmax's first maximum, the best logit other than the gold one, and the softmax's sum.
    let best = -Infinity;
    let bestAt = -1;
    let other = -Infinity;
    for (let c = 0; c < classes; c++) {
      const v = z[from + c]!;
      if (v > best || bestAt < 0) {
        best = v;
        bestAt = c;
      }
      if (c !== label && v > other) other = v;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += exps[c] = Math.exp(z[from + c]! - best);
    let squares = 0;
    for (let c = 0; c < classes; c++) {
      const diff = exps[c]! / sum - (c === label ? 1 : 0);
      squares += diff * diff;
    }
    rows[b] = loss[b]!;
    rows[batch + b] = hasGold && bestAt === label ? 1 : 0;
    rows[2 * batch + b] = f((hasGold ? z[from + label]! : 0) - other);
    rows[3 * batch + b] = Math.exp(-loss[b]!);
    rows[4 * batch + b] = Math.sqrt(squares);
  }
  return infos[0]!;
}

/** Registers the kernel on wasm and cpu (the backends whose memory JS can touch). */
export const registerClassificationStatsKernel = jsKernelRegistrar({ [CLASSIFICATION_STATS]: classificationStats });
