/** Switching the active backend in tests, including the float64 reference for gradient checks. */
import { setBackend, useKernels } from '../../src/backend/backend.js';
import { ReferenceKernels } from '../../src/backend/reference.js';

export async function useFloat64Reference(): Promise<ReferenceKernels> {
  const k = new ReferenceKernels({ float64: true });
  useKernels(k);
  return k;
}

export async function useBackend(name: 'wasm' | 'reference', relaxed = true): Promise<void> {
  await setBackend(name, { relaxed });
}
