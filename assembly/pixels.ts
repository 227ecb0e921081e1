// Bytes to floats: the conversion half of Kernels.gatherScaled (src/backend/kernels.ts), which
// turns 8-bit pixels into model inputs batch by batch, so that a data set stays bytes.
//
// bytesToFloats(src, dst, n, scale): dst[i] = f32(f64(src[i])·scale) for i < n: the product
// in float64, rounded once to float32, so scale 1/255 gives exactly fround(v/255) (the bits
// of dividing by 255; a float32 product would miss it for 126 of the 256 values).
// src is n bytes at any alignment, dst n floats, 16-byte aligned. src may lie inside dst: the
// TypeScript side stages a batch's bytes in the last n bytes of dst's 4n and converts in
// place. That is safe because the loop runs front to back and loads each 16 bytes before it
// stores the 64 they become: after a load at byte i (i + 16 ≤ n) the stores end at 4i + 64,
// and the first byte not yet read is 3n + i + 16 ≥ 4i + 64 (the tail: 4i + 4 ≤ 3n + i + 1).

// Four u32 lanes times `scale` in float64, rounded to four f32 stored at dst.
// @ts-ignore: decorator
@inline function storeScaled(dst: usize, ints: v128, scale: v128): void {
  const low = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.convert_low_i32x4_u(ints), scale)); // lanes 0, 1
  const high = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.convert_low_i32x4_u(i32x4.shuffle(ints, ints, 2, 3, 0, 1)), scale)); // lanes 2, 3
  v128.store(dst, i32x4.shuffle(low, high, 0, 1, 4, 5));
}

export function bytesToFloats(src: usize, dst: usize, n: i32, scale: f64): void {
  const s = f64x2.splat(scale);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const bytes = v128.load(src + i);
    const low = i16x8.extend_low_i8x16_u(bytes), high = i16x8.extend_high_i8x16_u(bytes);
    const d = dst + (<usize>i << 2);
    storeScaled(d, i32x4.extend_low_i16x8_u(low), s);
    storeScaled(d + 16, i32x4.extend_high_i16x8_u(low), s);
    storeScaled(d + 32, i32x4.extend_low_i16x8_u(high), s);
    storeScaled(d + 48, i32x4.extend_high_i16x8_u(high), s);
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>(<f64>load<u8>(src + i) * scale));
}
