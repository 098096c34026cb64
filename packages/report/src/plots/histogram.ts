import type { TopLevelSpec } from 'vega-lite';
import { MEANING_COLOURS, PLOT_HEIGHT, PLOT_WIDTH, THEME } from './theme.js';

export interface GroupedValue {
  /** 'clean'/'noisy' when the run knows which labels are noisy, else 'all'. */
  group: 'clean' | 'noisy' | 'all';
  /** A number is binned; a string is a category with a bar of its own after the bins, labelled by it (e.g. 'never learned'). */
  value: number | string;
}

export interface HistogramInput {
  title: string;
  xTitle?: string;
  values: readonly GroupedValue[];
  /** Upper bound on the number of bins. */
  bins: number;
}

export interface Bin {
  label: string;
  low: number;
  high: number;
}

const short = (v: number) => Number(v.toPrecision(3)).toString();

/**
 * Bins chosen from the data: one bin per integer when every value is an integer and there are at
 * most `maxBins` of them (forgetting counts at smoke scale: 0, 1, 2…); otherwise Sturges' count
 * (⌈log₂ n⌉ + 1, at most `maxBins`) of equal widths over [min, max], the last closed.
 */
export function chooseBins(values: readonly number[], maxBins: number): Bin[] {
  if (values.length === 0) return [];
  const [min, max] = [Math.min(...values), Math.max(...values)];
  if (values.every(Number.isInteger) && max - min + 1 <= maxBins) {
    return Array.from({ length: max - min + 1 }, (_, i) => ({ label: String(min + i), low: min + i, high: min + i }));
  }
  if (min === max) return [{ label: short(min), low: min, high: max }];
  const count = Math.max(1, Math.min(maxBins, Math.ceil(Math.log2(values.length)) + 1));
  const width = (max - min) / count;
  return Array.from({ length: count }, (_, i) => {
    const [low, high] = [min + i * width, i === count - 1 ? max : min + (i + 1) * width];
    return { label: `${short(low)}–${short(high)}`, low, high };
  });
}

const binOf = (bins: readonly Bin[], value: number): number => {
  if (bins.length === 1 || bins[0]!.low === bins[0]!.high) return bins.findIndex((b) => value === b.low);
  const width = (bins.at(-1)!.high - bins[0]!.low) / bins.length;
  return Math.min(bins.length - 1, Math.floor((value - bins[0]!.low) / width));
};

/**
 * Histogram of the share of each group per bin, clean and noisy side by side (never over each
 * other): noisy samples are usually a small minority, and raw counts would flatten their bars.
 * A run without noise information has one group, 'all'. Shares are of every value of the group,
 * categories included.
 */
export function histogram(input: HistogramInput): TopLevelSpec {
  if (!Number.isInteger(input.bins) || input.bins < 1) {
    throw new RangeError(`bins must be a positive integer, got ${input.bins}`);
  }
  const bins = chooseBins(
    input.values.flatMap((v) => (typeof v.value === 'number' ? [v.value] : [])),
    input.bins,
  );
  const categories = [...new Set(input.values.flatMap((v) => (typeof v.value === 'string' ? [v.value] : [])))];
  const labels = [...bins.map((b) => b.label), ...categories];
  const groups = (['clean', 'noisy', 'all'] as const).filter((g) => input.values.some((v) => v.group === g));
  const rows = groups.flatMap((group) => {
    const own = input.values.filter((v) => v.group === group);
    const counts = new Array<number>(labels.length).fill(0);
    for (const v of own) counts[typeof v.value === 'number' ? binOf(bins, v.value) : bins.length + categories.indexOf(v.value)]!++;
    // Empty bins keep their place on the axis (its domain lists every bin) but draw nothing.
    return labels.map((label, i) => ({ bin: label, group, count: counts[i]!, share: counts[i]! / own.length })).filter((row) => row.count > 0);
  });
  const several = groups.length > 1;
  return {
    config: THEME,
    title: input.title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    data: { values: rows },
    mark: { type: 'bar', tooltip: false },
    encoding: {
      x: { field: 'bin', type: 'ordinal', scale: { domain: labels }, title: input.xTitle ?? 'Forgetting events (count)', axis: { labelAngle: 0 } },
      ...(several ? { xOffset: { field: 'group', type: 'nominal', scale: { domain: [...groups] } } } : {}),
      y: { field: 'share', type: 'quantitative', title: several ? 'Share of group' : 'Share of samples', axis: { format: '%' } },
      color: {
        field: 'group',
        type: 'nominal',
        title: 'Labels',
        scale: { domain: [...groups], range: groups.map((g) => MEANING_COLOURS[g]) },
        ...(several ? {} : { legend: null }),
      },
    },
  };
}
