import { createRequire } from 'node:module';
import { importOptional } from '../optional-import.js';

/** What mgdl reports about the WebGPU adapter Dawn found (`report.adapter`, `mgdl backend`). */
export interface AdapterReport {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /**
   * A CPU implementation of the API (Mesa's llvmpipe or lavapipe, SwiftShader): it computes
   * correctly at about 1 GFLOP/s, so mgdl never chooses it by itself.
   */
  software: boolean;
  /** The graphics API Dawn drives: the platform's own (Vulkan on Linux, Metal, D3D12) or OpenGL ES. */
  api: string;
  /** 'compatibility' is WebGPU's reduced profile, the one Dawn offers on OpenGL ES. */
  featureLevel: 'core' | 'compatibility';
}

export interface FoundAdapter {
  /** The instance that made the adapter: tfjs-backend-webgpu reads it from navigator.gpu. */
  gpu: GPU;
  adapter: GPUAdapter;
  report: AdapterReport;
  /** Dawn's WebGPU classes and flag objects (GPUBufferUsage, …), which tfjs-backend-webgpu reads as globals. */
  globals: Record<string, unknown>;
}

type Dawn = typeof import('webgpu');

interface Attempt {
  flags: string[];
  api: string;
  featureLevel: AdapterReport['featureLevel'];
  /** Why not to ask Dawn at all (its own message would go to stderr in every process), or undefined. */
  precheck: () => string | undefined;
}

/**
 * The platform's own API: where GPU drivers are (NVIDIA's and AMD's Vulkan). On Linux, Dawn needs
 * the Vulkan loader; without it Dawn would only print a warning, so mgdl looks for it first.
 */
const NATIVE: Attempt = {
  flags: [],
  api: process.platform === 'linux' ? 'Vulkan' : 'Metal/D3D12/Vulkan',
  featureLevel: 'core',
  precheck: () => (process.platform === 'linux' ? libraryMissing('libvulkan.so.1', 'no GPU driver with Vulkan; see README "GPU and native TensorFlow"') : undefined),
};

/**
 * OpenGL ES in WebGPU's compatibility mode: what a machine without a GPU driver has (Mesa's
 * llvmpipe; Debian 12's lavapipe lacks a Vulkan feature Dawn requires). Software only there, so
 * only a forced webgpu looks here.
 */
const OPENGLES: Attempt = { flags: ['backend=opengles'], api: 'OpenGL ES', featureLevel: 'compatibility', precheck: headlessEgl };

const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|software/i;

/** A software rasteriser, by the adapter's own flag where Dawn sets it, else by its names. */
export function isSoftwareAdapter(info: Partial<Pick<AdapterReport, 'vendor' | 'architecture' | 'device' | 'description'>> & { isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter) return true;
  return [info.vendor, info.architecture, info.device, info.description].some((name) => name !== undefined && SOFTWARE_NAMES.test(name));
}

/**
 * The first hardware adapter Dawn offers, else the first software one; or why there is none (the
 * `webgpu` package missing, or each API tried with its reason). `anyAdapter` false (the automatic
 * choice) asks the platform's own API only: a hardware adapter is all it could take.
 */
export async function findAdapter(anyAdapter: boolean): Promise<FoundAdapter | string> {
  const dawn = await importOptional<Dawn>('webgpu');
  if ('reason' in dawn) return dawn.reason;
  const tried: string[] = [];
  let software: FoundAdapter | undefined;
  for (const attempt of anyAdapter ? [NATIVE, OPENGLES] : [NATIVE]) {
    const found = await tryAttempt(dawn.module, attempt);
    if (typeof found === 'string') {
      tried.push(`${attempt.api}: ${found}`);
    } else if (found.report.software) {
      software ??= found;
      tried.push(`${attempt.api}: software adapter ${found.report.device}`);
    } else {
      return found;
    }
  }
  return software ?? `no ${anyAdapter ? '' : 'hardware '}adapter (${tried.join('; ')})`;
}

async function tryAttempt(dawn: Dawn, attempt: Attempt): Promise<FoundAdapter | string> {
  const skip = attempt.precheck();
  if (skip) return skip;
  try {
    const gpu = dawn.create(attempt.flags);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', featureLevel: attempt.featureLevel } as GPURequestAdapterOptions);
    if (!adapter) return 'Dawn offers no adapter (its warnings above say why)';
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const names = { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description };
    const report = { ...names, software: isSoftwareAdapter(info), api: attempt.api, featureLevel: attempt.featureLevel };
    return { gpu, adapter, report, globals: dawn.globals as Record<string, unknown> };
  } catch (error) {
    return (error as Error).message.split('\n')[0]!;
  }
}

/** Why `library` cannot be loaded (with what to do), or undefined when it loads. */
function libraryMissing(library: string, remedy: string): string | undefined {
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    koffi.load(library).unload();
    return undefined;
  } catch {
    return `${library} not found (${remedy})`;
  }
}

/**
 * Dawn reaches OpenGL ES through EGL. Mesa's EGL connects to an X server unless told otherwise; a
 * machine without a display (servers, CI) needs its surfaceless platform, which it reads from
 * EGL_PLATFORM when the display opens.
 */
function headlessEgl(): string | undefined {
  if (process.platform === 'linux') {
    const missing = libraryMissing('libEGL.so.1', 'Mesa\'s EGL and llvmpipe: apt-get install -y libegl1 libegl-mesa0 libgl1-mesa-dri');
    if (missing) return missing;
  }
  const env = process.env;
  if (env['EGL_PLATFORM'] === undefined && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) env['EGL_PLATFORM'] = 'surfaceless';
  return undefined;
}
