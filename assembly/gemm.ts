// General matrix multiply for the three products backprop needs (NN forward, TN for
// dW = Xᵀ·dY, NT for dX = dY·Wᵀ), all through one packed, register-tiled micro-kernel.
//
// gemm(transA, transB, m, n, k, a, b, c, accumulate, work): contract Kernels.gemm in
// src/backend/kernels.ts, with the booleans as i32 0/1 and A, B, C as byte offsets (4-byte
// aligned is enough; the allocator gives 16). The aliasing check is the TypeScript side's.
// Only here: work is gemmWorkspaceBytes() bytes of scratch (any alignment), overlapping
// nothing else; its contents are garbage before and after the call.
//
// How it is fast (the BLIS recipe, as in Goto & van de Geijn, "Anatomy of high-performance
// matrix multiplication"):
//   1. Cache blocking. C is computed in blocks: a KC-deep slice of op(B), NC columns wide,
//      is copied ("packed") once and reused for every block of MC rows of op(A), which is
//      packed too. An MC×KC block of A fits in the L2 cache, a KC×NR sliver of B in L1.
//   2. Packing. The copies are laid out in exactly the order the micro-kernel reads them:
//      for each step p along k, the MR values of op(A) it needs, then the NR values of
//      op(B). Packing is also where transposes are handled, so NN, TN and NT all run the
//      same micro-kernel over the same contiguous panels. Panels are padded with zeros to a
//      whole tile at the m and n edges: the padded lanes of C are computed but never
//      written back, and zeros (unlike leftover bytes) cannot be NaN or slow denormals.
//   3. The micro-kernel keeps an MR×NR tile of C in SIMD registers (v128 locals) for the
//      whole k loop: per step it loads the NR/4 vectors of B once, splats each of the MR
//      values of A into a vector and does MR·NR/4 vector multiply-adds. Loads per flop are
//      few, so the floating-point units stay busy. Plain SIMD: 4×8 tile with f32x4 mul +
//      add. Relaxed SIMD: 3×12 tile with the fused f32x4.relaxed_madd. The tile shapes are
//      dictated by V8's register allocator (see MR below).

import { madd } from './simd';

// ---- block sizes ---------------------------------------------------------------------------

// Register tile: MR rows × NR columns of C (NR/4 vectors per row).
// V8 (TurboFan, x64) has 15 allocatable SIMD registers and schedules all loads of a k step
// before its multiply-adds, so accumulators (MR·NR/4) + B vectors (NR/4) + A splats (MR)
// (+ 1 product temporary without FMA) must fit in 15: plain 4×8 = 8+2+4+1, relaxed 3×12 =
// 9+3+3. Anything bigger spills to the stack every step. Measured while choosing (512³,
// GFLOP/s): relaxed 6×8 or 5×8 ~17-19, relaxed 4×8 ~40, relaxed 3×12 ~46; plain 3×12 ~18,
// plain 4×8 ~34. Unrolling the k loop spills as well (two steps' loads at once).
/** Rows of the register tile (micro-kernel height). */
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 3 : 4;
/** Columns of the register tile (NR/4 f32x4 vectors). */
const NR: i32 = ASC_FEATURE_RELAXED_SIMD ? 12 : 8;
/** Depth of a packed panel: an MR×KC sliver of A and a KC×NR sliver of B (≤ 16 KB) stay in L1. */
const KC: i32 = 256;
/** Rows of op(A) packed at once: MC×KC floats (120 KB) stay in L2. Multiple of 3 and 4 (MR). */
const MC: i32 = 120;
/** Columns of op(B) packed at once: KC×NC floats (~1 MB), reused by every MC block. */
const NC: i32 = 1024;
/** Up to this many multiply-adds (m·n·k) a plain loop is used: packing is not worth it.
 * (Measured: 3×3×3 equal, 8×16×8 packed 6x faster; the plain loop waits on one add chain.) */
const DIRECT_MAX_MULTIPLY_ADDS: i64 = 512;
/** TN with a narrow op(B) reads A in place when the kc rows walked span ≤ 256 KB (see gemm). */
const IN_PLACE_MAX_FLOATS: usize = 65536;

