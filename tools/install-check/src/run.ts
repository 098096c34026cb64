import { spawn } from 'node:child_process';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/**
 * The environment a person's shell would give npm and node: this process's, less what npm and nx
 * set for the script running us (npm_config_* would point npm at the workspace), plus `extra`.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(npm_|NX_|NODE_OPTIONS$|VITEST|INIT_CWD$|TEST$)/i.test(key)) env[key] = value;
  }
  return { ...env, ...extra };
}

/** Runs a command to its end; `timeoutMs` is a hang guard (SIGKILL), never a speed check. */
export function run(command: string, args: readonly string[], { cwd, env, timeoutMs = 10 * 60_000 }: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Ran> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    const guard = setTimeout(() => {
      stderr += `\n[install-check: ${command} ${args.join(' ')} still running after ${timeoutMs / 1000} s; killed]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

/** Like run, but a non-zero exit throws with the command's output. */
export async function ok(command: string, args: readonly string[], options: Parameters<typeof run>[2]): Promise<Ran> {
  const ran = await run(command, args, options);
  if (ran.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${ran.code} in ${options.cwd}\n--- stdout\n${ran.stdout.slice(-6000)}\n--- stderr\n${ran.stderr.slice(-6000)}`);
  return ran;
}
