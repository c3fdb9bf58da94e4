/**
 * `AUC`: the area under the ROC or precision-recall curve, approximated over
 * fixed thresholds as Keras's `AUC` does. Confusion counts are accumulated
 * at `numThresholds` thresholds (`-1e-7`, `(i + 1) / (numThresholds - 1)`,
 * `1 + 1e-7`); the ROC area is a Riemann sum of recall over the false
 * positive rate (mid-point "interpolation" by default), the PR area uses the
 * Davis & Goadrich interpolation of precision over recall.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import {
  type ConfusionCounts,
  divideNoNan,
  emptyCounts,
  mergeCounts,
  updateConfusionCounts,
} from "./_confusion.ts";
import { Metric, METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { integer, oneOf } from "../engine/validate.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Which curve {@linkcode AUC} integrates. */
export type AUCCurve = "ROC" | "PR";
/** How {@linkcode AUC} picks each rectangle's height. */
export type AUCSummationMethod = "interpolation" | "minoring" | "majoring";

/** Options of {@linkcode AUC}. */
export interface AUCOptions extends MetricOptions {
  /**
   * How many thresholds discretise the curve (> 1).
   * @default 200
   */
  numThresholds?: number;
  /**
   * `"ROC"` (recall over false positive rate) or `"PR"` (precision over recall).
   * @default "ROC"
   */
  curve?: AUCCurve;
  /**
   * `"interpolation"` (mid-point for ROC, Davis & Goadrich for PR),
   * `"minoring"` (lower heights) or `"majoring"` (upper heights).
   * @default "interpolation"
   */
  summationMethod?: AUCSummationMethod;
  /**
   * Explicit thresholds in [0, 1] (the endpoints -1e-7 and 1 + 1e-7 are added);
   * `numThresholds` is then ignored.
   * @default undefined (evenly spaced)
   */
  thresholds?: number[];
  /**
   * Whether predictions are logits (a sigmoid is applied first).
   * @default false
   */
  fromLogits?: boolean;
}

const EPSILON = 1e-7;

/**
 * The area under the ROC (or PR) curve of a binary classifier.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new AUC({ numThresholds: 3 });
 * m.updateState(tf.tensor1d([0, 0, 1, 1]), tf.tensor1d([0, 0.5, 0.3, 0.9]));
 * console.log(m.result()); // 0.75
 * ```
 */
export class AUC extends Metric {
  /** The number of thresholds, endpoints included. */
  readonly numThresholds: number;
  /** The integrated curve. */
  readonly curve: AUCCurve;
  /** How rectangle heights are chosen. */
  readonly summationMethod: AUCSummationMethod;
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The thresholds, ascending, endpoints included. */
  readonly thresholds: readonly number[];
  readonly #userThresholds: number[] | undefined;
  #counts: ConfusionCounts;

  /** The keys of its options object. */
  static optionKeys: readonly string[] = [
    ...METRIC_OPTION_KEYS,
    "numThresholds",
    "curve",
    "summationMethod",
    "thresholds",
    "fromLogits",
  ];

