import { describe, expect, it, vi } from 'vitest';
import { loadOneDnn, parseNativeEnv, registerNativeKernels, ONEDNN_LIBRARY_ENV } from '../src/index.js';

describe('MGDL_NATIVE', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['auto', undefined],
    ['0', false],
    ['1', true],
  ])('%s → %s', (value, expected) => expect(parseNativeEnv(value)).toBe(expected));

  it('rejects other values, naming the accepted ones', () => {
    expect(() => parseNativeEnv('yes')).toThrow(/MGDL_NATIVE='yes' must be 0 .* 1 .* auto/);
  });
});

describe('without the oneDNN library', () => {
  it('loadOneDnn says which library is missing and how to install it', () => {
    const load = loadOneDnn(1, 'libdnnl-absent.so.2');
    expect(load.ok).toBe(false);
    expect(!load.ok && load.reason).toMatch(/libdnnl-absent\.so\.2 not found .*apt-get install -y libdnnl2/);
  });

  it('native: false needs no library; native: true fails with the reason', () => {
    vi.stubEnv(ONEDNN_LIBRARY_ENV, 'libdnnl-absent.so.2');
    try {
      expect(registerNativeKernels(1, false)).toMatchObject({ kernels: [], library: null, reason: expect.stringMatching(/turned off/) });
      expect(registerNativeKernels(1, undefined)).toMatchObject({ kernels: [], reason: expect.stringMatching(/apt-get install -y libdnnl2/) });
      expect(() => registerNativeKernels(1, true)).toThrow(/native kernels were required .*libdnnl-absent\.so\.2 not found .*apt-get install -y libdnnl2/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('with libdnnl.so.2 (installed by .ci/run)', () => {
  it('loads oneDNN and binds sgemm; its threads follow the count asked for', () => {
    const load = loadOneDnn(2);
    if (!load.ok) throw new Error(load.reason);
    expect(load.onednn.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(load.onednn.threads).toBe(2);
    // 2×2 by 2×2, row-major: [[1,2],[3,4]]·[[5,6],[7,8]] = [[19,22],[43,50]].
    const c = new Float32Array(4);
    const n = 'N'.charCodeAt(0);
    expect(load.onednn.sgemm(n, n, 2, 2, 2, 1, new Float32Array([1, 2, 3, 4]), 2, new Float32Array([5, 6, 7, 8]), 2, 0, c, 2)).toBe(0);
    expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    expect(loadOneDnn(1).ok && loadOneDnn(1)).toMatchObject({ onednn: { threads: 1 } });
  });

  it('leaves no OpenMP variables behind for child processes (a PyTorch reference)', () => {
    vi.stubEnv('OMP_NUM_THREADS', undefined);
    vi.stubEnv('OMP_WAIT_POLICY', 'active');
    try {
      expect(loadOneDnn(3, 'libdnnl-absent.so.2').ok).toBe(false);
      expect(loadOneDnn(3).ok).toBe(true);
      expect(process.env['OMP_NUM_THREADS']).toBeUndefined();
      expect(process.env['OMP_WAIT_POLICY']).toBe('active');
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
