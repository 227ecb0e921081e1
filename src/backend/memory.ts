/**
 * A first-fit allocator over WebAssembly linear memory.
 *
 * Kernels take byte offsets, so every Tensor of the wasm backend is a range of linear
 * memory handed out here. Ranges are 16-byte aligned (one f32x4 vector) so SIMD loads
 * never straddle an alignment boundary. Freed ranges go back to a sorted free list and
 * are merged with their neighbours, so memory is reused rather than leaked.
 *
 * When no free range fits, linear memory grows. Growing replaces `memory.buffer` and
 * detaches every old typed-array view; offsets stay valid, so a Tensor keeps its offset
 * and rebuilds its view (see WasmStorage.view in wasm.ts).
 */

import { MemoryLimitError, ValueError } from '../errors.js';
import type { MemoryStats } from './kernels.js';

/** Every allocation starts on, and is rounded up to, this many bytes. */
const ALIGNMENT = 16;
const PAGE_BYTES = 65536;

interface FreeRange {
  offset: number;
  size: number;
}

/** The part of WebAssembly.Memory the allocator needs (a real Memory satisfies it). */
export interface GrowableMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;
}

export class Allocator {
  /** Free ranges sorted by offset, never adjacent (adjacent ones are merged). */
  private freeList: FreeRange[] = [];
  /** Live allocations: offset -> size in bytes. */
  private live = new Map<number, number>();
  /** End of the highest range ever handed out; above it lies untouched memory. */
  private top: number;
  private inUse = 0;

  constructor(private readonly memory: GrowableMemory, readonly base: number) {
    this.top = alignUp(base);
  }

  /** Returns the byte offset of a new 16-byte aligned range of at least `bytes` bytes. */
  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new ValueError(`alloc: bytes must be a non-negative integer, got ${bytes}`);
    const size = Math.max(ALIGNMENT, alignUp(bytes));
    // First fit in the free list.
    for (let i = 0; i < this.freeList.length; i++) {
      const range = this.freeList[i];
      if (range.size < size) continue;
      const offset = range.offset;
      if (range.size === size) this.freeList.splice(i, 1);
      else {
        range.offset += size;
        range.size -= size;
      }
      return this.markLive(offset, size);
    }
    // A free range that ends at `top` can be extended instead of leaving it stranded.
    const last = this.freeList[this.freeList.length - 1];
    const extendLast = last !== undefined && last.offset + last.size === this.top;
    const offset = extendLast ? last.offset : this.top;
    this.ensureCapacity(offset + size); // may throw: take the range off the free list only after
    if (extendLast) this.freeList.pop();
    this.top = offset + size;
    return this.markLive(offset, size);
  }

  /** Returns a range to the free list, merging it with free neighbours. */
  free(offset: number): void {
    const size = this.live.get(offset);
    if (size === undefined) throw new ValueError(`free: offset ${offset} is not a live allocation`);
    this.live.delete(offset);
    this.inUse -= size;
    // Binary search for the insertion point.
    let lo = 0, hi = this.freeList.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.freeList[mid].offset < offset) lo = mid + 1;
      else hi = mid;
    }
    const range: FreeRange = { offset, size };
    this.freeList.splice(lo, 0, range);
    const next = this.freeList[lo + 1];
    if (next !== undefined && range.offset + range.size === next.offset) {
      range.size += next.size;
      this.freeList.splice(lo + 1, 1);
    }
    const prev = this.freeList[lo - 1];
    if (prev !== undefined && prev.offset + prev.size === range.offset) {
      prev.size += range.size;
      this.freeList.splice(lo, 1);
    }
  }

  /** Size in bytes of a live allocation, or undefined. */
  sizeOf(offset: number): number | undefined {
    return this.live.get(offset);
  }

  stats(): MemoryStats {
    return {
      bytesInUse: this.inUse,
      bytesReserved: this.memory.buffer.byteLength - this.base,
      liveAllocations: this.live.size,
    };
  }

  private markLive(offset: number, size: number): number {
    this.live.set(offset, size);
    this.inUse += size;
    return offset;
  }

  /** Grows linear memory so that [0, end) exists; grows at least by half to amortize. */
  private ensureCapacity(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const needPages = Math.ceil((end - have) / PAGE_BYTES);
    const amortized = Math.ceil(have / PAGE_BYTES / 2);
    try {
      this.memory.grow(Math.max(needPages, amortized));
    } catch {
      try {
        this.memory.grow(needPages); // near the 4 GiB limit, take only what is needed
      } catch (error) {
        // Nothing has changed yet: the caller takes the range only after this returns.
        throw new MemoryLimitError(`alloc: linear memory cannot grow to ${end} bytes (${(error as Error).message}); nothing was allocated`);
      }
    }
  }
}
