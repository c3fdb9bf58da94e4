/**
 * kerno's layers, one per file, with Keras's names and defaults.
 *
 * @module
 */
export { Activation } from "./activation.ts";
export { Dense, type DenseOptions } from "./dense.ts";
export { Dropout, type DropoutOptions } from "./dropout.ts";
export { Embedding, type EmbeddingOptions } from "./embedding.ts";
export { Flatten } from "./flatten.ts";
