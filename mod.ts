/**
 * kerno: Keras-style deep learning for Deno, on TensorFlow.js.
 *
 * Define a model with `Sequential` or by subclassing `Model`, `compile` it
 * with a loss, metrics and an optimizer, and `fit` it — or write your own
 * loop with `gradients` and `optimizer.applyGradients`.
 *
 * @example
 * ```ts
 * import { layers, Sequential, tf } from "./mod.ts";
 * const model = new Sequential([
 *   new layers.Dense(16, { activation: "relu", inputShape: [2] }),
 *   new layers.Dense(1, { activation: "sigmoid" }),
 * ]);
 * model.compile({ optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"] });
 * const x = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
 * const y = tf.tensor2d([[0], [1], [1], [0]]);
 * const history = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
 * console.log(history.history.loss.length); // 2
 * tf.dispose([x, y]);
 * ```
 *
 * @module
 */
export { tf } from "./engine/tf.ts";
export { setSeed } from "./engine/random.ts";
export { SeedGenerator } from "./engine/seed_generator.ts";
export {
  type AddWeightConfig,
  type AddWeightOptions,
  type CallOptions,
  type InputMasks,
  type InputShapes,
  Layer,
  type LayerInputs,
  type LayerOptions,
  maskOf,
  type Shape,
  type ShapeStructure,
  type Structure,
  type VariableStore,
} from "./engine/layer.ts";
export {
  type ComputeLossArgs,
  Model,
  type ModelOptions,
  type ModelOutputs,
  type ResumePoint,
} from "./engine/model.ts";
export { Input, InputLayer, type InputOptions } from "./engine/input_layer.ts";
export {
  type Node,
  type SymbolicDType,
  type SymbolicInputs,
  SymbolicTensor,
} from "./engine/symbolic.ts";
export type { Graph, StructureKind, SymbolicStructure } from "./engine/functional.ts";
export type { StepData, StepLogs } from "./engine/step_data.ts";
export { Sequential } from "./engine/sequential.ts";
export type { CompiledOutput, CompileOptions, LossLike, MetricLike } from "./engine/compile.ts";
export type { EvaluateOptions, FitOptions, PredictOptions } from "./engine/trainer.ts";
export {
  type Batched,
  type BatchedPart,
  type BatchOptions,
  type CsvDefault,
  type CsvOptions,
  Dataset,
  type Element,
  type ElementValue,
  type MapOptions,
  type PaddedBatchOptions,
  type ShuffleOptions,
} from "./engine/dataset.ts";
export type { DataLike, DataStructure } from "./engine/data_adapter.ts";
export { gradients } from "./engine/gradients.ts";
export { type Activation, type ActivationName, getActivation } from "./engine/activations.ts";
export * as initializers from "./engine/initializers.ts";
export * as regularizers from "./engine/regularizers.ts";
export * as layers from "./layers/mod.ts";
export * as optimizers from "./optimizers/mod.ts";
export * as schedules from "./optimizers/schedules/mod.ts";
export * as callbacks from "./callbacks/mod.ts";
export * as losses from "./losses/mod.ts";
export * as metrics from "./metrics/mod.ts";
export * as datasets from "./datasets/mod.ts";
export * as utils from "./utils/mod.ts";
export {
  type DirectoryDataset,
  imageDatasetFromDirectory,
  type ImageDatasetOptions,
  type SampleArray,
  type SeriesLike,
  splitDataset,
  type SplitDatasetOptions,
  textDatasetFromDirectory,
  type TextDatasetOptions,
  timeseriesDatasetFromArray,
  type TimeseriesDatasetOptions,
} from "./utils/mod.ts";
export type { CompiledState } from "./engine/compile.ts";
export type * from "./engine/tf_types.ts";
export * as seam from "./engine/seam.ts";
export {
  type BackendChoice,
  type BackendName,
  getBackend,
  initBackend,
  setBackend,
} from "./backend/mod.ts";
export {
  loadModel,
  type LoadOptions,
  type LoadWeightsOptions,
  type RegisterOptions,
  registerSerializable,
  type Registrable,
  type SaveOptions,
  type SerializableClass,
  type SerializableCompileClass,
  type SerializableFunction,
} from "./io/mod.ts";
