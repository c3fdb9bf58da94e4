/**
 * Data sets for kerno: four small real data sets shipped inside the package
 * (digits, iris, breast cancer, diabetes; sources and citations in
 * `datasets/data/ATTRIBUTION.md`), seeded synthetic generators, a
 * deterministic train/test split and scalers fitted on the training part.
 *
 * @module
 */
export type { BundledDataset } from "./bundled_dataset.ts";
export type { SyntheticData } from "./synthetic_data.ts";
export { digits } from "./digits.ts";
export { iris } from "./iris.ts";
export { breastCancer } from "./breast_cancer.ts";
export { diabetes } from "./diabetes.ts";
export { trainTestSplit } from "./train_test_split.ts";
export type { TrainTestSplit, TrainTestSplitOptions } from "./train_test_split.ts";
export { standardize, StandardScaler } from "./standardize.ts";
export { minMaxScale, MinMaxScaler } from "./min_max_scale.ts";
export { spirals } from "./spirals.ts";
export type { SpiralsOptions } from "./spirals.ts";
export { moons } from "./moons.ts";
export type { MoonsOptions } from "./moons.ts";
export { blobs } from "./blobs.ts";
export type { BlobsOptions } from "./blobs.ts";
export { regression } from "./regression.ts";
export type { RegressionData, RegressionOptions } from "./regression.ts";
export { tokenTask } from "./token_task.ts";
export type { TokenTaskOptions } from "./token_task.ts";
export { orderTask } from "./order_task.ts";
export type { OrderTaskOptions } from "./order_task.ts";
export {
  bostonHousing,
  cifar10,
  cifar100,
  fashionMnist,
  imdb,
  mnist,
  reuters,
} from "./keras/mod.ts";
export type {
  BostonHousingOptions,
  Cifar100Options,
  DownloadOptions,
  FetchFunction,
  ImdbOptions,
  ReutersOptions,
  SequenceOptions,
  TrainTestData,
} from "./keras/mod.ts";
