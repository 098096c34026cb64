import { STANDARD_GRAVITY } from './constants.js';
import type { Bed } from './properties.js';
import { requireAbove, requireNonNegative, requirePositive } from './validate.js';

const BUBBLING = 'bubbling requires U > U_mf';

function requireExcessVelocity(excessVelocity: number): void {
  requirePositive('excessVelocity', excessVelocity, 'm/s');
}

/**
 * Bubble (volume-equivalent) diameter at height h above the distributor, m, by Darton et al. (1977):
 * d_b = 0.54 (U − U_mf)^0.4 (h + 4√A0)^0.8 g^−0.2 — bubbles grow by coalescence along their paths.
 * Source: Darton, R.C., LaNauze, R.D., Davidson, J.F. & Harrison, D. (1977) "Bubble growth due to
 * coalescence in fluidised beds", Trans. IChemE 55:274–280. A0 is the distributor area per orifice
 * (m²); 4√A0 is the height of the virtual origin and is effectively zero for a porous plate.
 * Dimensionally consistent, so SI in, SI out.
 */
export function dartonBubbleDiameter(excessVelocity: number, height: number, areaPerOrifice: number): number {
  requireExcessVelocity(excessVelocity);
  requireNonNegative('height', height, 'm');
  requireNonNegative('areaPerOrifice', areaPerOrifice, 'm²');
  return 0.54 * excessVelocity ** 0.4 * (height + 4 * Math.sqrt(areaPerOrifice)) ** 0.8 * STANDARD_GRAVITY ** -0.2;
}

/**
 * Mori & Wen's (1975) limiting bubble diameter d_bm = 0.652 [A (U − U_mf)]^0.4, written in cgs units
 * (cm, cm², cm/s) in the original. In SI: (A·ΔU)[cm³/s] = 10⁶ (A·ΔU)[m³/s], so
 * d_bm[m] = 0.652 · (10⁶)^0.4 / 100 · (A·ΔU)^0.4 ≈ 1.638 (A·ΔU)^0.4.
 * Source: Mori, S. & Wen, C.Y. (1975) "Estimation of bubble diameter in gaseous fluidized beds",
 * AIChE J. 21(1):109–115 (Kunii & Levenspiel 1991 round the constant to 0.65).
 */
export function moriWenMaximumBubbleDiameter(excessVelocity: number, columnDiameter: number): number {
  requireExcessVelocity(excessVelocity);
  requirePositive('columnDiameter', columnDiameter, 'm');
  const cgsToSi = 1e6 ** 0.4 / 100;
  const area = (Math.PI / 4) * columnDiameter ** 2;
  return 0.652 * cgsToSi * (area * excessVelocity) ** 0.4;
}

/**
 * Initial bubble diameter just above the distributor, m, in the dimensionally consistent forms of
 * Kunii & Levenspiel (1991, ch. 5, after Miwa et al. 1972):
 * - perforated plate, bubbles smaller than the orifice pitch: d_b0 = 1.30 g^−0.2 [(U − U_mf)/N_or]^0.4
 *   with N_or = 1/A0 orifices per m²;
 * - porous plate (A0 = 0), or when that estimate exceeds the pitch √A0 (neighbouring bubbles merge):
 *   d_b0 = 2.78 (U − U_mf)² / g.
 */
export function moriWenInitialBubbleDiameter(excessVelocity: number, areaPerOrifice: number): number {
  requireExcessVelocity(excessVelocity);
  requireNonNegative('areaPerOrifice', areaPerOrifice, 'm²');
  const merged = (2.78 * excessVelocity ** 2) / STANDARD_GRAVITY;
  if (areaPerOrifice === 0) return merged;
  const fromOrifices = 1.3 * STANDARD_GRAVITY ** -0.2 * (excessVelocity * areaPerOrifice) ** 0.4;
  return fromOrifices <= Math.sqrt(areaPerOrifice) ? fromOrifices : merged;
}

/**
 * Bubble diameter at height h, m, by Mori & Wen (1975):
 * (d_bm − d_b)/(d_bm − d_b0) = exp(−0.3 h / D), relaxing from the initial d_b0 towards d_bm.
 * The authors' data covered D ≤ 1.3 m, 0.005 ≤ U_mf ≤ 0.2 m/s, 60 ≤ dp ≤ 450 µm and
 * U − U_mf ≤ 0.48 m/s (Kunii & Levenspiel 1991, ch. 5); outside that it is an extrapolation.
 */
export function moriWenBubbleDiameter(
  excessVelocity: number,
  height: number,
  columnDiameter: number,
  areaPerOrifice: number,
): number {
  requireNonNegative('height', height, 'm');
  const maximum = moriWenMaximumBubbleDiameter(excessVelocity, columnDiameter);
  const initial = moriWenInitialBubbleDiameter(excessVelocity, areaPerOrifice);
  return maximum - (maximum - initial) * Math.exp((-0.3 * height) / columnDiameter);
}

/** Which bubble-growth correlation to use. */
export type BubbleSizeCorrelation = 'darton' | 'mori-wen';

/** Bubble diameter at height h in a given bed, m, by the chosen correlation. */
export function bubbleDiameter(
  correlation: BubbleSizeCorrelation,
  excessVelocity: number,
  height: number,
  bed: Pick<Bed, 'columnDiameter' | 'distributorAreaPerOrifice'>,
): number {
  return correlation === 'darton'
    ? dartonBubbleDiameter(excessVelocity, height, bed.distributorAreaPerOrifice)
    : moriWenBubbleDiameter(excessVelocity, height, bed.columnDiameter, bed.distributorAreaPerOrifice);
}

/**
 * Rise velocity of a single isolated bubble, m/s: u_br = 0.711 √(g d_b) — the spherical-cap bubble
 * of Davies & Taylor (1950), shown by Davidson & Harrison (1963, "Fluidised Particles", Cambridge
 * University Press) to hold for bubbles in a fluidized bed. No wall correction (valid for d_b/D < 0.125).
 */
export function bubbleRiseVelocity(bubbleDiameter: number): number {
  requirePositive('bubbleDiameter', bubbleDiameter, 'm');
  return 0.711 * Math.sqrt(STANDARD_GRAVITY * bubbleDiameter);
}

/**
 * Velocity of a bubble in a freely bubbling bed, m/s: u_b = U − U_mf + u_br (Davidson & Harrison
 * 1963): a bubble rides on the upward displacement caused by all the excess gas below it.
 */
export function bubbleVelocity(superficialVelocity: number, minFluidizationVelocity: number, bubbleDiameter: number): number {
  requirePositive('minFluidizationVelocity', minFluidizationVelocity, 'm/s');
  requireAbove('superficialVelocity', superficialVelocity, minFluidizationVelocity, 'm/s', BUBBLING);
  return superficialVelocity - minFluidizationVelocity + bubbleRiseVelocity(bubbleDiameter);
}
