/**
 * Internal: the shuffle of NumPy's legacy `RandomState(seed)` (the Mersenne
 * Twister of `utils/_seeded_shuffle.ts`), so that `imdb`, `reuters` and
 * `bostonHousing` put their samples in the same order as Keras for the
 * same `seed`.
 *
 * @module
 */
import { MersenneTwister, shuffleWith } from "../../utils/_seeded_shuffle.ts";

export { MersenneTwister };

/**
 * Shuffles `0..n-1` as NumPy's legacy `RandomState.shuffle` does with
 * `rng`, advancing `rng`.
 *
 * @param rng The generator, e.g. `new MersenneTwister(113)`.
 * @param n How many indices.
 * @returns The shuffled indices.
 */
export function shuffledIndices(rng: MersenneTwister, n: number): number[] {
  return shuffleWith(rng, Array.from({ length: n }, (_, i) => i));
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
