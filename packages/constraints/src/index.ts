export { constraintFromFunction, hinge, squaredResidual, sumConstraints, type Constraint } from './constraint.js';
export { ConstraintError } from './errors.js';
export { constraintLoss, type ConstraintLossOptions, type ConstraintLossPlugin } from './loss-plugin.js';
export { constraintLearningRate, type ConstraintLearningRateOptions, type ConstraintLearningRatePlugin } from './lr-plugin.js';
export { annealedWeight, gradNormWeight, warmupFactor, type AdaptiveWeight, type GradNormMeasure, type GradNormWeight, type WarmupWeight, type WeightOption } from './weighting.js';
export { gradientStatistics, type GradientStatistics } from './gradient-ratio.js';
export { bedConstraints, emulsionForceConstraint, gasBalanceConstraint, stabilityConstraint } from './bed/constraints.js';
export { bedInputNames, bedOutputNames, type Affine, type BedInputName, type BedLayout, type BedOutputName } from './bed/layout.js';
export * as bedPhysics from './bed/physics.js';