// Packed panels are whole slivers: MC rows rounded up to a multiple of MR, NC columns to a
// multiple of NR (1024 is not a multiple of 12).
const A_PANEL_BYTES: usize = <usize>(((MC + MR - 1) / MR) * MR * KC) << 2;
const B_PANEL_BYTES: usize = <usize>(((NC + NR - 1) / NR) * NR * KC) << 2;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;
const CACHE_LINE: usize = 64;

// Bytes of scratch gemm needs (packing buffers + one edge tile, plus slack to align them
// to a cache line); constant, independent of the shape.
export function gemmWorkspaceBytes(): i32 {
  return <i32>(A_PANEL_BYTES + B_PANEL_BYTES + TILE_BYTES + CACHE_LINE);
}

export function gemm(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize, accumulate: i32, work: usize,
): void {
  if (m <= 0 || n <= 0) return;
  const ldc = <usize>n << 2; // bytes per row of C
  if (k <= 0) {
    // An empty sum: C = 0, or C unchanged when accumulating.
    if (!accumulate) memory.fill(c, 0, <usize>m * ldc);
    return;
  }
  if (<i64>m * n * k <= DIRECT_MAX_MULTIPLY_ADDS) {
    gemmDirect(transA, transB, m, n, k, a, b, c, accumulate);
    return;
  }
  gemmPart(transA, transB, m, n, k, a, b, c, accumulate, work, 0, m, 0, n, 0, 0);
}

// The register tile, MR rows × NR columns: the unit that src/backend/threads.ts counts when it
// decides how many blocks to cut C into.
export function gemmTileRows(): i32 {
  return MR;
}
export function gemmTileColumns(): i32 {
  return NR;
}

// Block `block` (0-based) of `blocks` of C = op(A)·op(B): C is cut along its longer side into
// `blocks` runs of whole register tiles, as equal as whole tiles allow; block b gets tiles
// [b·tiles/blocks, (b+1)·tiles/blocks), rounded down at both ends (empty when blocks exceeds
// the tiles). Every block needs all of the operand along the shorter side (op(B) when rows
// are cut, op(A) when columns are): `shared` is that operand already packed by gemmPackShared
// for the whole product, so that it is copied once rather than once per block; 0 packs it
// per block. Needs k ≥ 1 and m·n·k above DIRECT_MAX_MULTIPLY_ADDS: every element then gets
// exactly the bits that gemm gives it (see gemmPart), so threads that each run some blocks,
// each with its own `work`, reproduce one thread's result bit for bit (src/backend/threads.ts).
export function gemmBlock(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize, accumulate: i32, work: usize, shared: usize, block: i32, blocks: i32,
): void {
  const alongRows = m >= n;
  const length = alongRows ? m : n;
  const tile = alongRows ? MR : NR;
  const tiles = (length + tile - 1) / tile;
  const start = <i32>(<i64>block * tiles / blocks) * tile;
  const end = min(length, <i32>(<i64>(block + 1) * tiles / blocks) * tile);
  if (start >= end) return;
  if (alongRows) gemmPart(transA, transB, m, n, k, a, b, c, accumulate, work, start, end, 0, n, 0, shared);
  else gemmPart(transA, transB, m, n, k, a, b, c, accumulate, work, 0, m, start, end, shared, 0);
}

// Floats of gemmPackShared's output for an m×n×k product: op(B) packed whole (k × n rounded
// up to whole NR slivers per NC block) when m ≥ n, else op(A) (m rounded up to MR, × k).
export function gemmSharedFloats(m: i32, n: i32, k: i32): i32 {
  if (m >= n) return <i32>(<i64>k * paddedColumns(n));
  return <i32>(<i64>k * (((m + MR - 1) / MR) * MR));
}

// Packs the operand that every gemmBlock of this product needs whole (see gemmBlock) into
// dst (gemmSharedFloats floats), in the panels gemmPart reads: op(B) as packB's KC×NC panels,
// op(A) as packA's MC×KC panels, at the offsets sharedPanelB / sharedPanelA give.
export function gemmPackShared(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, dst: usize): void {
  if (m >= n) {
    for (let jc = 0; jc < n; jc += NC) {
      const nc = min(NC, n - jc);
      for (let pc = 0; pc < k; pc += KC) packB(transB, b, n, k, pc, jc, min(KC, k - pc), nc, sharedPanelB(dst, n, k, jc, pc));
    }
  } else {
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      for (let ic = 0; ic < m; ic += MC) packA(transA, a, m, k, ic, pc, min(MC, m - ic), kc, sharedPanelA(dst, m, pc, ic, kc));
    }
  }
}

