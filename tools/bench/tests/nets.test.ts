import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@mgdl/backend';
import { trainableParams } from '@mgdl/models';
import { benchNets } from '../src/nets.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** The parameter counts the PyTorch reference asserts for its nets (EXPECTED_PARAMS in torch_bench.py). */
function torchExpectedParams(): Map<string, number> {
  const source = readFileSync(new URL('../python/torch_bench.py', import.meta.url), 'utf8');
  const block = /EXPECTED_PARAMS = \{([^}]*)\}/.exec(source)![1]!;
  return new Map([...block.matchAll(/"([\w-]+)":\s*([\d_]+)/g)].map((m) => [m[1]!, Number(m[2]!.replaceAll('_', ''))]));
}

describe('bench nets', () => {
  it('every tfjs net has the same trainable parameter count as its PyTorch twin', () => {
    const expected = torchExpectedParams();
    for (const net of benchNets) {
      const model = net.build();
      expect({ net: net.name, params: trainableParams(model) }).toEqual({ net: net.name, params: expected.get(net.name) });
      expect(model.outputs[0]!.shape).toEqual([null, net.outputs]);
      model.dispose();
    }
  });
});
