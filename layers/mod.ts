/**
 * kerno's layers, one per file, with Keras's names and defaults.
 *
 * @module
 */
export { Activation } from "./activation.ts";
export { AveragePooling1D } from "./average_pooling1d.ts";
export { AveragePooling2D } from "./average_pooling2d.ts";
export { BaseConv, type ConvOptions } from "./base_conv.ts";
export { BaseGlobalPooling, type GlobalPoolingOptions } from "./base_global_pooling.ts";
export { BasePooling, type PoolingOptions } from "./base_pooling.ts";
export { BatchNormalization, type BatchNormalizationOptions } from "./batch_normalization.ts";
export { Conv1D } from "./conv1d.ts";
export { Conv2D } from "./conv2d.ts";
export { Dense, type DenseOptions } from "./dense.ts";
export { Dropout, type DropoutOptions } from "./dropout.ts";
export { Embedding, type EmbeddingOptions } from "./embedding.ts";
export { Flatten } from "./flatten.ts";
export { GlobalAveragePooling1D } from "./global_average_pooling1d.ts";
export { GlobalAveragePooling2D } from "./global_average_pooling2d.ts";
export { GlobalMaxPooling1D } from "./global_max_pooling1d.ts";
export { GlobalMaxPooling2D } from "./global_max_pooling2d.ts";
export { LayerNormalization, type LayerNormalizationOptions } from "./layer_normalization.ts";
export { MaxPooling1D } from "./max_pooling1d.ts";
export { MaxPooling2D } from "./max_pooling2d.ts";
export { Reshape } from "./reshape.ts";
