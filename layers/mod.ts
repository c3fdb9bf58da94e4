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
export { AdditiveAttention, type AdditiveAttentionOptions } from "./additive_attention.ts";
export { AlphaDropout, type AlphaDropoutOptions } from "./alpha_dropout.ts";
export { Attention, type AttentionApplyOptions, type AttentionOptions } from "./attention.ts";
export type { AttentionCallOptions } from "./_attention.ts";
export { Average, average } from "./average.ts";
export { AveragePooling1D } from "./average_pooling1d.ts";
export { AveragePooling2D } from "./average_pooling2d.ts";
export { AveragePooling3D } from "./average_pooling3d.ts";
export { BaseConv, type ConvOptions } from "./base_conv.ts";
export { BaseConvTranspose, type ConvTransposeOptions } from "./_conv_transpose_base.ts";
export { BaseCropping, type CroppingOptions } from "./base_cropping.ts";
export { BaseGlobalPooling, type GlobalPoolingOptions } from "./base_global_pooling.ts";
export {
  BaseImageLayer,
  type ImageFactor,
  type ImageFill,
  type ImageFillOptions,
} from "./_image_layer.ts";
export type { FillMode, ResizeMethod, TransformInterpolation } from "../engine/fused.ts";
export { BasePooling, type PoolingOptions } from "./base_pooling.ts";
export { BaseMerge } from "./base_merge.ts";
export { BaseRNNCell, type BaseRNNCellOptions } from "./base_rnn_cell.ts";
export { BaseSpatialDropout, type SpatialDropoutOptions } from "./base_spatial_dropout.ts";
export { BaseZeroPadding, type ZeroPaddingOptions } from "./base_zero_padding.ts";
export { BatchNormalization, type BatchNormalizationOptions } from "./batch_normalization.ts";
export { Bidirectional, type BidirectionalOptions, type MergeMode } from "./bidirectional.ts";
export {
  CategoryEncoding,
  type CategoryEncodingCallOptions,
  type CategoryEncodingOptions,
} from "./category_encoding.ts";
export type { EncodeMode } from "./_encoding.ts";
export { CenterCrop } from "./center_crop.ts";
export { Concatenate, concatenate, type ConcatenateOptions } from "./concatenate.ts";
export { Conv1D } from "./conv1d.ts";
export { Conv1DTranspose } from "./conv1d_transpose.ts";
export { Conv2D } from "./conv2d.ts";
export { Conv2DTranspose } from "./conv2d_transpose.ts";
export { Conv3D } from "./conv3d.ts";
export { Conv3DTranspose } from "./conv3d_transpose.ts";
export { Cropping1D, type Cropping1DOptions } from "./cropping1d.ts";
export { Cropping2D } from "./cropping2d.ts";
export { Cropping3D } from "./cropping3d.ts";
export type { DataFormat } from "./_reshaping.ts";
export { Dense, type DenseOptions } from "./dense.ts";
export { DepthwiseConv1D } from "./depthwise_conv1d.ts";
export { DepthwiseConv2D } from "./depthwise_conv2d.ts";
export {
  BaseDepthwiseConv,
  BaseSeparableConv,
  type DepthwiseConvOptions,
  type DepthwiseGeometry,
  type GeometryOptions,
  type SeparableConvOptions,
} from "./_depthwise.ts";
export {
  Discretization,
  type DiscretizationOptions,
  type DiscretizationOutputMode,
} from "./discretization.ts";
export { Dot, dot, type DotOptions } from "./dot.ts";
export { Dropout, type DropoutOptions } from "./dropout.ts";
export { EinsumDense, type EinsumDenseOptions } from "./einsum_dense.ts";
export { ELU, type ELUOptions } from "./elu.ts";
export { Embedding, type EmbeddingOptions } from "./embedding.ts";
export { Flatten } from "./flatten.ts";
export { GaussianDropout, type GaussianDropoutOptions } from "./gaussian_dropout.ts";
export { GaussianNoise, type GaussianNoiseOptions } from "./gaussian_noise.ts";
export { GlobalAveragePooling1D } from "./global_average_pooling1d.ts";
export { GlobalAveragePooling2D } from "./global_average_pooling2d.ts";
export { GlobalAveragePooling3D } from "./global_average_pooling3d.ts";
export { GlobalMaxPooling1D } from "./global_max_pooling1d.ts";
export { GlobalMaxPooling2D } from "./global_max_pooling2d.ts";
export { GlobalMaxPooling3D } from "./global_max_pooling3d.ts";
export { GroupNormalization, type GroupNormalizationOptions } from "./group_normalization.ts";
export { GRU, type GRUOptions } from "./gru.ts";
export { GRUCell, type GRUCellOptions } from "./gru_cell.ts";
export { Hashing, type HashingOptions, type HashingOutputMode } from "./hashing.ts";
export { Identity } from "./identity.ts";
export { IndexLookup, type IndexLookupOptions, type LookupOutputMode } from "./_index_lookup.ts";
export { InputLayer, type InputOptions } from "../engine/input_layer.ts";
export { IntegerLookup, type IntegerLookupOptions } from "./integer_lookup.ts";
export { Lambda, type LambdaOptions } from "./lambda.ts";
export { LayerNormalization, type LayerNormalizationOptions } from "./layer_normalization.ts";
export { LeakyReLU, type LeakyReLUOptions } from "./leaky_relu.ts";
export { LSTM, type LSTMOptions } from "./lstm.ts";
export { LSTMCell, type LSTMCellOptions } from "./lstm_cell.ts";
export { Masking, type MaskingOptions } from "./masking.ts";
export { MaxPooling1D } from "./max_pooling1d.ts";
export { MaxPooling2D } from "./max_pooling2d.ts";
export { MaxPooling3D } from "./max_pooling3d.ts";
export { Maximum, maximum } from "./maximum.ts";
export { Minimum, minimum } from "./minimum.ts";
export {
  MultiHeadAttention,
  type MultiHeadAttentionCallOptions,
  type MultiHeadAttentionOptions,
} from "./multi_head_attention.ts";
export { Multiply, multiply } from "./multiply.ts";
export { type NestedNumbers, Normalization, type NormalizationOptions } from "./normalization.ts";
export { Permute } from "./permute.ts";
export { PReLU, type PReLUOptions } from "./prelu.ts";
export {
  type AdaptBatch,
  type AdaptData,
  type AdaptOptions,
  type NestedArray,
  PreprocessingLayer,
} from "./_adapt.ts";
export { ReLU, type ReLUOptions } from "./relu.ts";
export { RandomBrightness, type RandomBrightnessOptions } from "./random_brightness.ts";
export { RandomContrast, type RandomContrastOptions } from "./random_contrast.ts";
export { RandomCrop, type RandomCropOptions } from "./random_crop.ts";
export { type FlipMode, RandomFlip, type RandomFlipOptions } from "./random_flip.ts";
export { RandomRotation, type RandomRotationOptions } from "./random_rotation.ts";
export { RandomTranslation, type RandomTranslationOptions } from "./random_translation.ts";
export { RandomZoom, type RandomZoomOptions } from "./random_zoom.ts";
export { Rescaling, type RescalingOptions } from "./rescaling.ts";
export { Resizing, type ResizingOptions } from "./resizing.ts";
export { RNN, type RNNCallOptions, type RNNOptions, type SymbolicRNNCallOptions } from "./rnn.ts";
export { type CellCallOptions, type CellStep, RNNCell, type SequencePlan } from "./rnn_cell.ts";
export { RepeatVector } from "./repeat_vector.ts";
export { Reshape } from "./reshape.ts";
export { SeparableConv1D } from "./separable_conv1d.ts";
export { SeparableConv2D } from "./separable_conv2d.ts";
export { SimpleRNN, type SimpleRNNOptions } from "./simple_rnn.ts";
export { SimpleRNNCell, type SimpleRNNCellOptions } from "./simple_rnn_cell.ts";
export { Softmax, type SoftmaxOptions } from "./softmax.ts";
export { SpatialDropout1D } from "./spatial_dropout1d.ts";
export { SpatialDropout2D } from "./spatial_dropout2d.ts";
export { SpatialDropout3D } from "./spatial_dropout3d.ts";
export { StackedRNNCells } from "./stacked_rnn_cells.ts";
export { StringLookup, type StringLookupOptions } from "./string_lookup.ts";
export { Subtract, subtract } from "./subtract.ts";
export {
  type SplitOption,
  type StandardizeOption,
  type TextOutputMode,
  TextVectorization,
  type TextVectorizationOptions,
} from "./text_vectorization.ts";
export { TimeDistributed } from "./time_distributed.ts";
export { UnitNormalization, type UnitNormalizationOptions } from "./unit_normalization.ts";
export { UpSampling1D, type UpSampling1DOptions } from "./up_sampling1d.ts";
export {
  UpSampling2D,
  type UpSampling2DOptions,
  type UpSamplingInterpolation,
} from "./up_sampling2d.ts";
export { UpSampling3D, type UpSampling3DOptions } from "./up_sampling3d.ts";
export { ZeroPadding1D } from "./zero_padding1d.ts";
export { ZeroPadding2D } from "./zero_padding2d.ts";
export { ZeroPadding3D } from "./zero_padding3d.ts";
