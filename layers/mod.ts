/**
 * kerno's layers, one per file, with Keras's names and defaults.
 *
 * @module
 */
export { Activation } from "./activation.ts";
export {
  ActivityRegularization,
  type ActivityRegularizationOptions,
} from "./activity_regularization.ts";
export { Add, add } from "./add.ts";
export { AlphaDropout, type AlphaDropoutOptions } from "./alpha_dropout.ts";
export { Average, average } from "./average.ts";
export { AveragePooling1D } from "./average_pooling1d.ts";
export { AveragePooling2D } from "./average_pooling2d.ts";
export { BaseConv, type ConvOptions } from "./base_conv.ts";
export { BaseGlobalPooling, type GlobalPoolingOptions } from "./base_global_pooling.ts";
export { BasePooling, type PoolingOptions } from "./base_pooling.ts";
export { BaseMerge } from "./base_merge.ts";
export { BaseSpatialDropout, type SpatialDropoutOptions } from "./base_spatial_dropout.ts";
export { BatchNormalization, type BatchNormalizationOptions } from "./batch_normalization.ts";
export { Concatenate, concatenate, type ConcatenateOptions } from "./concatenate.ts";
export { Conv1D } from "./conv1d.ts";
export { Conv2D } from "./conv2d.ts";
export { Dense, type DenseOptions } from "./dense.ts";
export { Dot, dot, type DotOptions } from "./dot.ts";
export { Dropout, type DropoutOptions } from "./dropout.ts";
export { ELU, type ELUOptions } from "./elu.ts";
export { Embedding, type EmbeddingOptions } from "./embedding.ts";
export { Flatten } from "./flatten.ts";
export { GaussianDropout, type GaussianDropoutOptions } from "./gaussian_dropout.ts";
export { GaussianNoise, type GaussianNoiseOptions } from "./gaussian_noise.ts";
export { GlobalAveragePooling1D } from "./global_average_pooling1d.ts";
export { GlobalAveragePooling2D } from "./global_average_pooling2d.ts";
export { GlobalMaxPooling1D } from "./global_max_pooling1d.ts";
export { GlobalMaxPooling2D } from "./global_max_pooling2d.ts";
export { GroupNormalization, type GroupNormalizationOptions } from "./group_normalization.ts";
export { Identity } from "./identity.ts";
export { InputLayer, type InputOptions } from "../engine/input_layer.ts";
export { Lambda, type LambdaOptions } from "./lambda.ts";
export { LayerNormalization, type LayerNormalizationOptions } from "./layer_normalization.ts";
export { LeakyReLU, type LeakyReLUOptions } from "./leaky_relu.ts";
export { Masking, type MaskingOptions } from "./masking.ts";
export { MaxPooling1D } from "./max_pooling1d.ts";
export { MaxPooling2D } from "./max_pooling2d.ts";
export { Maximum, maximum } from "./maximum.ts";
export { Minimum, minimum } from "./minimum.ts";
export { Multiply, multiply } from "./multiply.ts";
export { Permute } from "./permute.ts";
export { PReLU, type PReLUOptions } from "./prelu.ts";
export { ReLU, type ReLUOptions } from "./relu.ts";
export { RepeatVector } from "./repeat_vector.ts";
export { Reshape } from "./reshape.ts";
export { Softmax, type SoftmaxOptions } from "./softmax.ts";
export { SpatialDropout1D } from "./spatial_dropout1d.ts";
export { SpatialDropout2D } from "./spatial_dropout2d.ts";
export { SpatialDropout3D } from "./spatial_dropout3d.ts";
export { Subtract, subtract } from "./subtract.ts";
export { UnitNormalization, type UnitNormalizationOptions } from "./unit_normalization.ts";
