export { mlp, type MlpOptions } from './mlp.js';
export { mcnn, type McnnOptions } from './mcnn.js';
export { BatchNorm, type BatchNormArgs } from './batch-norm.js';
