/** Where the README says how to install the optional peers (the native bindings, WebGPU). */
const INSTALL_NOTE = 'optional; see README "GPU and native TensorFlow"';

/**
 * Imports an optional peer dependency; returns the module, or why it is unavailable: not
 * installed, or installed but failing to load (a binding built for another platform, say).
 */
export async function importOptional<T>(specifier: string): Promise<{ module: T } | { reason: string }> {
  try {
    return { module: (await import(/* @vite-ignore */ specifier)) as T };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message;
    // Bundlers and test runners (vite) report a missing package without Node's error code.
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /Cannot find (package|module)|Could not resolve|Failed to load url/.test(message)) {
      return { reason: `${specifier} is not installed (${INSTALL_NOTE})` };
    }
    return { reason: `${specifier} is installed but failed to load: ${message.split('\n')[0]}` };
  }
}
