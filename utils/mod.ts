/**
 * Utilities with Keras's names (`keras.utils`): {@linkcode toCategorical}.
 *
 * @module
 */
export { type LabelsLike, toCategorical } from "./to_categorical.ts";
