import { Command } from 'commander';
import { describeAdapter, initBackend, type BackendReport } from '@mgdl/backend';
import { backendOptions } from '../options.js';

export function backendCommand(): Command {
  return backendOptions(new Command('backend'))
    .description('show the TensorFlow.js backend mgdl chooses, why (and why not the others), its threads, the GPU adapter WebGPU found and the kernels mgdl registered')
    .option('--json', 'print the report as JSON')
    .action(async (options: { backend?: BackendReport['name']; threads?: number; json?: boolean }) => {
      const report = await initBackend({ backend: options.backend, threads: options.threads });
      console.log(options.json ? JSON.stringify(report, null, 2) : formatBackendReport(report));
    });
}

const WHY = {
  missing: 'missing in tfjs-wasm',
  faster: 'faster than the tfjs-wasm kernel',
  fused: 'mgdl kernel: one call for what tfjs runs as several ops (batch norm, Adam, softmax cross-entropy, per-sample stats)',
  native: 'runs in oneDNN on the wasm heap',
} as const;

export function formatBackendReport(report: BackendReport): string {
  const lines = [
    `backend: ${report.name} (tfjs '${report.tfjsBackend}')`,
    `threads: ${report.name === 'wasm' ? `${report.threads}${report.simd ? ', SIMD' : ''}` : 'managed by the backend'}`,
    'candidates:',
    ...report.candidates.map((c) => `  ${c.status === 'chosen' ? '*' : ' '} ${c.name.padEnd(14)} ${c.status}: ${c.reason}`),
    `kernels registered by mgdl (${report.kernels.length}):`,
    ...(report.kernels.length === 0
      ? ['  none (this backend has every kernel training needs)']
      : report.kernels.map((k) => `  ${k.kernelName.padEnd(36)} ${WHY[k.why]}`)),
    formatNative(report.native),
    formatAdapter(report),
    `gradients replaced: ${report.gradients.join(', ')}`,
  ];
  return lines.join('\n');
}

function formatNative(native: BackendReport['native']): string {
  if (native.kernels.length === 0) return `native kernels: none (${native.reason})`;
  return `native kernels (${native.library}, ${native.threads} thread${native.threads === 1 ? '' : 's'}): ${native.kernels.join(', ')} (cases they do not handle fall back to the wasm kernels)`;
}

function formatAdapter(report: BackendReport): string {
  const adapter = report.adapter;
  if (adapter) return `webgpu adapter: ${describeAdapter(adapter)} (${adapter.software ? 'software: about 1 GFLOP/s, used only when asked for' : 'hardware'})`;
  const looked = report.candidates.some((c) => c.name === 'webgpu' && c.status !== 'skipped');
  return `webgpu adapter: ${looked ? 'none (see the webgpu candidate)' : 'not looked for'}`;
}
