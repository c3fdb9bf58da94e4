/**
 * Metrics: Keras 3's stateful metrics ({@linkcode Metric} subclasses) with
 * their state in plain numbers, the per-sample accuracy functions, and
 * {@linkcode getMetric}.
 *
 * @module
 */
export {
  Metric,
  type MetricBaseOptions,
  type MetricDirection,
  type MetricOptions,
} from "./metric.ts";
export { Mean, type MeanOptions } from "./mean.ts";
export { Sum, type SumOptions } from "./sum.ts";
export { MeanMetricWrapper, type MetricFunction } from "./mean_metric_wrapper.ts";
export { Accuracy, accuracy } from "./accuracy.ts";
export { BinaryAccuracy, binaryAccuracy, type BinaryAccuracyOptions } from "./binary_accuracy.ts";
export { CategoricalAccuracy, categoricalAccuracy } from "./categorical_accuracy.ts";
export {
  SparseCategoricalAccuracy,
  sparseCategoricalAccuracy,
} from "./sparse_categorical_accuracy.ts";
export {
  TopKCategoricalAccuracy,
  topKCategoricalAccuracy,
  type TopKCategoricalAccuracyOptions,
} from "./top_k_categorical_accuracy.ts";
export { ThresholdMetric, type ThresholdMetricOptions } from "./threshold_metric.ts";
export { Precision } from "./precision.ts";
export { Recall } from "./recall.ts";
export { AUC, type AUCCurve, type AUCOptions, type AUCSummationMethod } from "./auc.ts";
export {
  type ConfusionCondition,
  ConfusionCount,
  type ConfusionCountOptions,
} from "./confusion_count.ts";
export { TruePositives } from "./true_positives.ts";
export { FalsePositives } from "./false_positives.ts";
export { TrueNegatives } from "./true_negatives.ts";
export { FalseNegatives } from "./false_negatives.ts";
export { MeanSquaredError } from "./mean_squared_error.ts";
export { RootMeanSquaredError } from "./root_mean_squared_error.ts";
export { MeanAbsoluteError } from "./mean_absolute_error.ts";
export { Poisson } from "./poisson.ts";
export { SquaredHinge } from "./squared_hinge.ts";
export { CategoricalHinge } from "./categorical_hinge.ts";
export { CosineSimilarity, type CosineSimilarityOptions } from "./cosine_similarity.ts";
export { MeanSquaredLogarithmicError } from "./mean_squared_logarithmic_error.ts";
export { MeanAbsolutePercentageError } from "./mean_absolute_percentage_error.ts";
export {
  SparseTopKCategoricalAccuracy,
  sparseTopKCategoricalAccuracy,
  type SparseTopKCategoricalAccuracyOptions,
} from "./sparse_top_k_categorical_accuracy.ts";
export { FBetaScore, type FBetaScoreOptions, type FScoreAverage } from "./fbeta_score.ts";
export { F1Score, type F1ScoreOptions } from "./f1_score.ts";
export { MeanIoU, type MeanIoUOptions } from "./mean_iou.ts";
export { type R2ClassAggregation, R2Score, type R2ScoreOptions } from "./r2_score.ts";
export { getMetric, METRIC_NAMES, type MetricContext } from "./get.ts";