// Columns of C padded to whole NR slivers within each NC block (the last block may be partial).
// @ts-ignore: decorator
@inline function paddedColumns(n: i32): i32 {
  const full = n / NC, rest = n % NC;
  return full * (((NC + NR - 1) / NR) * NR) + ((rest + NR - 1) / NR) * NR;
}

// The packed KC×NC panel of op(B) for column block jc and k-slice pc in a shared pack: the
// column blocks before jc (each k deep), then the k-slices before pc of this block.
// @ts-ignore: decorator
@inline function sharedPanelB(base: usize, n: i32, k: i32, jc: i32, pc: i32): usize {
  const ncPadded = ((min(NC, n - jc) + NR - 1) / NR) * NR;
  return base + ((<usize>k * paddedColumns(jc) + <usize>pc * ncPadded) << 2);
}

// The packed MC×KC panel of op(A) for k-slice pc and row block ic in a shared pack: the
// k-slices before pc (each all m rows, padded to MR), then the row blocks before ic (whole
// MC blocks, MC a multiple of MR) of this slice, each kc deep.
// @ts-ignore: decorator
@inline function sharedPanelA(base: usize, m: i32, pc: i32, ic: i32, kc: i32): usize {
  const mPadded = ((m + MR - 1) / MR) * MR;
  return base + ((<usize>pc * mPadded + <usize>ic * kc) << 2);
}

// The block C[rowStart:rowEnd, colStart:colEnd] of gemm's product by the packed path, with
// k ≥ 1. Every element of it gets exactly the bits the whole-matrix call gives it, because
// an element's sum runs over the same k-slices in the same order wherever its tile sits (an
// edge tile is computed padded, then its valid part is stored or added: the same arithmetic),
// and packing is a copy, wherever and by whom it is done.
// rowStart should be a multiple of MR and colStart of NR (any value is correct; whole tiles
// are faster). sharedA (all rows, rowStart = 0) or sharedB (all columns, colStart = 0) is a
// gemmPackShared pack to read instead of packing that operand here; 0 for none.
function gemmPart(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize, accumulate: i32, work: usize,
  rowStart: i32, rowEnd: i32, colStart: i32, colEnd: i32, sharedA: usize, sharedB: usize,
): void {
  const ldc = <usize>n << 2; // bytes per row of C
  // Carve the workspace: [packed A block][packed B block][edge tile], cache-line aligned.
  const packedA = (work + CACHE_LINE - 1) & ~(CACHE_LINE - 1);
  const ownB = packedA + A_PANEL_BYTES;
  const edgeTile = ownB + B_PANEL_BYTES;

  for (let jc = colStart; jc < colEnd; jc += NC) {
    const nc = min(NC, colEnd - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      // The first k-slice overwrites C unless the caller accumulates; later slices add.
      const addToC = accumulate != 0 || pc > 0;
      let packedB = ownB;
      if (sharedB != 0) packedB = sharedPanelB(sharedB, n, k, jc, pc);
      else packB(transB, b, n, k, pc, jc, kc, nc, packedB);
      // With transA the MR values of one step are already contiguous in A. When A is used
      // only once or twice (op(B) is at most two slivers wide) and the kc rows it walks are
      // close together (≤ 256 KB: L2 and the TLB hold them), the micro-kernel reads A in
      // place instead of copying it first. Edge slivers are still packed (zero padding).
      const inPlace = sharedA == 0 && transA != 0 && nc <= 2 * NR && <usize>kc * m <= IN_PLACE_MAX_FLOATS;
      for (let ic = rowStart; ic < rowEnd; ic += MC) {
        const mc = min(MC, rowEnd - ic);
        const tail = mc % MR; // rows of the last, partial sliver
        let panelA = packedA;
        if (sharedA != 0) panelA = sharedPanelA(sharedA, m, pc, ic, kc);
        else if (!inPlace) packA(transA, a, m, k, ic, pc, mc, kc, packedA);
        else if (tail != 0) packA(transA, a, m, k, ic + mc - tail, pc, tail, kc, packedA + (<usize>((mc - tail) * kc) << 2));
        // B sliver (KC×NR, L1) outside, A slivers (MR×KC, from the L2 block) inside.
        for (let jr = 0; jr < nc; jr += NR) {
          const cols = min(NR, nc - jr);
          const pb = packedB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            let pa = panelA + (<usize>(ir * kc) << 2);
            let aStep = <usize>MR << 2;
            if (inPlace && rows == MR) {
              pa = a + ((<usize>pc * m + ic + ir) << 2);
              aStep = <usize>m << 2;
            }
            const ct = c + <usize>(ic + ir) * ldc + (<usize>(jc + jr) << 2);
            microKernel(kc, pa, aStep, pb, ct, ldc, rows, cols, addToC, edgeTile);
          }
        }
      }
    }
  }
}

