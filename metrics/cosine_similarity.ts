/**
 * `CosineSimilarity` metric: the running mean of the cosine similarity
 * `sum(l2Normalize(yTrue) * l2Normalize(yPred))` along `axis`, Keras's
 * `CosineSimilarity` metric (positive, unlike the loss; higher is better).
 *
 * @module
 */
import { checkAxis, cosineSimilarityPositive } from "../losses/cosine_similarity.ts";
import { MeanMetricWrapper } from "./mean_metric_wrapper.ts";
import { METRIC_OPTION_KEYS, type MetricOptions } from "./metric.ts";
import { checkClassOptions } from "../engine/options.ts";

/** Options of the {@linkcode CosineSimilarity} metric. */
export interface CosineSimilarityOptions extends MetricOptions {
  /**
   * The axis along which the similarity is computed (the features axis).
   * @default -1
   */
  axis?: number;
}

/**
 * The mean cosine similarity of targets and predictions over every sample seen.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new CosineSimilarity({ axis: 1 });
 * m.updateState(tf.tensor2d([[0, 1], [1, 1]]), tf.tensor2d([[1, 0], [1, 1]]));
 * console.log(m.result()); // 0.5
 * ```
 */
export class CosineSimilarity extends MeanMetricWrapper {
  /** The axis along which the similarity is computed. */
  readonly axis: number;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [...METRIC_OPTION_KEYS, "axis"];

  /**
   * Creates the metric.
   * @param options `axis` (default -1), `name` (default "cosine_similarity")
   */
  constructor(options: CosineSimilarityOptions = {}) {
    checkClassOptions(`build ${new.target.name}`, new.target, options);
    const axis = checkAxis("build CosineSimilarity", options.axis ?? -1);
    super((t, p) => cosineSimilarityPositive(t, p, { axis }), {
      name: options.name ?? "cosine_similarity",
      direction: "max",
    });
    this.axis = axis;
  }

  /**
   * The options that rebuild this metric.
   * @returns name and axis
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }
}
