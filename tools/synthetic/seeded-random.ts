/**
 * A small, fast, seedable pseudo-random source for synthetic data.
 *
 * xoshiro128** (Blackman & Vigna) on 32-bit integer ops: period 2^128 - 1, passes BigCrush,
 * and needs only `Math.imul` and shifts, so it stays in V8's small-integer fast path. A
 * 2M-event benchmark draws ~30M numbers, far beyond what a 32-bit-state generator such as
 * mulberry32 should be trusted with. The state is seeded through splitmix32 so that nearby
 * seeds (1, 2, 3...) give unrelated streams.
 */

const TWO_POW_32 = 4294967296;

export interface SeededRandom {
  /** A uniform 32-bit unsigned integer. */
  uint32(): number;
  /** A uniform float in [0, 1). */
  float(): number;
  /** A uniform integer in [0, n). */
  int(n: number): number;
  /** A standard normal deviate (mean 0, sd 1). */
  normal(): number;
  /** exp(mu + sigma * Z): the log of the result is normal with mean `mu` and sd `sigma`. */
  lognormal(mu: number, sigma: number): number;
  /** An exponential deviate with the given rate (mean 1 / rate). */
  exponential(rate: number): number;
  /** A Pareto (type I) deviate: heavy tail with P(X > x) = (scale / x)^shape for x >= scale. */
  pareto(scale: number, shape: number): number;
  /**
   * An index drawn with probability proportional to the weights whose running totals are
   * `cumulative` (as built by `cumulativeWeights`).
   */
  pick(cumulative: Float64Array): number;
}

/** Running totals of `weights`, the form `SeededRandom.pick` samples from. */
export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const cumulative = new Float64Array(weights.length);
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i] ?? 0;
    if (!(weight >= 0) || !Number.isFinite(weight)) {
      throw new RangeError(`weight ${i} must be a finite number >= 0, got ${weight}`);
    }
    total += weight;
    cumulative[i] = total;
  }
  if (total <= 0) throw new RangeError('at least one weight must be > 0');
  return cumulative;
}

class Xoshiro128StarStar implements SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  // Box-Muller yields deviates in pairs; the second one is kept for the next call.
  private spareNormal = 0;
  private hasSpareNormal = false;

  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix32();
    this.s1 = splitmix32();
    this.s2 = splitmix32();
    this.s3 = splitmix32();
    // The all-zero state is the one fixed point of xoshiro; splitmix32 cannot produce four
    // zeros in a row, but guard anyway because the cost is one comparison at construction.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  uint32(): number {
    const s1 = this.s1;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result >>> 0;
  }

  float(): number {
    return this.uint32() / TWO_POW_32;
  }

  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    // 1 - float() is in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.float()));
    const angle = 2 * Math.PI * this.float();
    this.spareNormal = radius * Math.sin(angle);
    this.hasSpareNormal = true;
    return radius * Math.cos(angle);
  }

  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  exponential(rate: number): number {
    return -Math.log(1 - this.float()) / rate;
  }

  pareto(scale: number, shape: number): number {
    return scale / Math.pow(1 - this.float(), 1 / shape);
  }

  pick(cumulative: Float64Array): number {
    const last = cumulative.length - 1;
    const target = this.float() * (cumulative[last] ?? 0);
    // Linear scan: the tables here have at most a dozen entries, where a scan beats bisection.
    for (let i = 0; i < last; i++) {
      if (target < (cumulative[i] ?? 0)) return i;
    }
    return last;
  }
}

/** A deterministic random source: the same seed always yields the same sequence. */
export function createSeededRandom(seed: number): SeededRandom {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  return new Xoshiro128StarStar(seed);
}
