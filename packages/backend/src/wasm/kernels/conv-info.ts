import { backend_util, type NamedAttrMap } from '@tensorflow/tfjs-core';

type Pad = 'valid' | 'same' | number | backend_util.ExplicitPadding;

/** Conv geometry from a backprop kernel's attrs; tfjs omits `dilations` there, meaning 1. */
export function convInfoFromAttrs(
  kernelName: string,
  inShape: number[],
  filterShape: number[],
  attrs: NamedAttrMap,
  depthwise = false,
): backend_util.Conv2DInfo {
  const format = backend_util.convertConv2DDataFormat((attrs['dataFormat'] as 'NHWC' | 'NCHW') ?? 'NHWC');
  if (format !== 'channelsLast') {
    throw new Error(`mgdl wasm ${kernelName}: dataFormat '${String(attrs['dataFormat'])}' is not supported; use NHWC (channelsLast)`);
  }
  return backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs['strides'] as number | [number, number],
    (attrs['dilations'] as number | [number, number] | undefined) ?? 1,
    attrs['pad'] as Pad,
    attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
  );
}
