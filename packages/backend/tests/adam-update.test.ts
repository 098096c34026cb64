import { beforeAll, describe, expect, it } from 'vitest';
import { adamCases, describeCase, fused, perOp, runFused, tensors } from './adam-cases.js';
import { expectNoLeak, expectSameResults, runOn, setupBackends, type BackendKind } from './support.js';

beforeAll(setupBackends);

describe.each<BackendKind>(['cpu', 'wasm'])('the fused Adam update on %s', (backend) => {
  adamCases.forEach((c, i) => {
    it(`equals the per-op update on cpu, bit for bit: #${i} ${describeCase(c)}`, async () => {
      const expected = await runOn('cpu', perOp(c));
      const actual = await runOn(backend, fused(c));
      expect(actual.map((r) => r.shape)).toEqual(c.shapes.flatMap((s) => [s, s, s]));
      expectSameResults(actual, expected, { rtol: 0 }, describeCase(c));
    });
  });

  it('leaks no tensors or backend data', async () => {
    const c = adamCases[15]!;
    await expectNoLeak(backend, () => tensors(c), (list) => runFused(c, list));
  });
});