  /**
   * Creates the metric.
   * @param options `numThresholds` (200), `curve` ("ROC"), `summationMethod`
   *   ("interpolation"), `thresholds`, `fromLogits` (false), `name` ("auc")
   */
  constructor(options: AUCOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    super(options.name ?? "auc", "max");
    this.curve = oneOf("build AUC", "curve", options.curve ?? "ROC", ["ROC", "PR"]);
    this.summationMethod = oneOf(
      "build AUC",
      "summationMethod",
      options.summationMethod ?? "interpolation",
      [
        "interpolation",
        "minoring",
        "majoring",
      ],
    );
    this.fromLogits = options.fromLogits ?? false;
    this.#userThresholds = options.thresholds === undefined ? undefined : [...options.thresholds];
    let inner: number[];
    if (this.#userThresholds !== undefined) {
      inner = [...this.#userThresholds].sort((a, b) => a - b);
      this.numThresholds = inner.length + 2;
    } else {
      const n = integer("build AUC", "numThresholds", options.numThresholds ?? 200, 2);
      this.numThresholds = n;
      inner = Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1));
    }
    this.thresholds = [0 - EPSILON, ...inner, 1 + EPSILON];
    this.#counts = emptyCounts(this.numThresholds);
  }

  /**
   * Adds a batch's confusion counts at every threshold.
   * @param yTrue 0/1 labels (non-zero is positive); all entries are flattened
   * @param yPred probabilities (or logits with `fromLogits`)
   * @param sampleWeight optional weights, per sample or per entry
   */
  updateState(
    yTrue: tf.Tensor | number,
    yPred?: tf.Tensor | number,
    sampleWeight?: tf.Tensor | number,
  ): void {
    updateConfusionCounts(this.name, this.#counts, this.thresholds, yTrue, yPred, sampleWeight, {
      fromLogits: this.fromLogits,
    }, (c) => this.deferState(c));
  }

  /**
   * Adds the counts summed on the device.
   * @param values tp, fp, tn, fn per threshold
   */
  protected override mergeDeviceState(values: Float32Array): void {
    mergeCounts(this.#counts, values);
  }

  /**
   * The area under the curve so far.
   * @returns the AUC (0 before any update)
   */
  result(): number {
    this.settleDeviceState();
    const { tp, fp, tn, fn } = this.#counts;
    const n = this.numThresholds;
    if (this.curve === "PR" && this.summationMethod === "interpolation") {
      return interpolatePrAuc(this.#counts, n);
    }
    const recall = Array.from(tp, (v, i) => divideNoNan(v, v + fn[i]));
    let x: number[];
    let y: number[];
    if (this.curve === "ROC") {
      x = Array.from(fp, (v, i) => divideNoNan(v, v + tn[i]));
      y = recall;
    } else {
      x = recall;
      y = Array.from(tp, (v, i) => divideNoNan(v, v + fp[i]));
    }
    let area = 0;
    for (let i = 0; i < n - 1; i++) {
      const height = this.summationMethod === "interpolation"
        ? (y[i] + y[i + 1]) / 2
        : this.summationMethod === "minoring"
        ? Math.min(y[i], y[i + 1])
        : Math.max(y[i], y[i + 1]);
      area += (x[i] - x[i + 1]) * height;
    }
    return area;
  }

  /** Clears the counts. */
  resetState(): void {
    this.discardDeviceState();
    this.#counts = emptyCounts(this.numThresholds);
  }

  /**
   * The options that rebuild this metric.
   * @returns name, numThresholds, curve, summationMethod, fromLogits and any
   *   explicit thresholds
   */
  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...super.getConfig(),
      numThresholds: this.numThresholds,
      curve: this.curve,
      summationMethod: this.summationMethod,
      fromLogits: this.fromLogits,
    };
    if (this.#userThresholds !== undefined) config.thresholds = [...this.#userThresholds];
    return config;
  }
}

/**
 * The PR area with precision interpolated between thresholds as Davis &
 * Goadrich (2006) describe: true positives and predicted positives vary
 * linearly within each interval, so each interval contributes
 * `slope * (dTP + intercept * log(P_a / P_b)) / (TP_b + FN_b)`.
 */
function interpolatePrAuc(counts: ConfusionCounts, n: number): number {
  const { tp, fp, fn } = counts;
  let area = 0;
  for (let i = 0; i < n - 1; i++) {
    const dtp = tp[i] - tp[i + 1];
    const pA = tp[i] + fp[i];
    const pB = tp[i + 1] + fp[i + 1];
    const slope = divideNoNan(dtp, Math.max(pA - pB, 0));
    const intercept = tp[i + 1] - slope * pB;
    const ratio = pA > 0 && pB > 0 ? divideNoNan(pA, Math.max(pB, 0)) : 1;
    area += divideNoNan(
      slope * (dtp + intercept * Math.log(ratio)),
      Math.max(tp[i + 1] + fn[i + 1], 0),
    );
  }
  return area;
}
