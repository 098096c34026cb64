import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

const require = createRequire(import.meta.url);

/**
 * tfjs-wasm's threaded build runs in Node once three things a browser takes for granted hold:
 *
 * 1. The pthread worker script is a real file. tfjs hands emscripten a blob: URL, which Node's
 *    worker_threads cannot load; we answer that one `URL.createObjectURL` call with a file path.
 * 2. Inside each worker the main module is evaluated from a file, not a Blob: the worker file
 *    starts with a prelude that points `URL.createObjectURL` at the shipped module script.
 * 3. The C++ side caps the pool at (logical cores / 2); `os.cpus()` is widened while the backend
 *    initialises so the pool gets the thread count asked for.
 *
 * And one thing a browser never meets: emscripten `ref()`s a worker while it runs a pthread, and
 * XNNPACK's pool threads run until the process ends, so Node would never exit after the user's code
 * is done. The pool's workers are made unable to hold the process open (the main thread joins its
 * pthreads through shared memory, never through the event loop, so nothing waits on them there).
 */
export interface ThreadedWasmSetup {
  /** Undo the global patches once the backend has initialised. */
  restore(): void;
}

export function prepareThreadedWasm(threads: number): ThreadedWasmSetup {
  const { wasmWorkerContents } = require('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js') as {
    wasmWorkerContents: string;
  };
  const moduleScript = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const workerFile = writeWorkerFile(wasmWorkerContents, moduleScript);
  // tfjs escapes newlines before making its blob; its size identifies the worker blob.
  const workerBlobSize = new Blob([wasmWorkerContents.replace(/\n/g, '\\n')]).size;

  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (obj: Blob) =>
    obj instanceof Blob && obj.size === workerBlobSize ? workerFile : createObjectURL(obj);

  // emscripten reads `require('worker_threads').Worker` once, when the backend initialises.
  const workerThreads = require('node:worker_threads') as typeof import('node:worker_threads');
  const Worker = workerThreads.Worker;
  workerThreads.Worker = class PoolWorker extends Worker {
    override ref(): void {}
  };

  const os = require('node:os') as typeof import('node:os');
  const cpus = os.cpus;
  const widened = cpus();
  while (widened.length < 2 * threads) widened.push(widened[0]!);
  os.cpus = () => widened;

  return {
    restore() {
      os.cpus = cpus;
      workerThreads.Worker = Worker;
      // The worker-file answer stays: emscripten may start workers lazily, after init.
    },
  };
}

function writeWorkerFile(workerContents: string, moduleScript: string): string {
  const prelude =
    `URL.createObjectURL = () => ${JSON.stringify(moduleScript)};\n` + `URL.revokeObjectURL = () => {};\n`;
  // The export is a template literal: its "\n" escapes arrived as newlines and must be put back.
  const contents = prelude + workerContents.replace(/\n/g, "\\n");
  const digest = createHash('sha256').update(contents).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'mgdl-wasm');
  const file = join(dir, `pthread-worker-${digest}.cjs`);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== contents) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, contents);
    renameSync(partial, file);
  }
  return file;
}
