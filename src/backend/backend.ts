/**
 * Which backend runs the kernels. Chosen once, before building models:
 *
 *   await nn.ready();                      // wasm (SIMD) on the cores (at most 4), or reference with one warning
 *   await nn.ready({ threads: 2 });        // ... with big gemms split over two threads
 *   await nn.setBackend('reference');      // plain TypeScript loops, for study and tests
 *   await nn.setBackend('wasm', { relaxed: false });  // plain SIMD: bit-identical everywhere
 *   await nn.setThreads(1);                // the calling thread alone (stops the workers)
 *
 * Tensors and models keep the backend they were created on. Results do not depend on the
 * number of threads: each element of a gemm is computed by one thread in one order.
 */

import type { Kernels } from './kernels.js';
import { ReferenceKernels } from './reference.js';
import { WasmKernels, loadWasmKernels, simdSupported, type WasmOptions } from './wasm.js';
import { checkThreadCount } from './threads.js';
import { ConfigError } from '../errors.js';
import { checkOptions } from '../options.js';

export type BackendName = 'wasm' | 'reference';

let current: Kernels | null = null;
let warnedNoSimd = false;

/**
 * Selects the backend. 'wasm' falls back to 'reference' (warning once) where the engine
 * has no WebAssembly SIMD. Each call builds a fresh backend with its own memory, and stops
 * the worker threads of the one it replaces (which goes on working on the calling thread,
 * for the tensors and models still on it).
 */
export async function setBackend(name: BackendName, options: WasmOptions = {}): Promise<void> {
  if (name !== 'wasm' && name !== 'reference') {
    throw new ConfigError(`setBackend: unknown backend '${String(name)}'; expected 'wasm' or 'reference'`);
  }
  checkOptions<WasmOptions>('setBackend', options, { relaxed: 'boolean', threads: 'number' });
  if (name === 'wasm' && !simdSupported()) {
    if (!warnedNoSimd) {
      console.warn('wasmnn: this engine has no WebAssembly SIMD; using the reference backend (slow)');
      warnedNoSimd = true;
    }
    name = 'reference';
  }
  const next = name === 'wasm' ? await loadWasmKernels(options) : new ReferenceKernels();
  if (current instanceof WasmKernels) current.dispose();
  current = next;
}

export interface ReadyOptions {
  /** Threads that share each big gemm, where threads can run (default: the cores, at most 4). */
  threads?: number;
}

/**
 * Initialises the default backend (wasm) unless one is already set; with `threads`, sets the
 * thread count of the backend either way.
 */
export async function ready(options: ReadyOptions = {}): Promise<void> {
  checkOptions<ReadyOptions>('ready', options, { threads: 'number' });
  if (current === null) await setBackend('wasm', options);
  else if (options.threads !== undefined) await setThreads(options.threads);
}

/**
 * Sets how many threads share each big gemm of the active backend, starting or stopping
 * worker threads. 1 stops them all. The reference backend, and a wasm backend where threads
 * cannot run, stay on one thread.
 */
export async function setThreads(threads: number): Promise<void> {
  checkThreadCount('setThreads', threads);
  const k = kernels();
  if (k instanceof WasmKernels) await k.setThreads(threads);
}

/** Makes `k` the active backend (tests use it for a float64 reference backend). */
export function useKernels(k: Kernels): void {
  current = k;
}

/** What `getBackendInfo` reports. */
export interface BackendInfo {
  name: BackendName;
  /** True when the wasm backend runs the relaxed-SIMD (FMA) build. */
  relaxed: boolean;
  /** Threads that share each big gemm (1 for the reference backend). */
  threads: number;
}

/** The active backend, whether it runs the relaxed-SIMD (FMA) build, and its thread count. */
export function getBackendInfo(): BackendInfo {
  const k = kernels();
  const wasm = k instanceof WasmKernels;
  return { name: k.name, relaxed: wasm && k.relaxed, threads: wasm ? k.threads : 1 };
}

/** Name of the active backend. */
export function getBackend(): BackendName {
  return kernels().name;
}

/** The active backend's kernels. Throws until `ready()` or `setBackend()` has resolved. */
export function kernels(): Kernels {
  if (current === null) {
    throw new ConfigError('wasmnn is not initialised: call `await nn.ready()` (or `await nn.setBackend(...)`) first');
  }
  return current;
}
