import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

export interface Registry {
  /** e.g. http://127.0.0.1:41234/ */
  url: string;
  /** A token of a user registered on it, allowed to publish. */
  token: string;
  /** The Verdaccio process this started. */
  pid: number;
  /** Its log so far (warnings and errors). */
  log(): string;
  /** Stops exactly the process this started (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

const config = (dir: string) => `# written by @mgdl/install-check for one test run
storage: ${JSON.stringify(join(dir, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(dir, 'htpasswd'))}
    max_users: 100
# No uplinks: this registry serves only what the test publishes; everything else comes from the usual registry.
uplinks: {}
packages:
  '@mgdl/*':
    access: $all
    publish: $authenticated
  '**':
    access: $all
max_body_size: 200mb
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`;

/**
 * Starts a real Verdaccio (the devDependency, 6.8.x: the last line that runs on Node 20) on a free
 * port of 127.0.0.1 with its own config and storage under `dir`, registers a user and returns its token.
 */
export async function startRegistry(dir: string, { timeoutMs = 60_000 } = {}): Promise<Registry> {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const configFile = join(dir, 'config.yaml');
  writeFileSync(configFile, config(dir));
  const require = createRequire(import.meta.url);
  const manifest = require.resolve('verdaccio/package.json');
  const declared = (require(manifest) as { bin: string | Record<string, string> }).bin;
  const bin = join(dirname(manifest), typeof declared === 'string' ? declared : declared['verdaccio']!);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child = spawn(process.execPath, [bin, '--config', configFile, '--listen', `127.0.0.1:${port}`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk));
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = () => stopChild(child, exited);
  try {
    await waitUntilUp(url, child, () => log, timeoutMs);
    const token = await addUser(url);
    return { url, token, pid: child.pid!, log: () => log, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitUntilUp(url: string, child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`verdaccio exited (${child.exitCode ?? child.signalCode}) before answering:\n${log()}`);
    try {
      if ((await fetch(new URL('-/ping', url))).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`verdaccio did not answer ${url}-/ping within ${timeoutMs / 1000} s:\n${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function addUser(url: string): Promise<string> {
  const name = 'install-check';
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'install-check-password', type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const body = (await response.json()) as { token?: string; error?: string };
  if (!response.ok || !body.token) throw new Error(`verdaccio refused to register a user (${response.status}): ${JSON.stringify(body)}`);
  return body.token;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  process.kill(child.pid, 'SIGTERM');
  const killed = await Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 10_000))]);
  if (!killed) {
    process.kill(child.pid, 'SIGKILL');
    await exited;
  }
}
