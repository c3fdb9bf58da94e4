/**
 * Internal: standard normal draws from a seeded {@link Random}.
 *
 * @module
 */
import type { Random } from "../engine/random.ts";

/**
 * Draws one value from the standard normal distribution by the Box-Muller
 * transform: `sqrt(-2 ln u1) * cos(2 pi u2)` for independent uniform u1, u2.
 *
 * @param rng The seeded generator.
 * @returns A sample of N(0, 1).
 */
export function gaussian(rng: Random): number {
  const u1 = 1 - rng.next(); // in (0, 1], so the logarithm is finite
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
