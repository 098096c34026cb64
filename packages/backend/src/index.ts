export {
  initBackend,
  backendNames,
  parseBackendEnv,
  parseThreadsEnv,
  type BackendName,
  type BackendOptions,
  type BackendReport,
  type CandidateReport,
} from './init.js';
export type { AdapterReport } from './webgpu/adapter.js';
export { describeAdapter } from './webgpu/activate.js';
export { registerWasmTrainingKernels, wasmTrainingKernels, type RegisteredKernel } from './wasm/register.js';
export { registerFastGradients } from './gradients.js';
export { batchNormTraining, registerBatchNormKernels, type BatchNormTrainingResult } from './ops/batch-norm.js';
export { dense, canRunDense, denseActivations, DENSE, DENSE_GRAD, type DenseActivation } from './ops/dense.js';
export { MEAN_SQUARED_ERROR, MEAN_SQUARED_ERROR_GRAD, registerMeanSquaredErrorKernels } from './ops/mean-squared-error.js';
export { SOFTMAX_CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD, registerSoftmaxCrossEntropyKernels } from './ops/softmax-cross-entropy.js';
export { CLASSIFICATION_STATS, registerClassificationStatsKernel } from './ops/classification-stats.js';
export { ADAM_UPDATE, registerAdamUpdateKernel, type AdamUpdateAttrs } from './ops/adam-update.js';
export { registerNativeKernels, parseNativeEnv, NATIVE_ENV, type NativeReport } from './native/register.js';
export { loadOneDnn, DEFAULT_ONEDNN_LIBRARY, ONEDNN_LIBRARY_ENV, type OneDnn, type OneDnnLoad } from './native/onednn.js';
