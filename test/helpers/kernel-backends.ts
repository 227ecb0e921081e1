/**
 * The kernel implementations every kernel test compares: reference, and the four wasm builds.
 * In Node threads can run, so `loadWasmKernels` loads the threads builds (shared memory, with
 * the default thread count); browsers that are not cross-origin isolated get the builds over
 * unshared memory, which are loaded here directly so that they are tested too.
 */
import type { Kernels } from '../../src/backend/kernels.js';
import { ReferenceKernels } from '../../src/backend/reference.js';
import { instantiateKernels, loadWasmKernels, type WasmKernels } from '../../src/backend/wasm.js';
import { compileKernelsFile } from '../../src/backend/wasm-file.js';

/** A build over unshared memory (one thread), as a page without cross-origin isolation loads it. */
async function unshared(relaxed: boolean): Promise<WasmKernels> {
  const url = new URL(`../../build/${relaxed ? 'kernels-relaxed.wasm' : 'kernels.wasm'}`, import.meta.url);
  return instantiateKernels(await compileKernelsFile(url), relaxed, url.pathname);
}

export const reference = new ReferenceKernels();
export const plain = await loadWasmKernels({ relaxed: false });
export const relaxed = await loadWasmKernels({ relaxed: true });
export const plainUnshared = await unshared(false);
export const relaxedUnshared = await unshared(true);
export const wasmBuilds = [
  { label: 'wasm plain SIMD', kernels: plain },
  { label: 'wasm relaxed SIMD', kernels: relaxed },
  { label: 'wasm plain SIMD, unshared memory', kernels: plainUnshared },
  { label: 'wasm relaxed SIMD, unshared memory', kernels: relaxedUnshared },
];
export const allBackends = [{ label: 'reference', kernels: reference as Kernels }, ...wasmBuilds];
