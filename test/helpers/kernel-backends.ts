/** The three kernel implementations every kernel test compares: reference, wasm plain, wasm relaxed. */
import type { Kernels } from '../../src/backend/kernels.js';
import { ReferenceKernels } from '../../src/backend/reference.js';
import { loadWasmKernels } from '../../src/backend/wasm.js';

export const reference = new ReferenceKernels();
export const plain = await loadWasmKernels({ relaxed: false });
export const relaxed = await loadWasmKernels({ relaxed: true });
export const wasmBuilds = [
  { label: 'wasm plain SIMD', kernels: plain },
  { label: 'wasm relaxed SIMD', kernels: relaxed },
];
export const allBackends = [{ label: 'reference', kernels: reference as Kernels }, ...wasmBuilds];