// ---- packing --------------------------------------------------------------------------------

// Packs op(A)[ic:ic+mc, pc:pc+kc] into slivers of MR rows. Sliver s holds, for p = 0..kc-1,
// the MR values op(A)[ic+s·MR+r, pc+p] (r = 0..MR-1) one after another; rows past m are 0.
function packA(transA: i32, a: usize, m: i32, k: i32, ic: i32, pc: i32, mc: i32, kc: i32, dst: usize): void {
  if (transA) {
    // A is k×m: op(A)[i, p] = A[p, i]; the MR values of one step are contiguous.
    packContiguous(a + ((<usize>pc * m + ic) << 2), <usize>m << 2, mc, MR, kc, dst);
  } else {
    // A is m×k: op(A)[i, p] = A[i, p]; the MR values of one step lie in MR rows of A.
    for (let ir = 0; ir < mc; ir += MR) {
      const src = a + ((<usize>(ic + ir) * k + pc) << 2);
      packStrided(src, <usize>k << 2, min(MR, mc - ir), MR, kc, dst + (<usize>(ir * kc) << 2));
    }
  }
}

// Packs op(B)[pc:pc+kc, jc:jc+nc] into slivers of NR columns. Sliver s holds, for
// p = 0..kc-1, the NR values op(B)[pc+p, jc+s·NR+j] (j = 0..NR-1); columns past n are 0.
function packB(transB: i32, b: usize, n: i32, k: i32, pc: i32, jc: i32, kc: i32, nc: i32, dst: usize): void {
  if (transB) {
    // B is n×k: op(B)[p, j] = B[j, p]; the NR values of one step lie in NR rows of B.
    for (let jr = 0; jr < nc; jr += NR) {
      const src = b + ((<usize>(jc + jr) * k + pc) << 2);
      packStrided(src, <usize>k << 2, min(NR, nc - jr), NR, kc, dst + (<usize>(jr * kc) << 2));
    }
  } else {
    // B is k×n: the NR values of one step are contiguous in a row of B.
    packContiguous(b + ((<usize>pc * n + jc) << 2), <usize>n << 2, nc, NR, kc, dst);
  }
}

// Packs `width` values from each of kc rows (row p at src + p·ld bytes) into slivers of W:
// value j of row p goes to sliver j/W, step p, lane j%W; lanes past `width` are 0.
// Four slivers are filled together so each row is read a whole cache line at a time: one
// sliver alone would touch kc lines at a large power-of-two stride, which evicts itself
// from L1 before the next sliver reuses them. (W is MR or NR, a compile-time constant.)
// @ts-ignore: decorator
@inline function packContiguous(src: usize, ld: usize, width: i32, W: i32, kc: i32, dst: usize): void {
  const step = <usize>W << 2;
  const sliverBytes = <usize>kc * step;
  let j = 0;
  for (; j + 4 * W <= width; j += 4 * W) {
    let s = src + (<usize>j << 2), d = dst + <usize>(j / W) * sliverBytes;
    for (let p = 0; p < kc; p++) {
      copyStep(s, W, d);
      copyStep(s + step, W, d + sliverBytes);
      copyStep(s + 2 * step, W, d + 2 * sliverBytes);
      copyStep(s + 3 * step, W, d + 3 * sliverBytes);
      s += ld;
      d += step;
    }
  }
  for (; j < width; j += W) {
    const count = min(W, width - j);
    let s = src + (<usize>j << 2), d = dst + <usize>(j / W) * sliverBytes;
    for (let p = 0; p < kc; p++) {
      if (count == W) {
        copyStep(s, W, d);
      } else {
        for (let q = 0; q < W; q++) store<f32>(d + (<usize>q << 2), q < count ? load<f32>(s + (<usize>q << 2)) : 0);
      }
      s += ld;
      d += step;
    }
  }
}

