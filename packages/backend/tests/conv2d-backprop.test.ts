/** Conv backprop with mgdl's wasm kernels (oneDNN's turned off); conv-native.test.ts runs the same cases in oneDNN. */
import { beforeAll } from 'vitest';
import { defineConvBackpropSuite } from './conv2d-backprop-suite.js';
import { expectWasmKernels } from './kernel-paths.js';
import { setupBackends } from './support.js';

beforeAll(setupBackends);

defineConvBackpropSuite({ expectPath: () => expectWasmKernels('Conv2DBackpropFilter', 'Conv2DBackpropInput') });
