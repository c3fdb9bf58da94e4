/**
 * The standard data sets of `keras.datasets`, downloaded once into a cache
 * (`$KERNO_HOME/datasets`, `KERNO_HOME` defaulting to `~/.kerno`), checked
 * against pinned checksums, written atomically; `{ path }` reads a copy
 * already on disk.
 *
 * @module
 */
export type { TrainTestData } from "./standard_dataset.ts";
export type { DownloadOptions, FetchFunction } from "./_files.ts";
export type { SequenceOptions } from "./_sequences.ts";
export { mnist } from "./mnist.ts";
export { fashionMnist } from "./fashion_mnist.ts";
export { cifar10 } from "./cifar10.ts";
export { cifar100, type Cifar100Options } from "./cifar100.ts";
export { imdb, type ImdbOptions } from "./imdb.ts";
export { reuters, type ReutersOptions } from "./reuters.ts";
export { bostonHousing, type BostonHousingOptions } from "./boston_housing.ts";
