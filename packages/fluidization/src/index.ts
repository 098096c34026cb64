export { STANDARD_GRAVITY } from './constants.js';
export { FluidizationError } from './errors.js';
export {
  columnArea,
  validateBed,
  validateFluidizedBed,
  validateGas,
  validateParticles,
  type Bed,
  type FluidizedBed,
  type Gas,
  type Particles,
} from './properties.js';
export {
  archimedesNumber,
  ergunPressureGradient,
  ergunSuperficialVelocity,
  minimumFluidizationVelocity,
  minimumFluidizationVelocityErgun,
  minimumFluidizationVelocityWenYu,
  type MinimumFluidizationMethod,
} from './minimum-fluidization.js';
export { terminalVelocity } from './terminal-velocity.js';
export {
  bubbleDiameter,
  bubbleRiseVelocity,
  bubbleVelocity,
  dartonBubbleDiameter,
  moriWenBubbleDiameter,
  moriWenInitialBubbleDiameter,
  moriWenMaximumBubbleDiameter,
  type BubbleSizeCorrelation,
} from './bubbles.js';
export {
  bedExpansionRatio,
  bedVoidage,
  bubbleFraction,
  twoPhaseBed,
  type TwoPhaseBed,
  type TwoPhaseOptions,
} from './two-phase.js';
export {
  BUBBLE_DRAG_COEFFICIENT,
  DEFAULT_WAKE_FRACTION,
  solveStructure,
  structureState,
  type StructureEnergy,
  type StructureOptions,
  type StructureResiduals,
  type StructureSolution,
  type StructureState,
} from './structure.js';
export {
  DEFAULT_SIZE_SPREAD,
  simulateBubblingBed,
  type BubblingBedSeries,
  type ProbeSeries,
  type SimulationOptions,
} from './simulator.js';
