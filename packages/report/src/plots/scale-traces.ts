import type { TopLevelSpec } from 'vega-lite';
import { MEANING_COLOURS, numberAxis, PLOT_HEIGHT, PLOT_WIDTH, THEME } from './theme.js';

export type Scale = 'element' | 'meso' | 'system';

export interface Trace {
  label: string;
  epoch: readonly number[];
  value: readonly number[];
}

/** Where a scale's M/F came to rest, and how far it still swings around that value. */
export interface Settled {
  scale: Scale;
  value: number;
  amplitude: number;
}

export interface ScaleTracesInput {
  title?: string;
  yTitle?: string;
  element: readonly Trace[];
  meso: readonly Trace[];
  system: readonly Trace[];
  settled?: readonly Settled[];
}

const SCALES: readonly Scale[] = ['element', 'meso', 'system'];
// Fixed domain so a scale keeps its colour whether or not the other scales are present.
const scaleColour = {
  field: 'scale',
  type: 'nominal' as const,
  title: 'Scale',
  scale: { domain: [...SCALES], range: SCALES.map((s) => MEANING_COLOURS[s]) },
  // The first layer (the faint band) would otherwise set the legend's swatch.
  legend: { symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1 },
};

// Many element traces would bury the single system trace; thin them and fade them. Set per
// layer rather than encoded, so that the colour legend stays the only legend.
const LINE_STYLE: Record<Scale, { strokeWidth: number; opacity: number }> = {
  element: { strokeWidth: 1, opacity: 0.45 },
  meso: { strokeWidth: 1.75, opacity: 0.8 },
  system: { strokeWidth: 2.5, opacity: 1 },
};

function traceRows(scale: Scale, traces: readonly Trace[]): Record<string, string | number>[] {
  return traces.flatMap((trace) => {
    if (trace.epoch.length !== trace.value.length) {
      const { length } = trace.epoch;
      throw new RangeError(`trace ${scale}/${trace.label}: ${length} epochs but ${trace.value.length} values`);
    }
    return trace.epoch.map((epoch, i) => ({ scale, trace: trace.label, epoch, value: trace.value[i]! }));
  });
}

/** M/F per scale over epochs, one colour per scale, with settled values as rules inside their fluctuation bands. */
export function scaleTraces(input: ScaleTracesInput): TopLevelSpec {
  const settled = (input.settled ?? []).map((s) => ({
    ...s,
    low: s.value - s.amplitude,
    high: s.value + s.amplitude,
  }));
  const y = { type: 'quantitative' as const, title: input.yTitle ?? 'M/F (dimensionless)', scale: { zero: false } };
  const settledLayers = settled.length === 0 ? [] : [
    {
      data: { values: settled },
      // A rect with only y/y2 spans the full width: the band is horizontal across all epochs.
      mark: { type: 'rect' as const, opacity: 0.15 },
      encoding: { y: { ...y, field: 'low' }, y2: { field: 'high' }, color: scaleColour },
    },
    {
      data: { values: settled },
      mark: { type: 'rule' as const, strokeDash: [6, 4], strokeWidth: 1.5 },
      encoding: { y: { ...y, field: 'value' }, color: scaleColour },
    },
  ];
  return {
    config: THEME,
    title: input.title ?? 'M/F across scales',
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    layer: [
      ...settledLayers,
      ...SCALES.filter((scale) => input[scale].length > 0).map((scale) => ({
        data: { values: traceRows(scale, input[scale]) },
        mark: { type: 'line' as const, ...LINE_STYLE[scale] },
        encoding: {
          x: { field: 'epoch', type: 'quantitative' as const, title: 'Epoch', ...numberAxis(traceRows(scale, input[scale]), 'epoch') },
          y: { ...y, field: 'value' },
          color: scaleColour,
          detail: { field: 'trace', type: 'nominal' as const },
        },
      })),
    ],
  };
}
