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
export { getLoss, LOSS_NAMES } from "./get.ts";