// Copies W contiguous floats (W = 3, 4, 8 or 12).
// @ts-ignore: decorator
@inline function copyStep(src: usize, W: i32, dst: usize): void {
  if (W == 3) {
    store<u64>(dst, load<u64>(src));
    store<f32>(dst, load<f32>(src, 8), 8);
  } else {
    for (let j = 0; j < W; j += 4) v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
  }
}

// dst[p·W + j] = src[j·ld + p] for p < kc, j < count, and 0 for count ≤ j < W: a transpose.
// Full slivers go four steps at a time: load 4 consecutive values from each row, shuffle
// rows into columns in registers, store whole vectors.
// @ts-ignore: decorator
@inline function packStrided(src: usize, ld: usize, count: i32, W: i32, kc: i32, dst: usize): void {
  const step = <usize>W << 2;
  let p = 0;
  if (count == W) {
    for (; p + 4 <= kc; p += 4) {
      const s = src + (<usize>p << 2);
      const d = dst + <usize>p * step;
      if (W == 3) {
        // 3 rows × 4 steps -> 12 contiguous values r0p0 r1p0 r2p0 r0p1 ... r2p3.
        const r0 = v128.load(s), r1 = v128.load(s + ld), r2 = v128.load(s + 2 * ld);
        const r01lo = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // r0p0 r1p0 r0p1 r1p1
        const r12mid = i32x4.shuffle(r1, r2, 1, 5, 2, 6); // r1p1 r2p1 r1p2 r2p2
        const r01hi = i32x4.shuffle(r0, r1, 3, 7, 3, 7); // r0p3 r1p3 r0p3 r1p3
        v128.store(d, i32x4.shuffle(r01lo, r2, 0, 1, 4, 2)); // r0p0 r1p0 r2p0 r0p1
        v128.store(d, i32x4.shuffle(r12mid, r0, 0, 1, 6, 2), 16); // r1p1 r2p1 r0p2 r1p2
        v128.store(d, i32x4.shuffle(r01hi, r2, 6, 0, 1, 7), 32); // r2p2 r0p3 r1p3 r2p3
      } else {
        // Groups of 4 rows: a 4×4 transpose each; step q of the group lands at d + q·step.
        for (let g = 0; g < W; g += 4) {
          const sg = s + <usize>g * ld, dg = d + (<usize>g << 2);
          const r0 = v128.load(sg), r1 = v128.load(sg + ld), r2 = v128.load(sg + 2 * ld), r3 = v128.load(sg + 3 * ld);
          const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5); // r0p0 r1p0 r0p1 r1p1
          const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5); // r2p0 r3p0 r2p1 r3p1
          const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7); // r0p2 r1p2 r0p3 r1p3
          const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7); // r2p2 r3p2 r2p3 r3p3
          v128.store(dg, i32x4.shuffle(t0, t1, 0, 1, 4, 5));
          v128.store(dg + step, i32x4.shuffle(t0, t1, 2, 3, 6, 7));
          v128.store(dg + 2 * step, i32x4.shuffle(t2, t3, 0, 1, 4, 5));
          v128.store(dg + 3 * step, i32x4.shuffle(t2, t3, 2, 3, 6, 7));
        }
      }
    }
  }
  // Scalar: the last kc % 4 steps of a full sliver, or a whole edge sliver with zero padding.
  for (; p < kc; p++) {
    const d = dst + <usize>p * step;
    for (let j = 0; j < W; j++) {
      store<f32>(d + (<usize>j << 2), j < count ? load<f32>(src + <usize>j * ld + (<usize>p << 2)) : 0);
    }
  }
}

// ---- micro-kernel ---------------------------------------------------------------------------

// Writes one row of the tile: C[0..8) = (v0, v1), or += when addToC.
// @ts-ignore: decorator
@inline function storeRow8(c: usize, v0: v128, v1: v128, addToC: bool): void {
  if (addToC) {
    v0 = f32x4.add(v128.load(c), v0);
    v1 = f32x4.add(v128.load(c, 16), v1);
  }
  v128.store(c, v0);
  v128.store(c, v1, 16);
}

