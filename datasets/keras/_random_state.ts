/**
 * Internal: the shuffle of NumPy's legacy `RandomState(seed)` — a Mersenne
 * Twister (MT19937, Matsumoto & Nishimura 1998) seeded by its
 * `init_genrand`, and a Fisher-Yates pass drawing each index by masked
 * rejection sampling — so that `imdb`, `reuters` and `bostonHousing` put
 * their samples in the same order as Keras for the same `seed`.
 *
 * @module
 */

/** The Mersenne Twister MT19937, 32-bit outputs. */
export class MersenneTwister {
  readonly #state = new Uint32Array(624);
  #index = 624;

  /**
   * Seeds the generator as `init_genrand` does.
   *
   * @param seed An integer in [0, 2^32).
   */
  constructor(seed: number) {
    const mt = this.#state;
    mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      // 1812433253 * prev mod 2^32, split to stay exact in doubles.
      mt[i] = ((((prev & 0xffff0000) >>> 16) * 1812433253) << 16) +
        (prev & 0x0000ffff) * 1812433253 + i;
    }
  }

  /** @returns The next 32-bit output. */
  nextUint32(): number {
    const mt = this.#state;
    if (this.#index >= 624) {
      for (let i = 0; i < 624; i++) {
        const y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
        mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.#index = 0;
    }
    let y = mt[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** @returns A double in [0, 1) from 53 random bits (NumPy's `random_sample`). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * An integer in [0, max] by masked rejection, as NumPy's legacy
   * `random_interval`.
   *
   * @param max The largest value (below 2^32).
   * @returns The integer.
   */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do value = (this.nextUint32() & mask) >>> 0; while (value > max);
    return value;
  }
}

/**
 * Shuffles `0..n-1` as NumPy's legacy `RandomState.shuffle` does with
 * `rng` (Fisher-Yates from the end), advancing `rng`.
 *
 * @param rng The generator, e.g. `new MersenneTwister(113)`.
 * @param n How many indices.
 * @returns The shuffled indices.
 */
export function shuffledIndices(rng: MersenneTwister, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i >= 1; i--) {
    const j = rng.interval(i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * `np.random.RandomState(seed).permutation(n)`.
 *
 * @param n How many indices.
 * @param seed The seed.
 * @returns The shuffled indices.
 */
export function legacyPermutation(n: number, seed: number): number[] {
  return shuffledIndices(new MersenneTwister(seed), n);
}
