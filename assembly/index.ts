// The kernels module: every export is a flat function over byte offsets and sizes, except
// the activation codes (enum Activation in elementwise.ts, one global per member).
// Built four times (scripts/build-wasm.mjs): plain SIMD, and relaxed SIMD with fused
// multiply-add, each over unshared memory and over shared memory (threads).

export * from './gemm';
export * from './elementwise';
export * from './batchnorm';
export * from './dropout';
export * from './optim';
export * from './pixels';

// First byte of linear memory free for the TypeScript allocator (after static data).
export function heapBase(): usize {
  return __heap_base;
}

// 1 when this build uses relaxed SIMD (f32x4.relaxed_madd), else 0: the loader checks that
// the file it loaded is the build it asked for.
export function isRelaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
