/**
 * Losses: Keras 3's cross-entropies and regression losses, as classes
 * ({@linkcode Loss} subclasses) and as functions.
 *
 * @module
 */
export { Loss, type LossFunction, type LossOptions, type LossReduction } from "./loss.ts";
export { LossFunctionWrapper } from "./loss_function_wrapper.ts";
export {
  type CrossentropyFunction,
  CrossentropyLoss,
  type CrossentropyOptions,
} from "./crossentropy_loss.ts";
export {
  BinaryCrossentropy,
  binaryCrossentropy,
  type BinaryCrossentropyLossOptions,
  type BinaryCrossentropyOptions,
} from "./binary_crossentropy.ts";
export {
  CategoricalCrossentropy,
  categoricalCrossentropy,
  type CategoricalCrossentropyLossOptions,
  type CategoricalCrossentropyOptions,
} from "./categorical_crossentropy.ts";
export {
  checkSparseLabels,
  SparseCategoricalCrossentropy,
  sparseCategoricalCrossentropy,
  type SparseCategoricalCrossentropyLossOptions,
  type SparseCategoricalCrossentropyOptions,
} from "./sparse_categorical_crossentropy.ts";
export { MeanSquaredError, meanSquaredError } from "./mean_squared_error.ts";
export { MeanAbsoluteError, meanAbsoluteError } from "./mean_absolute_error.ts";
export { Huber, huber, type HuberLossOptions, type HuberOptions } from "./huber.ts";
export { Hinge, hinge } from "./hinge.ts";
export { KLDivergence, klDivergence } from "./kl_divergence.ts";
export { LogCosh, logCosh } from "./log_cosh.ts";
export { Poisson, poisson } from "./poisson.ts";
export { SquaredHinge, squaredHinge } from "./squared_hinge.ts";
export { CategoricalHinge, categoricalHinge } from "./categorical_hinge.ts";
export {
  CosineSimilarity,
  cosineSimilarity,
  type CosineSimilarityLossOptions,
  type CosineSimilarityOptions,
} from "./cosine_similarity.ts";
export {
  MeanSquaredLogarithmicError,
  meanSquaredLogarithmicError,
} from "./mean_squared_logarithmic_error.ts";
export {
  MeanAbsolutePercentageError,
  meanAbsolutePercentageError,
} from "./mean_absolute_percentage_error.ts";
export {
  BinaryFocalCrossentropy,
  binaryFocalCrossentropy,
  type BinaryFocalCrossentropyLossOptions,
  type BinaryFocalCrossentropyOptions,
} from "./binary_focal_crossentropy.ts";
export {
  CategoricalFocalCrossentropy,
  categoricalFocalCrossentropy,
  type CategoricalFocalCrossentropyLossOptions,
  type CategoricalFocalCrossentropyOptions,
} from "./categorical_focal_crossentropy.ts";
export { getLoss, LOSS_NAMES } from "./get.ts";
