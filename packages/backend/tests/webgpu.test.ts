/**
 * The webgpu backend on the adapter Dawn finds here. In CI that is Mesa's llvmpipe through OpenGL ES
 * (software: `.ci/run` installs Mesa's EGL and GL ES libraries); the test fails, saying why, when
 * there is no adapter.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, type BackendReport } from '../src/index.js';
import { automaticSkipReason, kernelsWithoutWebgpu } from '../src/webgpu/activate.js';
import { isSoftwareAdapter } from '../src/webgpu/adapter.js';
import { expectClose, Random, sizeOf } from './support.js';

let report: BackendReport;

beforeAll(async () => {
  report = await initBackend({ backend: 'webgpu' });
});

const rng = new Random(0x9e0);
const data = (shape: number[]) => ({ shape, values: rng.floats(sizeOf(shape)) });

/** Runs `build` on `backend` and downloads its outputs asynchronously (webgpu has no synchronous read in Node). */
async function runOn(backend: 'cpu' | 'webgpu', build: () => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outputs = tf.tidy(build);
  const values = await Promise.all(outputs.map(async (t) => (await t.data()) as Float32Array));
  tf.dispose(outputs);
  return values;
}

describe('initBackend({ backend: "webgpu" })', () => {
  it('starts tfjs-backend-webgpu on the adapter Dawn finds and reports it', () => {
    expect(report.name).toBe('webgpu');
    expect(report.tfjsBackend).toBe('webgpu');
    expect(report.candidates.find((c) => c.name === 'webgpu')).toMatchObject({ status: 'chosen', reason: expect.stringMatching(/^requested \(/) });
    const adapter = report.adapter!;
    expect(adapter, 'report.adapter').not.toBeNull();
    expect(adapter.description || adapter.device, 'the adapter has a name').not.toBe('');
    expect(adapter.software).toBe(isSoftwareAdapter(adapter));
    expect(['core', 'compatibility']).toContain(adapter.featureLevel);
    // tfjs-backend-webgpu has every kernel training needs: mgdl registers none.
    expect(report.kernels).toEqual([]);
    expect(report.native.kernels).toEqual([]);
  });

  it('has a webgpu kernel for each kernel mgdl registers on wasm, and would name any it lacked', () => {
    expect(kernelsWithoutWebgpu()).toEqual([]);
    expect(kernelsWithoutWebgpu(['Conv2DBackpropFilter', 'MgdlNoSuchKernel'])).toEqual(['MgdlNoSuchKernel']);
  });
});

describe('webgpu computes what cpu computes', () => {
  it('a dense layer, a convolution, pooling and their gradients, within 1e-4 of the largest value', async () => {
    const x = data([2, 6, 6, 3]);
    const filter = data([3, 3, 3, 4]);
    const w = data([36, 5]);
    const build = () => {
      const loss = (input: tf.Tensor, f: tf.Tensor, dense: tf.Tensor) => {
        const conv = tf.relu(tf.conv2d(input as tf.Tensor4D, f as tf.Tensor4D, 1, 'same'));
        const pooled = tf.maxPool(conv, 2, 2, 'valid');
        return tf.sum(tf.square(tf.matMul(tf.reshape(pooled, [2, 36]), dense)));
      };
      const inputs = [tf.tensor(x.values, x.shape), tf.tensor(filter.values, filter.shape), tf.tensor(w.values, w.shape)];
      return [loss(inputs[0]!, inputs[1]!, inputs[2]!), ...tf.grads(loss)(inputs)];
    };
    const expected = await runOn('cpu', build);
    const actual = await runOn('webgpu', build);
    actual.forEach((values, i) => {
      const scale = Math.max(...Array.from(expected[i]!, Math.abs));
      expectClose(values, expected[i]!, { rtol: 1e-4, scale }, `output ${i}`);
    });
  });

  it('leaves no tensor behind on the device', async () => {
    await tf.setBackend('webgpu');
    const a = tf.tensor(data([8, 8]).values, [8, 8]);
    const before = { tensors: tf.memory().numTensors, ids: tf.engine().backend.numDataIds() };
    const out = tf.tidy(() => tf.sum(tf.matMul(a, a)));
    expect(Number.isFinite((await out.data())[0]!)).toBe(true);
    out.dispose();
    expect({ tensors: tf.memory().numTensors, ids: tf.engine().backend.numDataIds() }).toEqual(before);
    a.dispose();
  });

  it('refuses a synchronous read from the GPU with an error that says what to call instead', async () => {
    await tf.setBackend('webgpu');
    // A product runs on the GPU (tfjs forwards small element-wise ops on CPU-side values to the cpu kernels).
    const onGpu = tf.tidy(() => tf.matMul(tf.ones([16, 16]), tf.ones([16, 16])));
    expect(() => onGpu.dataSync()).toThrow(/no synchronous GPU read.*await tensor\.data\(\)/);
    expect(Array.from(await onGpu.data()).every((v) => v === 16)).toBe(true);
    onGpu.dispose();
  });
});

describe('isSoftwareAdapter', () => {
  it.each([
    [{ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, true],
    [{ vendor: 'mesa', device: 'lavapipe' }, true],
    [{ vendor: 'google', description: 'SwiftShader Device (Subzero)' }, true],
    [{ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3080' }, false],
    [{ vendor: 'amd', architecture: 'rdna-2', description: 'AMD Radeon RX 6800 (RADV NAVI21)' }, false],
    [{ vendor: 'unknown', description: 'Fallback', isFallbackAdapter: true }, true],
  ])('%j: %s', (info, software) => expect(isSoftwareAdapter(info)).toBe(software));
});

describe('automaticSkipReason: the automatic choice takes webgpu only on a hardware adapter with every kernel', () => {
  const adapter = (software: boolean, description: string) => ({ vendor: 'v', architecture: 'a', device: '', description, software, api: 'Vulkan/Metal/D3D12', featureLevel: 'core' as const });
  it('takes a hardware adapter', () => expect(automaticSkipReason(adapter(false, 'NVIDIA GeForce RTX 3080'), [])).toBeUndefined());
  it('passes over a software one, naming it', () =>
    expect(automaticSkipReason(adapter(true, 'llvmpipe (LLVM 15.0.6, 256 bits)'), [])).toMatch(/^software adapter \(llvmpipe \(LLVM 15\.0\.6, 256 bits\), vendor v.*\): about 1 GFLOP\/s.*MGDL_BACKEND=webgpu/));
  it('passes over a hardware one that lacks kernels, naming them', () =>
    expect(automaticSkipReason(adapter(false, 'NVIDIA GeForce RTX 3080'), ['MaxPoolGrad', 'Tile'])).toBe('tfjs-backend-webgpu lacks MaxPoolGrad, Tile, which training needs'));
});
