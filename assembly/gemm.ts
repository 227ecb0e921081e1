// General matrix multiply for the three products backprop needs.
//
// gemm: C (m×n) = op(A)·op(B), or C += op(A)·op(B) when accumulate≠0.
//   op(A) is m×k: A stored m×k (transA=0) or k×m (transA≠0).
//   op(B) is k×n: B stored k×n (transB=0) or n×k (transB≠0).
//   All row-major f32 at 16-byte aligned byte offsets; C must not overlap A or B.
//   work: scratch of gemmWorkspaceBytes() bytes, 16-byte aligned, not overlapping anything.

// Bytes of scratch gemm needs (packing buffers); constant, independent of the shape.
export function gemmWorkspaceBytes(): i32 {
  return 0;
}

export function gemm(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize, accumulate: i32, work: usize,
): void {
  const rowC = <usize>n << 2;
  for (let i = 0; i < m; i++) {
    const cr = c + <usize>i * rowC;
    if (!accumulate) memory.fill(cr, 0, rowC);
    for (let p = 0; p < k; p++) {
      const aip = transA ? load<f32>(a + ((<usize>p * m + i) << 2)) : load<f32>(a + ((<usize>i * k + p) << 2));
      if (transB) {
        for (let j = 0; j < n; j++) {
          const o = <usize>j << 2;
          store<f32>(cr + o, load<f32>(cr + o) + aip * load<f32>(b + ((<usize>j * k + p) << 2)));
        }
      } else {
        const br = b + ((<usize>p * n) << 2);
        const va = f32x4.splat(aip);
        let j = 0;
        for (; j + 4 <= n; j += 4) {
          const o = <usize>j << 2;
          v128.store(cr + o, f32x4.add(v128.load(cr + o), f32x4.mul(va, v128.load(br + o))));
        }
        for (; j < n; j++) {
          const o = <usize>j << 2;
          store<f32>(cr + o, load<f32>(cr + o) + aip * load<f32>(br + o));
        }
      }
    }
  }
}
