import {
  backend_util,
  broadcastTo,
  div,
  registerGradient,
  reshape,
  scalar,
  util,
  type NamedAttrMap,
  type Tensor,
} from '@tensorflow/tfjs-core';

/**
 * tfjs-core's Sum and Mean gradients multiply by a full-size `ones()` built in JS on every call;
 * broadcasting dy does the same without the allocation and runs on the Tile kernel.
 */
function reductionGradient(kernelName: 'Sum' | 'Mean') {
  return {
    kernelName,
    inputsToSave: ['x'],
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
      const x = saved[0]!;
      const axes = util.parseAxisParam(attrs['axis'] as number | number[], x.shape);
      const keptShape = backend_util.expandShapeToKeepDim(backend_util.computeOutAndReduceShapes(x.shape, axes)[0], axes);
      const grad = reshape(dy as Tensor, keptShape);
      const reduceSize = util.sizeFromShape(axes.map((a) => x.shape[a]!));
      const scaled = kernelName === 'Mean' ? div(grad, scalar(reduceSize)) : grad;
      return { x: () => broadcastTo(scaled, x.shape) };
    },
  };
}

let registered = false;

/** Replaces tfjs-core's Sum and Mean gradients (on every backend: they are faster on cpu too). */
export function registerFastGradients(): string[] {
  const names = ['Sum', 'Mean'] as const;
  if (!registered) {
    for (const name of names) registerGradient(reductionGradient(name));
    registered = true;
  }
  return [...names];
}
