/**
 * Resolves a metric identifier — a Keras name, a {@linkcode Metric} or a
 * function — to a {@linkcode Metric}, including Keras's shape-based
 * resolution of `"accuracy"`/`"acc"` (and `"crossentropy"`/`"ce"`).
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import { normalizeIdentifier } from "../engine/naming.ts";
import { binaryCrossentropy } from "../losses/binary_crossentropy.ts";
import { categoricalCrossentropy } from "../losses/categorical_crossentropy.ts";
import { hinge } from "../losses/hinge.ts";
import { klDivergence } from "../losses/kl_divergence.ts";
import { logCosh } from "../losses/log_cosh.ts";
import { sparseCategoricalCrossentropy } from "../losses/sparse_categorical_crossentropy.ts";
import { AUC } from "./auc.ts";
import { BinaryAccuracy, binaryAccuracy } from "./binary_accuracy.ts";
import { CategoricalAccuracy, categoricalAccuracy } from "./categorical_accuracy.ts";
import { Mean } from "./mean.ts";
import { MeanAbsoluteError } from "./mean_absolute_error.ts";
import { MeanMetricWrapper, type MetricFunction } from "./mean_metric_wrapper.ts";
import { MeanSquaredError } from "./mean_squared_error.ts";
import { Metric } from "./metric.ts";
import { Precision } from "./precision.ts";
import { Recall } from "./recall.ts";
import { FalseNegatives } from "./false_negatives.ts";
import { FalsePositives } from "./false_positives.ts";
import { TrueNegatives } from "./true_negatives.ts";
import { TruePositives } from "./true_positives.ts";
import { RootMeanSquaredError } from "./root_mean_squared_error.ts";
import {
  SparseCategoricalAccuracy,
  sparseCategoricalAccuracy,
} from "./sparse_categorical_accuracy.ts";
import { Sum } from "./sum.ts";
import { TopKCategoricalAccuracy } from "./top_k_categorical_accuracy.ts";
import { Poisson } from "./poisson.ts";
import { SquaredHinge } from "./squared_hinge.ts";
import { CategoricalHinge } from "./categorical_hinge.ts";
import { CosineSimilarity } from "./cosine_similarity.ts";
import { MeanSquaredLogarithmicError } from "./mean_squared_logarithmic_error.ts";
import { MeanAbsolutePercentageError } from "./mean_absolute_percentage_error.ts";
import { SparseTopKCategoricalAccuracy } from "./sparse_top_k_categorical_accuracy.ts";
import { F1Score } from "./f1_score.ts";
import { FBetaScore } from "./fbeta_score.ts";
import { R2Score } from "./r2_score.ts";
import { binaryFocalCrossentropy } from "../losses/binary_focal_crossentropy.ts";
import { categoricalFocalCrossentropy } from "../losses/categorical_focal_crossentropy.ts";

/** What {@linkcode getMetric} may know about the model's outputs. */
export interface MetricContext {
  /** The loss identifier the model was compiled with (a string). */
  loss?: string;
  /** The shape of the targets, e.g. `[null, 1]` or `[32]`. */
  yTrueShape?: (number | null)[];
  /** The shape of the model's output, e.g. `[null, 10]`. */
  yPredShape?: (number | null)[];
}

/** The names (Keras snake_case and aliases) that {@linkcode getMetric} accepts. */
export const METRIC_NAMES: readonly string[] = [
  "accuracy",
  "acc",
  "crossentropy",
  "ce",
  "mean",
  "sum",
  "binary_accuracy",
  "categorical_accuracy",
  "sparse_categorical_accuracy",
  "top_k_categorical_accuracy",
  "precision",
  "recall",
  "auc",
  "true_positives",
  "false_positives",
  "true_negatives",
  "false_negatives",
  "mean_squared_error",
  "mse",
  "root_mean_squared_error",
  "mean_absolute_error",
  "mae",
  "binary_crossentropy",
  "bce",
  "categorical_crossentropy",
  "sparse_categorical_crossentropy",
  "hinge",
  "kl_divergence",
  "kld",
  "log_cosh",
  "poisson",
  "squared_hinge",
  "categorical_hinge",
  "cosine_similarity",
  "mean_squared_logarithmic_error",
  "msle",
  "mean_absolute_percentage_error",
  "mape",
  "binary_focal_crossentropy",
  "categorical_focal_crossentropy",
  "sparse_top_k_categorical_accuracy",
  "f1_score",
  "fbeta_score",
  "r2_score",
];

