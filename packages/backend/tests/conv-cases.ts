/** Random and hand-picked 2-D convolution geometries, and brute-force backprop references. */
import * as tf from '@tensorflow/tfjs-core';
import { explicitPad, padName, type Pad, type Random, type Shape4 } from './support.js';

export interface ConvCase {
  xShape: Shape4;
  /** [fh, fw, inC, outC] for conv2d; [fh, fw, inC, multiplier] for depthwise. */
  filterShape: Shape4;
  dyShape: Shape4;
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
  padTop: number;
  padLeft: number;
  depthwise: boolean;
}

export function convCase(
  xShape: Shape4,
  filterShape: Shape4,
  strides: [number, number],
  pad: Pad,
  dilations: [number, number] = [1, 1],
  depthwise = false,
): ConvCase {
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, undefined, depthwise);
  return {
    xShape,
    filterShape,
    dyShape: [info.batchSize, info.outHeight, info.outWidth, info.outChannels],
    strides,
    dilations,
    pad,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
    depthwise,
  };
}

export const describeConv = (c: ConvCase): string =>
  `x[${c.xShape}] w[${c.filterShape}] dy[${c.dyShape}] s[${c.strides}] d[${c.dilations}] pad ${padName(c.pad)}`;

export interface RandomConvOptions {
  depthwise?: boolean;
  /** Dilation rate; strides are 1 whenever it is above 1 (tfjs's rule). */
  dilation?: number;
  maxChannels?: number;
}

/** Input sizes leave up to 5 rows/columns beyond the smallest valid input, so strides often skip some. */
export function randomConvCase(rng: Random, options: RandomConvOptions = {}): ConvCase {
  const { depthwise = false, dilation = 1, maxChannels = 5 } = options;
  const fh = rng.int(1, 5);
  const fw = rng.int(1, 5);
  const dilations: [number, number] = [dilation, dilation];
  const strides: [number, number] =
    dilation > 1
      ? [1, 1]
      : rng.pick<[number, number]>([
          [1, 1],
          [2, 2],
          [1, 2],
          [2, 1],
        ]);
  const kind = rng.pick(['same', 'valid', 'explicit'] as const);
  const spanH = (fh - 1) * dilation + 1;
  const spanW = (fw - 1) * dilation + 1;
  let pad: Pad = kind === 'explicit' ? 'valid' : kind;
  let minH = kind === 'same' ? 1 : spanH;
  let minW = kind === 'same' ? 1 : spanW;
  if (kind === 'explicit') {
    const [t, b, l, r] = [rng.int(0, 3), rng.int(0, 3), rng.int(0, 3), rng.int(0, 3)];
    pad = explicitPad(t, b, l, r);
    minH = Math.max(1, spanH - t - b);
    minW = Math.max(1, spanW - l - r);
  }
  const inC = rng.int(1, maxChannels);
  const last = depthwise ? rng.int(1, 2) : rng.int(1, maxChannels);
  const xShape: Shape4 = [rng.int(1, 4), minH + rng.int(0, 5), minW + rng.int(0, 5), inC];
  return convCase(xShape, [fh, fw, inC, last], strides, pad, dilations, depthwise);
}

/** Conv2D geometries chosen for their edges: unused input rows, even filters under 'same', big explicit pads. */
export const edgeConvCases: readonly ConvCase[] = [
  convCase([1, 6, 6, 1], [3, 3, 1, 1], [2, 2], 'valid'),
  convCase([2, 7, 5, 2], [2, 2, 2, 3], [2, 2], 'valid'),
  convCase([1, 5, 5, 3], [1, 1, 3, 2], [2, 2], 'same'),
  convCase([1, 5, 5, 3], [1, 1, 3, 2], [2, 2], 'valid'),
  convCase([1, 4, 6, 2], [5, 5, 2, 2], [2, 2], 'same'),
  convCase([2, 8, 8, 3], [4, 4, 3, 2], [2, 1], 'same'),
  convCase([3, 6, 7, 2], [3, 2, 2, 4], [1, 2], explicitPad(1, 2, 0, 3)),
  convCase([1, 5, 5, 1], [2, 2, 1, 1], [1, 1], explicitPad(3, 3, 2, 0)),
  convCase([2, 3, 4, 2], [1, 3, 2, 1], [2, 2], explicitPad(3, 0, 0, 3)),
  convCase([4, 1, 1, 5], [1, 1, 5, 5], [1, 1], 'same'),
  convCase([1, 9, 9, 1], [5, 5, 1, 1], [2, 2], 'valid'),
];

/**
 * dW[r,c,i,o] = Σ x[n, y·sh + r·dh − top, x·sw + c·dw − left, i] · dy[n,y,x,o] (conv2d), or the
 * per-channel form (depthwise: o = i·m + q, dW[r,c,i,q]). Float64 accumulation.
 */
export function referenceBackpropFilter(c: ConvCase, x: Float32Array, dy: Float32Array): Float64Array {
  const [n, h, w, inC] = c.xShape;
  const [fh, fw, , last] = c.filterShape;
  const [, oh, ow, outC] = c.dyShape;
  const dW = new Float64Array(fh * fw * inC * last);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        for (let r = 0; r < fh; r++) {
          const iy = y * c.strides[0] + r * c.dilations[0] - c.padTop;
          if (iy < 0 || iy >= h) continue;
          for (let col = 0; col < fw; col++) {
            const ix = xo * c.strides[1] + col * c.dilations[1] - c.padLeft;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((b * h + iy) * w + ix) * inC;
            const dyBase = ((b * oh + y) * ow + xo) * outC;
            const wBase = (r * fw + col) * inC * last;
            forEachPair(c, inC, last, (i, o, wOff) => {
              dW[wBase + wOff] = (dW[wBase + wOff] as number) + (x[xBase + i] as number) * (dy[dyBase + o] as number);
            });
          }
        }
      }
    }
  }
  return dW;
}

/** dX[n, y·sh + r·dh − top, x·sw + c·dw − left, i] += W[r,c,i,o] · dy[n,y,x,o]. */
export function referenceBackpropInput(c: ConvCase, dy: Float32Array, filter: Float32Array): Float64Array {
  const [n, h, w, inC] = c.xShape;
  const [fh, fw, , last] = c.filterShape;
  const [, oh, ow, outC] = c.dyShape;
  const dX = new Float64Array(n * h * w * inC);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      for (let xo = 0; xo < ow; xo++) {
        for (let r = 0; r < fh; r++) {
          const iy = y * c.strides[0] + r * c.dilations[0] - c.padTop;
          if (iy < 0 || iy >= h) continue;
          for (let col = 0; col < fw; col++) {
            const ix = xo * c.strides[1] + col * c.dilations[1] - c.padLeft;
            if (ix < 0 || ix >= w) continue;
            const xBase = ((b * h + iy) * w + ix) * inC;
            const dyBase = ((b * oh + y) * ow + xo) * outC;
            const wBase = (r * fw + col) * inC * last;
            forEachPair(c, inC, last, (i, o, wOff) => {
              dX[xBase + i] = (dX[xBase + i] as number) + (filter[wBase + wOff] as number) * (dy[dyBase + o] as number);
            });
          }
        }
      }
    }
  }
  return dX;
}

/** (input channel, dy channel, offset within one filter tap) for every weight of a tap. */
function forEachPair(
  c: ConvCase,
  inC: number,
  last: number,
  visit: (i: number, o: number, wOff: number) => void,
): void {
  for (let i = 0; i < inC; i++) {
    for (let q = 0; q < last; q++) visit(i, c.depthwise ? i * last + q : q, i * last + q);
  }
}
