/**
 * Validation of the β/ε hyper-parameters shared by the Adam family and Lion.
 *
 * @module
 */
import { number } from "../engine/validate.ts";

/** Validated β₁, β₂ and ε. */
export interface Betas {
  /** β₁ in [0, 1). */
  beta1: number;
  /** β₂ in [0, 1). */
  beta2: number;
  /** ε > 0. */
  epsilon: number;
}

/**
 * Checks β₁, β₂ in [0, 1) and ε > 0, filling in defaults.
 *
 * @param owner The optimizer's class name.
 * @param given The options received.
 * @param defaults The defaults.
 * @returns The validated values.
 */
export function checkBetas(owner: string, given: Partial<Betas>, defaults: Betas): Betas {
  const what = `create ${owner}`;
  const unit = { min: 0, max: 1, maxOpen: true };
  return {
    beta1: number(what, "beta1", given.beta1 ?? defaults.beta1, unit),
    beta2: number(what, "beta2", given.beta2 ?? defaults.beta2, unit),
    epsilon: number(what, "epsilon", given.epsilon ?? defaults.epsilon, {
      min: 0,
      max: Infinity,
      minOpen: true,
    }),
  };
}