const wrap = (fn: MetricFunction) => (name: string) =>
  new MeanMetricWrapper(fn, { name, direction: "min" });

/** Factories keyed by the lower-cased name without underscores. */
const FACTORIES: Record<string, (name: string) => Metric> = {
  mean: (name) => new Mean({ name }),
  sum: (name) => new Sum({ name }),
  binaryaccuracy: (name) => new BinaryAccuracy({ name }),
  categoricalaccuracy: (name) => new CategoricalAccuracy({ name }),
  sparsecategoricalaccuracy: (name) => new SparseCategoricalAccuracy({ name }),
  topkcategoricalaccuracy: (name) => new TopKCategoricalAccuracy({ name }),
  precision: (name) => new Precision({ name }),
  recall: (name) => new Recall({ name }),
  auc: (name) => new AUC({ name }),
  truepositives: (name) => new TruePositives({ name }),
  falsepositives: (name) => new FalsePositives({ name }),
  truenegatives: (name) => new TrueNegatives({ name }),
  falsenegatives: (name) => new FalseNegatives({ name }),
  meansquarederror: (name) => new MeanSquaredError({ name }),
  mse: (name) => new MeanSquaredError({ name }),
  rootmeansquarederror: (name) => new RootMeanSquaredError({ name }),
  meanabsoluteerror: (name) => new MeanAbsoluteError({ name }),
  mae: (name) => new MeanAbsoluteError({ name }),
  binarycrossentropy: wrap((t, p) => binaryCrossentropy(t, p)),
  bce: wrap((t, p) => binaryCrossentropy(t, p)),
  categoricalcrossentropy: wrap((t, p) => categoricalCrossentropy(t, p)),
  sparsecategoricalcrossentropy: wrap((t, p) => sparseCategoricalCrossentropy(t, p)),
  hinge: wrap(hinge),
  kldivergence: wrap(klDivergence),
  kld: wrap(klDivergence),
  logcosh: wrap(logCosh),
  poisson: (name) => new Poisson({ name }),
  squaredhinge: (name) => new SquaredHinge({ name }),
  categoricalhinge: (name) => new CategoricalHinge({ name }),
  cosinesimilarity: (name) => new CosineSimilarity({ name }),
  meansquaredlogarithmicerror: (name) => new MeanSquaredLogarithmicError({ name }),
  msle: (name) => new MeanSquaredLogarithmicError({ name }),
  meanabsolutepercentageerror: (name) => new MeanAbsolutePercentageError({ name }),
  mape: (name) => new MeanAbsolutePercentageError({ name }),
  binaryfocalcrossentropy: wrap((t, p) => binaryFocalCrossentropy(t, p)),
  categoricalfocalcrossentropy: wrap((t, p) => categoricalFocalCrossentropy(t, p)),
  sparsetopkcategoricalaccuracy: (name) => new SparseTopKCategoricalAccuracy({ name }),
  f1score: (name) => new F1Score({ name }),
  fbetascore: (name) => new FBetaScore({ name }),
  r2score: (name) => new R2Score({ name }),
};

type Kind = "binary" | "sparse" | "categorical";

/** Keras's `is_binary_or_sparse_categorical` on static shapes. */
function kindFromShapes(yTrueShape: (number | null)[], yPredShape: (number | null)[]): Kind {
  const predLast = yPredShape[yPredShape.length - 1];
  const trueLast = yTrueShape[yTrueShape.length - 1];
  if (predLast === 1) return "binary";
  const sparse = yTrueShape.length < yPredShape.length ||
    (trueLast === 1 && predLast !== null && predLast > 1);
  return sparse ? "sparse" : "categorical";
}

/** The kind implied by the loss name, when it is one of the cross-entropies. */
function kindFromLoss(loss: string | undefined): Kind | undefined {
  const key = loss === undefined ? "" : normalizeIdentifier(loss);
  if (["binarycrossentropy", "bce", "hinge"].includes(key)) return "binary";
  if (key === "sparsecategoricalcrossentropy") return "sparse";
  if (key === "categoricalcrossentropy") return "categorical";
  return undefined;
}

