/**
 * Which backend runs the kernels. Chosen once, before building models:
 *
 *   await nn.ready();                      // wasm (SIMD), or reference with one warning
 *   await nn.setBackend('reference');      // plain TypeScript loops, for study and tests
 *   await nn.setBackend('wasm', { relaxed: false });  // plain SIMD: bit-identical everywhere
 *
 * Tensors and models keep the backend they were created on.
 */

import type { Kernels } from './kernels.js';
import { ReferenceKernels } from './reference.js';
import { WasmKernels, loadWasmKernels, simdSupported, type WasmOptions } from './wasm.js';
import { ConfigError } from '../errors.js';
import { checkOptions } from '../options.js';

export type BackendName = 'wasm' | 'reference';

let current: Kernels | null = null;
let warnedNoSimd = false;

/**
 * Selects the backend. 'wasm' falls back to 'reference' (warning once) where the engine
 * has no WebAssembly SIMD. Each call builds a fresh backend with its own memory.
 */
export async function setBackend(name: BackendName, options: WasmOptions = {}): Promise<void> {
  if (name !== 'wasm' && name !== 'reference') {
    throw new ConfigError(`setBackend: unknown backend '${String(name)}'; expected 'wasm' or 'reference'`);
  }
  checkOptions<WasmOptions>('setBackend', options, { relaxed: 'boolean' });
  if (name === 'wasm' && !simdSupported()) {
    if (!warnedNoSimd) {
      console.warn('wasmnn: this engine has no WebAssembly SIMD; using the reference backend (slow)');
      warnedNoSimd = true;
    }
    name = 'reference';
  }
  current = name === 'wasm' ? await loadWasmKernels(options) : new ReferenceKernels();
}

/** Initialises the default backend (wasm) unless one is already set. */
export async function ready(): Promise<void> {
  if (current === null) await setBackend('wasm');
}

/** Makes `k` the active backend (tests use it for a float64 reference backend). */
export function useKernels(k: Kernels): void {
  current = k;
}

/** The active backend and, for wasm, whether it runs the relaxed-SIMD (FMA) build. */
export function getBackendInfo(): { name: BackendName; relaxed: boolean } {
  const k = kernels();
  return { name: k.name, relaxed: k instanceof WasmKernels && k.relaxed };
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
