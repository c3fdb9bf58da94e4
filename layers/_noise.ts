/**
 * Internal: the argument checks shared by the random regularization layers
 * (GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D/2D/3D).
 *
 * @module
 */
import { number } from "../engine/validate.ts";

/** A dropout rate in [0, 1), as kerno's Dropout (1 would divide by zero). */
export function dropoutRate(layer: string, rate: unknown): number {
  return number(`build ${layer}`, "rate", rate, { min: 0, max: 1, maxOpen: true });
}

/** An optional seed: null (or absent) for a seed drawn from the global generator. */
export function seedOption(layer: string, seed: unknown): number | null {
  return seed === undefined || seed === null ? null : number(`build ${layer}`, "seed", seed);
}
