/** Switching the active backend in tests, including the float64 reference for gradient checks. */
import { setBackend, useKernels } from '../../src/backend/backend.js';
import { ReferenceKernels } from '../../src/backend/reference.js';

/**
 * The reference kernels storing float64 instead of float32: only for gradient checks, where
 * central differences in float64 are accurate to ~1e-9, so a check can use tight tolerances.
 * Views are Float64Arrays behind the Float32Array type; the loops are the reference's own.
 */
export class Float64ReferenceKernels extends ReferenceKernels {
  protected override newArray(length: number): Float32Array {
    return new Float64Array(length) as unknown as Float32Array;
  }
}

export async function useFloat64Reference(): Promise<ReferenceKernels> {
  const k = new Float64ReferenceKernels();
  useKernels(k);
  return k;
}

export async function useBackend(name: 'wasm' | 'reference', relaxed = true): Promise<void> {
  await setBackend(name, { relaxed });
}
