/**
 * Saving and loading: Keras 3 `.keras` archives, TensorFlow.js Layers
 * directories, weights files, and the registry of serializable classes.
 *
 * @module
 */
export {
  loadModel,
  type LoadOptions,
  loadWeights,
  type LoadWeightsOptions,
  saveModel,
  type SaveOptions,
  saveWeights,
} from "./save_model.ts";
export {
  type RegisterOptions,
  registerSerializable,
  type Registrable,
  type SerializableClass,
  type SerializableCompileClass,
  type SerializableFunction,
} from "./register_serializable.ts";
