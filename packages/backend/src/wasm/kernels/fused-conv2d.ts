import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { runShipped, type MgdlKernel } from '../wasm-kernel.js';
import { simdKernels } from '../simd/module.js';
import { conv2DSimd } from './conv-simd.js';

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

/**
 * Forward convolutions (with or without bias, no activation) at stride 1 and dilation 1 on mgdl's
 * SIMD conv tile, which outruns XNNPACK here and runs on every backend thread; everything else
 * (strides, dilations, fused activations, < 4 output channels) goes to the shipped kernel.
 */
function convKernel(kernelName: 'Conv2D' | 'FusedConv2D'): MgdlKernel {
  return {
    kernelName,
    why: 'faster',
    kernelFunc: ({ inputs, attrs, backend }) => {
      const x = inputs['x'] as TensorInfo;
      const filter = inputs['filter'] as TensorInfo;
      const bias = inputs['bias'] as TensorInfo | undefined;
      const activation = (attrs['activation'] as string | undefined) ?? 'linear';
      const simd = x.dtype === 'float32' && activation === 'linear' && !inputs['preluActivationWeights'] ? simdKernels(backend) : undefined;
      const format = (attrs['dataFormat'] as string | undefined) ?? 'NHWC';
      if (simd && format === 'NHWC') {
        const info = backend_util.computeConv2DInfo(
          x.shape as [number, number, number, number],
          filter.shape as [number, number, number, number],
          attrs['strides'] as number | [number, number],
          (attrs['dilations'] as number | [number, number] | undefined) ?? 1,
          attrs['pad'] as Pad,
          attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
        );
        const unit = info.strideHeight === 1 && info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1;
        const { top, bottom, left, right } = info.padInfo;
        const y = unit && top >= 0 && left >= 0 ? conv2DSimd(simd, backend, x, filter, bias, [top, bottom, left, right]) : undefined;
        if (y) return y;
      }
      return runShipped(backend, kernelName, inputs, attrs);
    },
  };
}

export const conv2D = convKernel('Conv2D');
export const fusedConv2D = convKernel('FusedConv2D');
