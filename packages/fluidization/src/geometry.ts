/**
 * Volume of the part of a sphere (centre height c, radius r) between the horizontal planes z = a and
 * z = b (a ≤ b), m³: ∫ π (r² − t²) dt over t = z − c clipped to [−r, r]. Used to share a bubble's
 * volume out between measuring slabs and to the parts of the bed above a pressure tap.
 */
export function sphereVolumeBetween(center: number, radius: number, a: number, b: number): number {
  const t1 = Math.max(a - center, -radius);
  const t2 = Math.min(b - center, radius);
  if (t2 <= t1) return 0;
  const r2 = radius * radius;
  return Math.PI * (r2 * (t2 - t1) - (t2 * t2 * t2 - t1 * t1 * t1) / 3);
}
