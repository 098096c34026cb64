import { describe, expect, it } from 'vitest';
import { observers, sortPlugins, StopSignal } from '../src/plugins.js';
import type { BatchEndEvent, EpochMetrics, KernelPlugin, RunInfo, RunSummary } from '../src/index.js';

const info = { epochs: 1, batchesPerEpoch: 1, startEpoch: 0, startStep: 0, resumed: false, seed: 0, epochMetrics: [], history: [], inferencePass: false } as unknown as RunInfo;
const batch: BatchEndEvent = { epoch: 0, step: 1, batchIndex: 0, ids: Int32Array.of(3), meanLoss: 0.5, terms: {}, learningRate: 0.1 };
const metrics: EpochMetrics = { epoch: 0, step: 1, train: { loss: 0.5, samples: 1, samplesPerSec: 1, seconds: 1 }, terms: {}, learningRate: 0.1 };
const summary: RunSummary = { epochs: 1, steps: 1, epochMetrics: [metrics], history: [metrics], seconds: 1 };

/** A plugin that logs `name:hook` for each hook listed, and nothing for the others. */
function logging(name: string, hooks: readonly string[], log: string[], extra: Partial<KernelPlugin> = {}): KernelPlugin {
  const plugin: Record<string, unknown> = { name, ...extra };
  for (const hook of hooks) plugin[hook] = () => void log.push(`${name}:${hook}`);
  return plugin as unknown as KernelPlugin;
}

describe('observers', () => {
  it('calls each hook on exactly the plugins that have it, in run order (pre, normal, post)', async () => {
    const log: string[] = [];
    const plugins = sortPlugins([
      logging('last', ['onRunStart', 'onBatchEnd', 'onRunEnd'], log, { enforce: 'post' }),
      logging('middle', ['onBatchEnd', 'onEpochEnd'], log),
      logging('first', ['onEpochStart', 'onBatchEnd', 'onInferencePass', 'onCheckpoint'], log, { enforce: 'pre' }),
    ]);
    const hooks = observers(plugins, new StopSignal());
    await hooks.onRunStart(info);
    await hooks.onEpochStart({ epoch: 0, step: 0 });
    await hooks.onBatchEnd(batch);
    await hooks.onInferencePass({ ids: Int32Array.of(3), loss: Float32Array.of(1), epoch: 0, step: 1 });
    await hooks.onEpochEnd(metrics);
    await hooks.onCheckpoint({ epoch: 1, step: 1 });
    await hooks.onRunEnd(summary);
    expect(log).toEqual([
      'last:onRunStart',
      'first:onEpochStart',
      'first:onBatchEnd',
      'middle:onBatchEnd',
      'last:onBatchEnd',
      'first:onInferencePass',
      'middle:onEpochEnd',
      'first:onCheckpoint',
      'last:onRunEnd',
    ]);
  });

  it('hands every hook the run control, calls it as a method of its plugin and awaits each before the next', async () => {
    const control = new StopSignal();
    const order: string[] = [];
    const slow = {
      name: 'slow',
      label: 'slow plugin',
      async onBatchEnd(this: { label: string }, event: BatchEndEvent) {
        await new Promise((resolve) => setImmediate(resolve));
        order.push(`${this.label} saw step ${event.step}`);
      },
    };
    const stopper: KernelPlugin = { name: 'stopper', onEpochEnd: (_metrics, runControl) => runControl.stop('enough'), onBatchEnd: () => void order.push('stopper') };
    const hooks = observers([slow as KernelPlugin, stopper], control);
    await hooks.onBatchEnd(batch);
    await hooks.onEpochEnd(metrics);
    expect(order).toEqual(['slow plugin saw step 1', 'stopper']);
    expect(control.reason).toBe('enough');
  });

  it('onRunError reaches every plugin even when one throws, and warns about that one', async () => {
    const closed: string[] = [];
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const hooks = observers(
        [
          { name: 'broken', onRunError: () => { throw new Error('cannot close'); } },
          { name: 'closer', onRunError: (error) => void closed.push((error as Error).message) },
        ],
        new StopSignal(),
      );
      await hooks.onRunError(new Error('run failed'), summary);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(closed).toEqual(['run failed']);
    expect(warnings).toEqual(["plugin 'broken' failed in onRunError: cannot close"]);
  });
});
