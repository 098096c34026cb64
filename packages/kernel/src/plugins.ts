import { KernelError } from './errors.js';
import type { BatchEndEvent, CheckpointEvent, EpochMetrics, EpochStartEvent, InferencePassEvent, KernelPlugin, RunControl, RunInfo, RunSummary } from './types.js';

const GROUP = { pre: 0, normal: 1, post: 2 } as const;

/** Plugins in run order: enforce 'pre' → none → 'post', then `order`, then registration. Names must be unique (they key saved state). */
export function sortPlugins(plugins: readonly KernelPlugin[]): KernelPlugin[] {
  const seen = new Set<string>();
  for (const plugin of plugins) {
    if (!plugin.name) throw new KernelError('a plugin has no name; plugins are factories returning { name, ...hooks }');
    if (seen.has(plugin.name)) throw new KernelError(`two plugins are named '${plugin.name}'; names key each plugin's saved state, so they must differ`);
    seen.add(plugin.name);
  }
  return plugins
    .map((plugin, index) => ({ plugin, index }))
    .sort((a, b) => GROUP[a.plugin.enforce ?? 'normal'] - GROUP[b.plugin.enforce ?? 'normal'] || (a.plugin.order ?? 0) - (b.plugin.order ?? 0) || a.index - b.index)
    .map(({ plugin }) => plugin);
}

/**
 * The observer hooks of one run's plugins, one method per hook: each calls that hook of every
 * plugin that has it, in run order, awaiting each. Who runs on `onBatchEnd` is what
 * `observers(...).onBatchEnd` calls: every sorted plugin's own `onBatchEnd`.
 */
export interface ObserverDispatch {
  onRunStart(info: RunInfo): Promise<void>;
  onEpochStart(event: EpochStartEvent): Promise<void>;
  onBatchEnd(event: BatchEndEvent): Promise<void>;
  onInferencePass(event: InferencePassEvent): Promise<void>;
  onEpochEnd(metrics: EpochMetrics): Promise<void>;
  onCheckpoint(event: CheckpointEvent): Promise<void>;
  onRunEnd(summary: RunSummary): Promise<void>;
  /**
   * Tells every plugin that the run failed, so each can close what it holds (files, writers). A
   * plugin whose onRunError throws does not keep the others from theirs; its error is reported as a
   * warning, and the run's own error is the one the caller gets.
   */
  onRunError(error: unknown, summary: RunSummary): Promise<void>;
}

/** The typed dispatch of `plugins`' observer hooks (already in run order: see sortPlugins), passing them `control`. */
export function observers(plugins: readonly KernelPlugin[], control: RunControl): ObserverDispatch {
  return {
    async onRunStart(info) {
      for (const plugin of plugins) await plugin.onRunStart?.(info, control);
    },
    async onEpochStart(event) {
      for (const plugin of plugins) await plugin.onEpochStart?.(event, control);
    },
    async onBatchEnd(event) {
      for (const plugin of plugins) await plugin.onBatchEnd?.(event, control);
    },
    async onInferencePass(event) {
      for (const plugin of plugins) await plugin.onInferencePass?.(event, control);
    },
    async onEpochEnd(metrics) {
      for (const plugin of plugins) await plugin.onEpochEnd?.(metrics, control);
    },
    async onCheckpoint(event) {
      for (const plugin of plugins) await plugin.onCheckpoint?.(event, control);
    },
    async onRunEnd(summary) {
      for (const plugin of plugins) await plugin.onRunEnd?.(summary);
    },
    async onRunError(error, summary) {
      for (const plugin of plugins) {
        try {
          await plugin.onRunError?.(error, summary);
        } catch (cleanupError) {
          process.emitWarning(`plugin '${plugin.name}' failed in onRunError: ${cleanupError instanceof Error ? cleanupError.message : String(cleanupError)}`);
        }
      }
    },
  };
}

/** A stop request from any plugin; the first reason wins. */
export class StopSignal implements RunControl {
  reason: string | undefined;

  stop(reason: string): void {
    this.reason ??= reason || 'stopped by a plugin';
  }
}
