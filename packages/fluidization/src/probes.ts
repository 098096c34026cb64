import type { BubblePopulation } from './bubble-population.js';
import { STANDARD_GRAVITY } from './constants.js';
import { sphereVolumeBetween } from './geometry.js';

/** Time series at one measuring height. */
export interface ProbeSeries {
  /** Height of the slab centre / pressure tap above the distributor, m. */
  readonly height: number;
  /** Cross-section-averaged voidage of the slab (freeboard above the surface counts as voidage 1). */
  readonly voidage: Float64Array;
  /** Quasi-static pressure drop between this height and the bed surface, Pa. */
  readonly pressureDrop: Float64Array;
}

/** Fixed quantities of the measurement. */
export interface ProbeSetup {
  /** Slab thickness, m. */
  readonly thickness: number;
  /** Column cross-section A, m². */
  readonly area: number;
  /** 1 − ε_mf, solids fraction of the emulsion. */
  readonly solidsFraction: number;
  /** ρp − ρg, kg/m³. */
  readonly buoyantDensity: number;
  /** ρg, kg/m³. */
  readonly gasDensity: number;
}

/**
 * Voidage slabs and pressure taps, read from where the bubbles are. Bubbles are spheres placed on
 * the column axis and smeared over the cross-section; overlapping bubbles are not excluded, so the
 * emulsion volume of a slab is clipped at zero.
 */
export class Probes {
  readonly series: ProbeSeries[];
  private readonly inSlab: Float64Array;
  private readonly above: Float64Array;
  private readonly lowestSlabBottom: number;

  constructor(heights: readonly number[], steps: number, private readonly setup: ProbeSetup) {
    this.series = heights.map((height) => ({ height, voidage: new Float64Array(steps), pressureDrop: new Float64Array(steps) }));
    this.inSlab = new Float64Array(heights.length);
    this.above = new Float64Array(heights.length);
    this.lowestSlabBottom = Math.min(...heights) - setup.thickness / 2;
  }

  record(step: number, bubbles: BubblePopulation, bedHeight: number): void {
    const { thickness, area, solidsFraction, buoyantDensity, gasDensity } = this.setup;
    const half = thickness / 2;
    this.inSlab.fill(0);
    this.above.fill(0);
    for (let i = 0; i < bubbles.count; i++) {
      const z = bubbles.height[i]!;
      const r = bubbles.diameter[i]! / 2;
      // Most bubbles are the small young ones near the distributor, below every slab and tap.
      if (z + r <= this.lowestSlabBottom) continue;
      for (let p = 0; p < this.series.length; p++) {
        const h = this.series[p]!.height;
        this.inSlab[p]! += sphereVolumeBetween(z, r, h - half, Math.min(h + half, bedHeight));
        this.above[p]! += sphereVolumeBetween(z, r, h, bedHeight);
      }
    }
    for (let p = 0; p < this.series.length; p++) {
      const probe = this.series[p]!;
      const emulsionInSlab = Math.max(0, (Math.min(probe.height + half, bedHeight) - (probe.height - half)) * area - this.inSlab[p]!);
      probe.voidage[step] = 1 - (solidsFraction * emulsionInSlab) / (thickness * area);
      // p(z) − p(H) = g ∫ρ_suspension dz = g [(ρp − ρg)·(solids volume above z)/A + ρg (H − z)].
      const column = Math.max(0, bedHeight - probe.height);
      const solidsAbove = (solidsFraction * Math.max(0, column * area - this.above[p]!)) / area;
      probe.pressureDrop[step] = STANDARD_GRAVITY * (buoyantDensity * solidsAbove + gasDensity * column);
    }
  }
}
