/**
 * Seeded randomness for kerno. One global generator, set by `setSeed(n)`,
 * seeds every other: each layer and model draws the seed of its own
 * `SeedGenerator` from it when it is created, and from then on its weight
 * initialisation, dropout masks and `fit` shuffling draw from that stream
 * alone (Keras 3's design). So `setSeed(n)` makes a whole program
 * repeatable, and a model's numbers depend only on the global state when it
 * was created, not on what other models draw while it trains.
 *
 * The generator is mulberry32 (a 32-bit state, full period 2^32), small and
 * fast enough for drawing seeds and permutations; tensor-sized random draws
 * are made by TensorFlow.js's own seeded kernels with seeds drawn from here.
 *
 * @module
 */

let state = (Math.random() * 2 ** 32) >>> 0;

/**
 * Makes every random choice kerno takes from now on repeatable: weight
 * initialisation, dropout masks, shuffling in `fit` and `Dataset.shuffle`
 * without an explicit seed. Layers and models created after the call draw
 * their own generators' seeds (see `SeedGenerator`) from this one.
 *
 * @param seed Any finite number; equal seeds give bit-identical runs.
 * @example
 * ```ts
 * import { setSeed } from "./random.ts";
 * setSeed(42);
 * ```
 */
export function setSeed(seed: number): void {
  if (typeof seed !== "number" || !Number.isFinite(seed)) {
    throw new TypeError(`Cannot set seed as "seed" must be a finite number: received ${seed}`);
  }
  state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
}

/**
 * The global generator's state, for checkpoints that must resume bit-identically.
 *
 * @returns The 32-bit state.
 */
export function getRandomState(): number {
  return state;
}

/**
 * Restores a state read with `getRandomState`.
 *
 * @param s A 32-bit unsigned integer.
 */
export function setRandomState(s: number): void {
  if (!Number.isInteger(s) || s < 0 || s >= 2 ** 32) {
    throw new RangeError(
      `Cannot set the random state as it must be a 32-bit unsigned integer: received ${s}`,
    );
  }
  state = s >>> 0;
}

/** Next 32-bit unsigned integer from a mulberry32 state held in `s[0]`. */
function mulberry32(s: Uint32Array): number {
  s[0] = (s[0] + 0x6d2b79f5) >>> 0;
  let t = s[0];
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

const globalState = new Uint32Array(1);

/**
 * Draws a fresh integer seed from kerno's global generator, for handing to
 * a TensorFlow.js random op.
 *
 * @returns An integer in [0, 2^31).
 */
export function nextSeed(): number {
  globalState[0] = state;
  const value = mulberry32(globalState);
  state = globalState[0];
  return value >>> 1;
}

/** A small seeded random generator (mulberry32) for permutations and sampling. */
export class Random {
  #state = new Uint32Array(1);

  /**
   * @param seed The seed; when omitted one is drawn from the global generator.
   */
  constructor(seed?: number) {
    this.#state[0] = (seed === undefined ? nextSeed() : Math.floor(seed)) >>> 0;
  }

  /** The 32-bit state, for checkpoints that must resume bit-identically. */
  get state(): number {
    return this.#state[0];
  }
  set state(s: number) {
    if (!Number.isInteger(s) || s < 0 || s >= 2 ** 32) {
      throw new RangeError(
        `Cannot set the random state as it must be a 32-bit unsigned integer: received ${s}`,
      );
    }
    this.#state[0] = s;
  }

  /** @returns A float in [0, 1). */
  next(): number {
    return mulberry32(this.#state) / 4294967296;
  }

  /**
   * @param n The length of the permutation.
   * @returns A uniformly random permutation of 0..n-1 (Fisher-Yates).
   */
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}