function kindFromTensors(yTrue: tf.Tensor, yPred: tf.Tensor): Kind {
  return kindFromShapes(yTrue.shape, yPred.shape);
}

function contextKind(context: MetricContext): Kind | undefined {
  if (context.yTrueShape !== undefined && context.yPredShape !== undefined) {
    return kindFromShapes(context.yTrueShape, context.yPredShape);
  }
  return kindFromLoss(context.loss);
}

function resolveAccuracy(name: string, context: MetricContext): Metric {
  const kind = contextKind(context);
  if (kind === "binary") return new BinaryAccuracy({ name });
  if (kind === "sparse") return new SparseCategoricalAccuracy({ name });
  if (kind === "categorical") return new CategoricalAccuracy({ name });
  const accuracies = {
    binary: binaryAccuracy,
    sparse: sparseCategoricalAccuracy,
    categorical: categoricalAccuracy,
  };
  return new MeanMetricWrapper((t, p) => accuracies[kindFromTensors(t, p)](t, p), {
    name,
    direction: "max",
  });
}

function resolveCrossentropy(name: string, context: MetricContext): Metric {
  const functions: Record<Kind, MetricFunction> = {
    binary: (t, p) => binaryCrossentropy(t, p),
    sparse: (t, p) => sparseCategoricalCrossentropy(t, p),
    categorical: (t, p) => categoricalCrossentropy(t, p),
  };
  const kind = contextKind(context);
  const fn: MetricFunction = kind !== undefined
    ? functions[kind]
    : (t, p) => functions[kindFromTensors(t, p)](t, p);
  return new MeanMetricWrapper(fn, { name, direction: "min" });
}

/**
 * Resolves a metric identifier as Keras's `compile` does.
 *
 * `"accuracy"`/`"acc"` (any case) become {@linkcode BinaryAccuracy} when the
 * prediction's last axis is 1, {@linkcode SparseCategoricalAccuracy} when the
 * labels have one rank less than the predictions (or a last axis of 1 against
 * several classes), else {@linkcode CategoricalAccuracy}; without shapes the
 * loss decides, and without either the choice is made from the tensors of
 * each update. `"crossentropy"`/`"ce"` resolve the same way to the matching
 * cross-entropy. As in Keras, a metric made from a string is named by that
 * string (`"acc"` logs as `acc`, `"mse"` as `mse`).
 *
 * @example
 * ```ts
 * const m = getMetric("accuracy", { yTrueShape: [null], yPredShape: [null, 10] });
 * console.log(m.constructor.name, m.name); // "SparseCategoricalAccuracy" "accuracy"
 * ```
 * @param identifier a name (snake_case, camelCase or class name,
 *   case-insensitive), a {@linkcode Metric}, or a function `(yTrue, yPred) => tf.Tensor`
 * @param context the compiled loss and the label/prediction shapes
 * @returns the metric; an instance is returned unchanged, a function is
 *   wrapped in a {@linkcode MeanMetricWrapper} named after it
 * @throws TypeError for an unknown name, listing the valid ones
 */
export function getMetric(
  identifier: string | Metric | MetricFunction,
  context: MetricContext = {},
): Metric {
  if (identifier instanceof Metric) return identifier;
  if (typeof identifier === "function") return new MeanMetricWrapper(identifier);
  if (typeof identifier !== "string") {
    throw new TypeError(
      `Cannot resolve metric as the identifier must be a string, a Metric or a function: ` +
        `received ${identifier === null ? "null" : typeof identifier}`,
    );
  }
  const key = normalizeIdentifier(identifier);
  if (key === "accuracy" || key === "acc") return resolveAccuracy(identifier, context);
  if (key === "crossentropy" || key === "ce") return resolveCrossentropy(identifier, context);
  const factory = Object.hasOwn(FACTORIES, key) ? FACTORIES[key] : undefined;
  if (factory === undefined) {
    throw new TypeError(
      `Cannot resolve metric as "${identifier}" is not a known metric: expected one of ` +
        `${METRIC_NAMES.join(", ")} (snake_case, camelCase or class name), a Metric, or a function`,
    );
  }
  return factory(identifier);
}
