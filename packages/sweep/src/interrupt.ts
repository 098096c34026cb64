import type { RunningCell } from './run-cell.js';

export interface InterruptTrap {
  /** The first SIGINT/SIGTERM received, if any. */
  readonly signal: NodeJS.Signals | undefined;
  /** Removes the handlers, restoring Node's default (exit) for the caller. */
  dispose(): void;
}

/**
 * While installed, SIGINT/SIGTERM do not kill the runner: they SIGTERM every running cell and
 * SIGKILL the ones still alive `killAfterMs` later; a second signal SIGKILLs at once. The runner
 * keeps running until its cells have exited, so it can say which ones are incomplete.
 */
export function trapInterrupts(running: ReadonlyMap<string, RunningCell>, killAfterMs: number): InterruptTrap {
  let received: NodeJS.Signals | undefined;
  let timer: NodeJS.Timeout | undefined;
  const killAll = (signal: NodeJS.Signals) => {
    for (const cell of running.values()) cell.kill(signal);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (received !== undefined) {
      killAll('SIGKILL');
      return;
    }
    received = signal;
    process.stderr.write(
      `\nsweep: ${signal}: stopping ${running.size} running cell(s) ` +
        `(SIGTERM now, SIGKILL after ${killAfterMs / 1000} s; signal again to kill at once)\n`,
    );
    killAll('SIGTERM');
    timer = setTimeout(() => killAll('SIGKILL'), killAfterMs);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get signal() {
      return received;
    },
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      clearTimeout(timer);
    },
  };
}
