// Run from packages/fluidization:  node --conditions=source --import tsx examples/bubbling-bed.ts
import {
  minimumFluidizationVelocity,
  simulateBubblingBed,
  solveStructure,
  twoPhaseBed,
  type FluidizedBed,
} from '@mgdl/fluidization';

const sand: FluidizedBed = {
  gas: { density: 1.204, viscosity: 1.81e-5 }, // air, 20 °C
  particles: { diameter: 500e-6, density: 2600, sphericity: 0.86 }, // Geldart B sand
  bed: { columnDiameter: 0.5, staticHeight: 1, minFluidizationVoidage: 0.42, distributorAreaPerOrifice: 1e-3 },
};

const U = 0.8; // m/s
console.log('U_mf (Wen–Yu, Ergun):', minimumFluidizationVelocity(sand), minimumFluidizationVelocity(sand, 'ergun'));

const theory = twoPhaseBed(sand, U);
console.log('two-phase theory: δ̄ =', theory.meanBubbleFraction, 'H =', theory.expandedHeight, 'd̄_b =', theory.meanBubbleDiameter);

const structure = solveStructure(sand, U, { bubbleDiameter: 0.1 });
console.log('structure (N_st → min): ε_e =', structure.emulsionVoidage, 'δ =', structure.bubbleFraction,
  'U_e =', structure.emulsionVelocity, 'N_st/N_T =', structure.energy.stability / structure.energy.total,
  'at bound:', structure.atBound, 'residuals:', structure.residuals);

const series = simulateBubblingBed(sand, U, { seed: 1, steps: 10_000 });
const mean = (a: Float64Array) => a.reduce((s, x) => s + x, 0) / a.length;
console.log('simulated: mean δ =', mean(series.bubbleFraction), 'mean H =', mean(series.bedHeight));
for (const probe of series.probes) {
  console.log(`  z = ${probe.height} m: mean ε = ${mean(probe.voidage).toFixed(3)}, mean Δp = ${mean(probe.pressureDrop).toFixed(0)} Pa`);
}
