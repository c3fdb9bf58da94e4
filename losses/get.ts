/**
 * Resolves a loss identifier — a Keras name, a {@linkcode Loss} or a function —
 * to a {@linkcode Loss}.
 *
 * @module
 */
import { normalizeIdentifier } from "../engine/naming.ts";
import { BinaryCrossentropy } from "./binary_crossentropy.ts";
import { CategoricalCrossentropy } from "./categorical_crossentropy.ts";
import { Hinge } from "./hinge.ts";
import { Huber } from "./huber.ts";
import { KLDivergence } from "./kl_divergence.ts";
import { LogCosh } from "./log_cosh.ts";
import { Loss, type LossFunction } from "./loss.ts";
import { LossFunctionWrapper } from "./loss_function_wrapper.ts";
import { MeanAbsoluteError } from "./mean_absolute_error.ts";
import { MeanSquaredError } from "./mean_squared_error.ts";
import { SparseCategoricalCrossentropy } from "./sparse_categorical_crossentropy.ts";
import { Poisson } from "./poisson.ts";
import { SquaredHinge } from "./squared_hinge.ts";
import { CategoricalHinge } from "./categorical_hinge.ts";
import { CosineSimilarity } from "./cosine_similarity.ts";
import { MeanSquaredLogarithmicError } from "./mean_squared_logarithmic_error.ts";
import { MeanAbsolutePercentageError } from "./mean_absolute_percentage_error.ts";
import { BinaryFocalCrossentropy } from "./binary_focal_crossentropy.ts";
import { CategoricalFocalCrossentropy } from "./categorical_focal_crossentropy.ts";

/** The Keras snake_case names (and aliases) that {@linkcode getLoss} accepts. */
export const LOSS_NAMES: readonly string[] = [
  "binary_crossentropy",
  "bce",
  "categorical_crossentropy",
  "sparse_categorical_crossentropy",
  "mean_squared_error",
  "mse",
  "mean_absolute_error",
  "mae",
  "huber",
  "hinge",
  "kl_divergence",
  "kld",
  "log_cosh",
  "poisson",
  "squared_hinge",
  "categorical_hinge",
  "cosine_similarity",
  "mean_squared_logarithmic_error",
  "msle",
  "mean_absolute_percentage_error",
  "mape",
  "binary_focal_crossentropy",
  "categorical_focal_crossentropy",
];

/** Factories keyed by the lower-cased name without underscores. */
const FACTORIES: Record<string, () => Loss> = {
  binarycrossentropy: () => new BinaryCrossentropy(),
  bce: () => new BinaryCrossentropy(),
  categoricalcrossentropy: () => new CategoricalCrossentropy(),
  sparsecategoricalcrossentropy: () => new SparseCategoricalCrossentropy(),
  meansquarederror: () => new MeanSquaredError(),
  mse: () => new MeanSquaredError(),
  meanabsoluteerror: () => new MeanAbsoluteError(),
  mae: () => new MeanAbsoluteError(),
  huber: () => new Huber(),
  huberloss: () => new Huber(),
  hinge: () => new Hinge(),
  kldivergence: () => new KLDivergence(),
  kld: () => new KLDivergence(),
  kullbackleiblerdivergence: () => new KLDivergence(),
  logcosh: () => new LogCosh(),
  poisson: () => new Poisson(),
  squaredhinge: () => new SquaredHinge(),
  categoricalhinge: () => new CategoricalHinge(),
  cosinesimilarity: () => new CosineSimilarity(),
  meansquaredlogarithmicerror: () => new MeanSquaredLogarithmicError(),
  msle: () => new MeanSquaredLogarithmicError(),
  meanabsolutepercentageerror: () => new MeanAbsolutePercentageError(),
  mape: () => new MeanAbsolutePercentageError(),
  binaryfocalcrossentropy: () => new BinaryFocalCrossentropy(),
  categoricalfocalcrossentropy: () => new CategoricalFocalCrossentropy(),
};

/**
 * Resolves a loss identifier.
 *
 * @example
 * ```ts
 * const loss = getLoss("BinaryCrossentropy");
 * console.log(loss.name); // "binary_crossentropy"
 * ```
 * @param identifier a Keras name in snake_case, camelCase or class form
 *   (case-insensitive; aliases `mse`, `mae`, `bce`, `kld`, `msle`, `mape`), a
 *   {@linkcode Loss}, or a function `(yTrue, yPred) => tf.Tensor`
 * @returns a new loss for a name, the loss itself for a {@linkcode Loss}, a
 *   {@linkcode LossFunctionWrapper} named `fn.name || "loss"` for a function
 * @throws TypeError for an unknown name, listing the valid ones
 */
export function getLoss(identifier: string | Loss | LossFunction): Loss {
  if (identifier instanceof Loss) return identifier;
  if (typeof identifier === "function") return new LossFunctionWrapper(identifier);
  if (typeof identifier === "string") {
    const key = normalizeIdentifier(identifier);
    const factory = Object.hasOwn(FACTORIES, key) ? FACTORIES[key] : undefined;
    if (factory !== undefined) return factory();
    throw new TypeError(
      `Cannot resolve loss as "${identifier}" is not a known loss: expected one of ` +
        `${LOSS_NAMES.join(", ")} (snake_case, camelCase or class name), a Loss, or a function`,
    );
  }
  throw new TypeError(
    `Cannot resolve loss as the identifier must be a string, a Loss or a function: ` +
      `received ${identifier === null ? "null" : typeof identifier}`,
  );
}
