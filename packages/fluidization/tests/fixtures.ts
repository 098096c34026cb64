import type { FluidizedBed } from '../src/index.js';

/**
 * The Geldart B reference case of the tests: 500 µm round sand (ρp = 2600 kg/m³, φs = 0.86, the
 * Kunii & Levenspiel value for round sand) fluidized by air at 20 °C and 1 atm (ρg = 1.204 kg/m³,
 * μg = 1.81e-5 Pa·s, handbook values). ε_mf = 0.42 is inside the usual 0.40–0.45 for such sand and
 * makes 1/(φs ε³) = 15.7 and (1 − ε)/(φs² ε³) = 10.6, close to the 14 and 11 that Wen & Yu built
 * their constants from — which is why the two U_mf correlations should agree here.
 * The column: 1 m of sand in a 0.5 m column on a perforated plate with one orifice per 10 cm².
 */
export const sand: FluidizedBed = {
  gas: { density: 1.204, viscosity: 1.81e-5 },
  particles: { diameter: 500e-6, density: 2600, sphericity: 0.86 },
  bed: { columnDiameter: 0.5, staticHeight: 1, minFluidizationVoidage: 0.42, distributorAreaPerOrifice: 1e-3 },
};

/** Relative difference |a − b| / |b|. */
export const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

export const mean = (values: ArrayLike<number>) => {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
};