// Writes one row of the tile: C[0..12) = (v0, v1, v2), or += when addToC.
// @ts-ignore: decorator
@inline function storeRow12(c: usize, v0: v128, v1: v128, v2: v128, addToC: bool): void {
  storeRow8(c, v0, v1, addToC);
  if (addToC) v2 = f32x4.add(v128.load(c, 32), v2);
  v128.store(c, v2, 32);
}

// C tile (rows×cols at c, row stride ldc bytes) = or += Σ_p a_p ⊗ b_p over kc steps, where
// a_p (MR values) is at pa + p·aStep (aStep = MR·4 when packed, one row of A when read in
// place) and b_p (NR values) at pb + p·NR·4 in a packed sliver of B. The padded full MR×NR
// tile is always computed; an edge tile goes through the `edge` scratch so that only the
// valid rows×cols of C are written.
function microKernel(kc: i32, pa: usize, aStep: usize, pb: usize, c: usize, ldc: usize, rows: i32, cols: i32, addToC: bool, edge: usize): void {
  const full = rows == MR && cols == NR;
  const out = full ? c : edge;
  const ldo = full ? ldc : <usize>(NR << 2);
  const addOut = full && addToC;
  if (MR == 3) kernel3x12(kc, pa, aStep, pb, out, ldo, addOut);
  else kernel4x8(kc, pa, aStep, pb, out, ldo, addOut);
  if (!full) {
    for (let i = 0; i < rows; i++) {
      const ci = c + <usize>i * ldc;
      const ei = edge + (<usize>(i * NR) << 2);
      for (let j = 0; j < cols; j++) {
        const o = <usize>j << 2;
        const v = load<f32>(ei + o);
        store<f32>(ci + o, addToC ? load<f32>(ci + o) + v : v);
      }
    }
  }
}

// 4×8 register tile: rows r = 0..3 each hold two f32x4 accumulators (columns 0-3, 4-7).
// Per k step p: load op(B)[p, 0..8) once as two vectors b0, b1; for each row r splat
// op(A)[r, p] into all four lanes and do c_r0 += a·b0, c_r1 += a·b1 (an outer product).
// @ts-ignore: decorator
@inline function kernel4x8(kc: i32, pa: usize, aStep: usize, pb: usize, c: usize, ldc: usize, addToC: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = pb + <usize>(kc * 32);
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    pa += aStep;
    pb += 32;
  }
  storeRow8(c, c00, c01, addToC);
  storeRow8(c + ldc, c10, c11, addToC);
  storeRow8(c + 2 * ldc, c20, c21, addToC);
  storeRow8(c + 3 * ldc, c30, c31, addToC);
}

// 3×12 register tile (relaxed build): the same outer-product step with three rows of three
// f32x4 accumulators (columns 0-3, 4-7, 8-11).
// @ts-ignore: decorator
@inline function kernel3x12(kc: i32, pa: usize, aStep: usize, pb: usize, c: usize, ldc: usize, addToC: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c22 = f32x4.splat(0);
  const end = pb + <usize>(kc * 48);
  while (pb < end) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    const b2 = v128.load(pb, 32);
    let av = v128.load32_splat(pa);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01); c02 = madd(av, b2, c02);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11); c12 = madd(av, b2, c12);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21); c22 = madd(av, b2, c22);
    pa += aStep;
    pb += 48;
  }
  storeRow12(c, c00, c01, c02, addToC);
  storeRow12(c + ldc, c10, c11, c12, addToC);
  storeRow12(c + 2 * ldc, c20, c21, c22, addToC);
}

// ---- small shapes ---------------------------------------------------------------------------

// C = or += op(A)·op(B) by the textbook triple loop: for tiny products packing costs more
// than it saves. Sums in f32 in the order p = 0..k-1.
function gemmDirect(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: i32): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum: f32 = 0;
      for (let p = 0; p < k; p++) {
        const aip = transA ? load<f32>(a + ((<usize>p * m + i) << 2)) : load<f32>(a + ((<usize>i * k + p) << 2));
        const bpj = transB ? load<f32>(b + ((<usize>j * k + p) << 2)) : load<f32>(b + ((<usize>p * n + j) << 2));
        sum += aip * bpj;
      }
      const o = c + ((<usize>i * n + j) << 2);
      store<f32>(o, accumulate ? load<f32>(o) + sum : sum);
    }
  }
}
