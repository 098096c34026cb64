/** The SIMD kernels on the 1-thread wasm backend (cases in simd-cases.ts). */
import { beforeAll } from 'vitest';
import { setupBackends } from './support.js';
import { describeSimdKernels } from './simd-cases.js';

beforeAll(setupBackends);

describeSimdKernels(1);
