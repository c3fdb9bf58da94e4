/**
 * What the normalization layers with a learned scale and offset share:
 * checking `epsilon`, `center`, `scale` and the initializers and
 * regularizers of `gamma` and `beta` when the layer is created, so that a
 * typo fails there rather than at build.
 *
 * @module
 */
import { getInitializer, type InitializerLike } from "../engine/initializers.ts";
import { getRegularizer, type RegularizerLike } from "../engine/regularizers.ts";
import { boolean, number, POSITIVE } from "../engine/validate.ts";

/** The options a learned scale and offset take. */
export interface AffineOptions {
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerLike;
  gammaInitializer?: InitializerLike;
  betaRegularizer?: RegularizerLike | null;
  gammaRegularizer?: RegularizerLike | null;
}

/** The keys of {@link AffineOptions}. */
export const AFFINE_OPTION_KEYS: readonly (keyof AffineOptions)[] = [
  "epsilon",
  "center",
  "scale",
  "betaInitializer",
  "gammaInitializer",
  "betaRegularizer",
  "gammaRegularizer",
];

/**
 * Checks the affine options (defaults: `epsilon` 1e-3, `center` and `scale`
 * true, beta zeros, gamma ones).
 *
 * @param what What was being done, e.g. `"build LayerNormalization"`.
 * @param options The layer's options.
 * @param nullRegularizers Whether `null` means "no regularizer" (as in a
 *   config that writes them out).
 * @returns `epsilon`, `center` and `scale`.
 */
export function checkAffine(
  what: string,
  options: AffineOptions,
  nullRegularizers: boolean,
): { epsilon: number; center: boolean; scale: boolean } {
  const epsilon = number(what, "epsilon", options.epsilon, POSITIVE, 1e-3);
  const center = boolean(what, "center", options.center, true);
  const scale = boolean(what, "scale", options.scale, true);
  getInitializer(options.betaInitializer ?? "zeros");
  getInitializer(options.gammaInitializer ?? "ones");
  for (const r of [options.betaRegularizer, options.gammaRegularizer]) {
    if (r === undefined || (r === null && nullRegularizers)) continue;
    getRegularizer(r as RegularizerLike);
  }
  return { epsilon, center, scale };
}
