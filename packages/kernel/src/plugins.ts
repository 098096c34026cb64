import { KernelError } from './errors.js';
import type { KernelPlugin, RunControl, RunSummary } from './types.js';

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

type ObserverName = 'onRunStart' | 'onEpochStart' | 'onBatchEnd' | 'onInferencePass' | 'onEpochEnd' | 'onCheckpoint' | 'onRunEnd';

/** Calls one observer hook on every plugin that has it, in order, awaiting each. */
export async function notify<K extends ObserverName>(
  plugins: readonly KernelPlugin[],
  hook: K,
  event: Parameters<NonNullable<KernelPlugin[K]>>[0],
  control: RunControl,
): Promise<void> {
  for (const plugin of plugins) {
    const fn = plugin[hook] as ((event: unknown, control: RunControl) => void | Promise<void>) | undefined;
    if (fn) await fn.call(plugin, event, control);
  }
}

/**
 * Tells every plugin that the run failed, so each can close what it holds (files, writers). A
 * plugin whose onRunError throws does not keep the others from theirs; its error is reported as a
 * warning, and the run's own error is the one the caller gets.
 */
export async function notifyRunError(plugins: readonly KernelPlugin[], error: unknown, summary: RunSummary): Promise<void> {
  for (const plugin of plugins) {
    try {
      await plugin.onRunError?.(error, summary);
    } catch (cleanupError) {
      process.emitWarning(`plugin '${plugin.name}' failed in onRunError: ${cleanupError instanceof Error ? cleanupError.message : String(cleanupError)}`);
    }
  }
}

/** A stop request from any plugin; the first reason wins. */
export class StopSignal implements RunControl {
  reason: string | undefined;

  stop(reason: string): void {
    this.reason ??= reason || 'stopped by a plugin';
  }
}
