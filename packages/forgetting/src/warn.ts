/** A run-time warning: Node's process.emitWarning where there is one (so --no-warnings and listeners apply), console.warn elsewhere. */
export function warn(message: string): void {
  const emit = (globalThis as { process?: { emitWarning?: (message: string) => void } }).process?.emitWarning;
  if (typeof emit === 'function') emit.call(globalThis.process, message);
  else console.warn(`Warning: ${message}`);
}
