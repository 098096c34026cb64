import type { RandomStream } from '@mgdl/random';
import { BubblePopulation } from './bubble-population.js';
import { bubbleRiseVelocity } from './bubbles.js';

const sphereVolume = (d: number) => (Math.PI / 6) * d * d * d;

/** What {@link BubbleColumn} needs to know about the bed and the bubbles' growth. */
export interface BubbleColumnSetup {
  /** U − U_mf, m/s. */
  readonly excessVelocity: number;
  /** Column cross-section A, m². */
  readonly area: number;
  /** H_mf, m. */
  readonly heightMf: number;
  /** k of Darton's mean diameter d̄(h) = k (h + h0)^0.8, m^0.2. */
  readonly growthCoefficient: number;
  /** h0, the virtual origin of bubble growth below the distributor, m (> 0). */
  readonly origin: number;
  /** σ of ln(d/d̄) at birth. */
  readonly sizeSpread: number;
  readonly random: RandomStream;
}

/**
 * The bubbles of a bubbling bed advanced in time — births, rise, growth, coalescence, eruption — and
 * the bed height they imply. See {@link simulateBubblingBed} for the model.
 */
export class BubbleColumn {
  readonly bubbles = new BubblePopulation();
  readonly counts = { born: 0, absorbed: 0, erupted: 0 };
  /** λ, bubbles born per second: the bubble-gas flow (U − U_mf)·A over the mean newborn volume. */
  readonly birthRate: number;
  /** Diameter of a mean newborn bubble, d̄(0), m. */
  readonly birthDiameter: number;
  /** Total bubble volume in the bed, m³. */
  bubbleVolume = 0;
  /** H = H_mf + (bubble volume)/A, m. */
  bedHeight: number;
  /** Simulated time, s. */
  now = 0;
  private nextBirth: number;
  private readonly candidates: number[] = [];
  private readonly erupting: number[] = [];

  constructor(private readonly setup: BubbleColumnSetup) {
    this.birthDiameter = this.meanDiameter(0);
    this.birthRate = (setup.excessVelocity * setup.area) / sphereVolume(this.birthDiameter);
    this.bedHeight = setup.heightMf;
    this.nextBirth = setup.random.exponential() / this.birthRate;
  }

  /** Darton's d̄(h), via exp/log: V8's Math.pow is several times slower and this runs per bubble per step. */
  meanDiameter(h: number): number {
    return this.setup.growthCoefficient * Math.exp(0.8 * Math.log(h + this.setup.origin));
  }

  /** Rise velocity in the bed, u_b = U − U_mf + 0.711 √(g d) (Davidson & Harrison 1963), m/s. */
  private velocity(d: number): number {
    return this.setup.excessVelocity + bubbleRiseVelocity(d);
  }

  advance(dt: number): void {
    const end = this.now + dt;
    // Euler step with the diameter at the start of the step; births below may reallocate the arrays.
    const { height, diameter } = this.bubbles;
    for (let i = 0; i < this.bubbles.count; i++) height[i]! += this.velocity(diameter[i]!) * dt;
    this.bear(end);
    this.now = end;
    this.growOrAbsorb();
    this.erupt();
    this.bedHeight = this.setup.heightMf + this.bubbleVolume / this.setup.area;
  }

  /** Poisson births in (now, end], each placed where it has risen to by `end`. */
  private bear(end: number): void {
    const { random, sizeSpread: sigma, origin } = this.setup;
    while (this.nextBirth < end) {
      // ln s ~ N(−1.5σ², σ²) makes E[s³] = 1: the mean bubble volume is the correlation's.
      const size = Math.exp(-1.5 * sigma * sigma + sigma * random.normal());
      const d = size * this.birthDiameter;
      // Survival to h is (d̄(0)/d̄(h))³ = (h0/(h + h0))^2.4, so a uniform draw u is absorbed at
      // h0 (u^(−1/2.4) − 1): on average the survivors carry the bubble gas of those absorbed.
      const absorption = origin * (Math.exp(-Math.log(random.uniform()) / 2.4) - 1);
      this.bubbles.add(this.velocity(d) * (end - this.nextBirth), size, absorption, d);
      this.counts.born++;
      this.nextBirth += random.exponential() / this.birthRate;
    }
  }

  /** Drops the bubbles that reached their absorption height; sizes the rest and sums their volume. */
  private growOrAbsorb(): void {
    const b = this.bubbles;
    this.bubbleVolume = 0;
    for (let i = b.count - 1; i >= 0; i--) {
      if (b.height[i]! >= b.absorptionHeight[i]!) {
        b.remove(i);
        this.counts.absorbed++;
        continue;
      }
      const d = b.sizeFactor[i]! * this.meanDiameter(b.height[i]!);
      b.diameter[i] = d;
      this.bubbleVolume += sphereVolume(d);
    }
  }

  /**
   * A bubble breaks the surface once no emulsion is left above it: once the emulsion height below its
   * centre, ζ = z − (volume of the bubbles below it)/A, reaches H_mf — the emulsion-conservation
   * condition that fixes H in the two-phase theory. Measured in ζ rather than against H(t), a large
   * bubble does not chase the bulge its own volume makes. ζ ≤ z, so only bubbles above H_mf qualify,
   * and the volume below one of them is the total less itself and the candidates above it.
   */
  private erupt(): void {
    const { heightMf, area } = this.setup;
    const b = this.bubbles;
    const candidates = this.candidates;
    candidates.length = 0;
    for (let i = 0; i < b.count; i++) if (b.height[i]! >= heightMf) candidates.push(i);
    candidates.sort((i, j) => b.height[j]! - b.height[i]!);
    const erupting = this.erupting;
    erupting.length = 0;
    let aboveVolume = 0;
    for (const i of candidates) {
      const own = sphereVolume(b.diameter[i]!);
      if (b.height[i]! - (this.bubbleVolume - aboveVolume - own) / area >= heightMf) erupting.push(i);
      aboveVolume += own;
    }
    // Swap-removal moves the last bubble into the hole, so remove from the highest index down.
    erupting.sort((i, j) => j - i);
    for (const i of erupting) {
      this.bubbleVolume -= sphereVolume(b.diameter[i]!);
      b.remove(i);
      this.counts.erupted++;
    }
  }
}
