/**
 * Internal: the seeded shuffles Keras's data utilities use, reproduced so
 * that a seed gives Keras's order — NumPy's legacy
 * `np.random.RandomState(seed).shuffle(list)` (directory and time-series
 * utilities) and Python's `random.seed(seed); random.shuffle(list)`
 * (`split_dataset`). Both run the Mersenne Twister (MT19937) and a
 * Fisher–Yates pass from the end; NumPy seeds it from one 32-bit integer
 * and draws an index in `[0, i]` by masking 32-bit outputs and rejecting
 * those above `i`, Python seeds it from the integer's 32-bit words
 * (`init_by_array`) and draws by keeping the top `bitLength(i + 1)` bits
 * and rejecting those above `i`.
 *
 * @module
 */

const N = 624;
const M = 397;

/** The Mersenne Twister MT19937 (Matsumoto & Nishimura 1998), 32-bit outputs. */
export class MersenneTwister {
  readonly #state = new Uint32Array(N);
  #index = N;

  /**
   * Seeded from one 32-bit integer (`init_genrand`, NumPy's legacy seeding).
   *
   * @param seed An integer in `[0, 2^32)`.
   */
  constructor(seed: number) {
    const s = this.#state;
    s[0] = seed >>> 0;
    for (let i = 1; i < N; i++) s[i] = Math.imul(1812433253, s[i - 1] ^ (s[i - 1] >>> 30)) + i;
  }

  /** Seeded from 32-bit words (`init_by_array`, Python's `random.seed`). */
  static fromWords(key: readonly number[]): MersenneTwister {
    const rng = new MersenneTwister(19650218);
    const mt = rng.#state;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ Math.imul(p, 1664525)) + key[j] + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const p = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (mt[i] ^ Math.imul(p, 1566083941)) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    return rng;
  }

  /** @returns The next 32-bit output. */
  nextUint32(): number {
    if (this.#index >= N) this.#twist();
    let y = this.#state[this.#index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** @returns A double in `[0, 1)` from 53 random bits (NumPy's `random_sample`). */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * An integer in `[0, max]` as NumPy's legacy `random_interval` draws it:
   * masked 32-bit outputs, those above `max` rejected.
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

  #twist(): void {
    const s = this.#state;
    for (let i = 0; i < N; i++) {
      const y = (s[i] & 0x80000000) | (s[(i + 1) % N] & 0x7fffffff);
      s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.#index = 0;
  }
}

/**
 * Shuffles `items` in place as NumPy's legacy `RandomState.shuffle` does
 * with `rng` (Fisher-Yates from the end), advancing `rng`.
 *
 * @param rng The generator.
 * @param items The list (fewer than 2^32 items).
 * @returns `items`.
 */
export function shuffleWith<T>(rng: MersenneTwister, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.interval(i);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/**
 * Shuffles `items` in place as `np.random.RandomState(seed).shuffle(items)`.
 *
 * @param items The list (fewer than 2^32 items).
 * @param seed An integer in `[0, 2^32)`.
 * @returns `items`.
 */
export function numpyShuffle<T>(items: T[], seed: number): T[] {
  return shuffleWith(new MersenneTwister(seed), items);
}

/**
 * Shuffles `items` in place as Python's `random.seed(seed);
 * random.shuffle(items)`.
 *
 * @param items The list.
 * @param seed A non-negative safe integer.
 * @returns `items`.
 */
export function pythonShuffle<T>(items: T[], seed: number): T[] {
  const words: number[] = [];
  let rest = Math.abs(seed);
  do {
    words.push(rest % 2 ** 32);
    rest = Math.floor(rest / 2 ** 32);
  } while (rest > 0);
  const rng = MersenneTwister.fromWords(words);
  for (let i = items.length - 1; i > 0; i--) {
    const n = i + 1;
    const bits = 32 - Math.clz32(n);
    let j: number;
    do j = rng.nextUint32() >>> (32 - bits); while (j >= n);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/**
 * A seed as Keras draws one when none is given (`np.random.randint(1e6)`).
 *
 * @returns An integer in `[0, 10^6)`.
 */
export function drawSeed(): number {
  return Math.floor(Math.random() * 1e6);
}
