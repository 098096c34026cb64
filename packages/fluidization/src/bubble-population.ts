/**
 * The bubbles in the bed, stored as parallel typed arrays (structure of arrays) so a step over a
 * few thousand bubbles stays in cache and allocation-free. Order is not kept: removal moves the
 * last bubble into the hole, which is why callers remove while walking indices downwards.
 */
export class BubblePopulation {
  /** Centre height above the distributor, m. */
  height = new Float64Array(256);
  /** Size factor: this bubble's diameter over the correlation's mean diameter at its height. */
  sizeFactor = new Float64Array(256);
  /** Height at which it is absorbed by coalescence with a neighbour, m. */
  absorptionHeight = new Float64Array(256);
  /** Current diameter, m. */
  diameter = new Float64Array(256);
  count = 0;

  add(height: number, sizeFactor: number, absorptionHeight: number, diameter: number): void {
    if (this.count === this.height.length) this.grow();
    const i = this.count++;
    this.height[i] = height;
    this.sizeFactor[i] = sizeFactor;
    this.absorptionHeight[i] = absorptionHeight;
    this.diameter[i] = diameter;
  }

  remove(i: number): void {
    const last = --this.count;
    this.height[i] = this.height[last]!;
    this.sizeFactor[i] = this.sizeFactor[last]!;
    this.absorptionHeight[i] = this.absorptionHeight[last]!;
    this.diameter[i] = this.diameter[last]!;
  }

  private grow(): void {
    const widen = (a: Float64Array) => {
      const b = new Float64Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.height = widen(this.height);
    this.sizeFactor = widen(this.sizeFactor);
    this.absorptionHeight = widen(this.absorptionHeight);
    this.diameter = widen(this.diameter);
  }
}
