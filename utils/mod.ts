/**
 * Utilities with Keras's names (`keras.utils`): {@linkcode toCategorical},
 * and datasets from folders and arrays: {@linkcode imageDatasetFromDirectory},
 * {@linkcode textDatasetFromDirectory}, {@linkcode timeseriesDatasetFromArray},
 * {@linkcode splitDataset}.
 *
 * @module
 */
export {
  type DirectoryDataset,
  imageDatasetFromDirectory,
  type ImageDatasetOptions,
} from "./image_dataset.ts";
export { type SampleArray, splitDataset, type SplitDatasetOptions } from "./split_dataset.ts";
export { textDatasetFromDirectory, type TextDatasetOptions } from "./text_dataset.ts";
export {
  type SeriesLike,
  timeseriesDatasetFromArray,
  type TimeseriesDatasetOptions,
} from "./timeseries_dataset.ts";
export { type LabelsLike, toCategorical } from "./to_categorical.ts";
