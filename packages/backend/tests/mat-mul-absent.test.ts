/** The matMul cases with the oneDNN library missing: initBackend says how to install it and mgdl's wasm kernels run. */
import { beforeAll, expect } from 'vitest';
import { ONEDNN_LIBRARY_ENV } from '../src/index.js';
import { defineMatMulSuite } from './mat-mul-suite.js';
import { setupBackendsWithNative } from './support.js';
import { expectWasmKernels } from './kernel-paths.js';

beforeAll(async () => {
  process.env[ONEDNN_LIBRARY_ENV] = 'libdnnl-absent.so.2';
  // native unset: oneDNN's kernels when the library loads, which it does not here.
  const report = await setupBackendsWithNative(undefined);
  expect(report.native.kernels).toEqual([]);
  expect(report.native.reason).toMatch(/libdnnl-absent\.so\.2 not found .*apt-get install -y libdnnl2/);
});

defineMatMulSuite({ expectPath: () => expectWasmKernels('BatchMatMul', '_FusedMatMul') });
