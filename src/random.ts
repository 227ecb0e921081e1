/**
 * Seeded randomness. One seed reaches everything (docs/DESIGN.md, "Randomness"): initializers,
 * shuffling and the validation split draw from `Random`; dropout masks come from the
 * counter-based `hash32`, which the AssemblyScript kernels implement bit for bit.
 * Library code never calls Math.random.
 */

/**
 * A 32-bit integer hash with good avalanche ("lowbias32", C. Wellons):
 * x ^= x>>>16; x *= 0x7feb352d; x ^= x>>>15; x *= 0x846ca68b; x ^= x>>>16.
 * Counter-based: hash32(key + i) gives the i-th random word without any state, so any
 * element can be drawn in any order, on any backend, with the same result.
 */
export function hash32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x;
}

/** Mixes several integers into one 32-bit key: hash32(... hash32(hash32(a) ^ b) ...). */
export function mixKey(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const w of words) h = hash32((h ^ (w >>> 0)) >>> 0);
  return h;
}

/** Where a generator stands: its four state words, and the second normal draw it kept. */
export interface RandomState {
  words: [number, number, number, number];
  spareNormal: number | null;
}

/** A seeded generator (xoshiro128**, state seeded by splitmix32 from one integer seed). */
export class Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(readonly seed: number) {
    let z = seed >>> 0;
    const splitmix = (): number => {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x21f0aaad) >>> 0;
      t = Math.imul(t ^ (t >>> 15), 0x735a2d97) >>> 0;
      return (t ^ (t >>> 15)) >>> 0;
    };
    this.s0 = splitmix();
    this.s1 = splitmix();
    this.s2 = splitmix();
    this.s3 = splitmix();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3 >>> 0, 11);
    this.s0 >>>= 0; this.s1 >>>= 0; this.s2 >>>= 0;
    return result;
  }

  /** A uniform float in [0, 1) with 32 random bits. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform float in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A standard normal draw (Box–Muller, the second value kept for the next call). */
  normal(mean = 0, stddev = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + stddev * z;
    }
    let u = 0;
    while (u === 0) u = this.next(); // log(0) would be -Infinity
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + stddev * r * Math.cos(2 * Math.PI * v);
  }

  /** A normal draw redrawn until it lies within two standard deviations (as Keras/TF.js). */
  truncatedNormal(mean = 0, stddev = 1): number {
    for (;;) {
      const z = this.normal();
      if (Math.abs(z) <= 2) return mean + stddev * z;
    }
  }

  /** The generator's state: continuing from it with `setState` gives the same stream. */
  getState(): RandomState {
    return { words: [this.s0, this.s1, this.s2, this.s3], spareNormal: this.spareNormal };
  }

  /** Puts the generator back in a state `getState` returned. */
  setState(state: RandomState): void {
    [this.s0, this.s1, this.s2, this.s3] = state.words.map((w) => w >>> 0);
    this.spareNormal = state.spareNormal;
  }

  /** Shuffles `array` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

/** The stream from which models created without a `seed` take theirs. */
let modelSeeds = new Random(0);

/** Seeds the stream from which models without an explicit `seed` take theirs. */
export function setSeed(seed: number): void {
  modelSeeds = new Random(seed);
}

/** The seed of the next model created without one. */
export function nextModelSeed(): number {
  return modelSeeds.nextUint32();
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
