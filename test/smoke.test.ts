import { describe, expect, it } from 'vitest';
import { setBackend, kernels } from '../src/backend/backend.js';
import { tensor } from '../src/tensor.js';

describe('smoke', () => {
  it('gemm on wasm', async () => {
    await setBackend('wasm');
    const k = kernels();
    const a = tensor([[1, 2], [3, 4]]), b = tensor([[5, 6], [7, 8]]), c = tensor([[0, 0], [0, 0]]);
    k.gemm(false, false, 2, 2, 2, a.storage, b.storage, c.storage, false);
    expect(c.toArray()).toEqual([[19, 22], [43, 50]]);
  });
});
