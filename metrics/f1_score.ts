/**
 * `F1Score`: the harmonic mean of precision and recall,
 * `2 P R / (P + R)`, per class or averaged, Keras's `F1Score`.
 *
 * @module
 */
import { checkClassOptions } from "../engine/options.ts";
import { FBetaScore, type FBetaScoreOptions } from "./fbeta_score.ts";

/** Options of {@linkcode F1Score}: those of `FBetaScore` but `beta` (1). */
export type F1ScoreOptions = Omit<FBetaScoreOptions, "beta">;

/**
 * The F1 score of thresholded predictions over every batch seen.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * const m = new F1Score({ threshold: 0.5 });
 * const yTrue = tf.tensor2d([[1, 1, 1], [1, 0, 0], [1, 1, 0]]);
 * m.updateState(yTrue, tf.tensor2d([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0]]));
 * console.log(m.result()); // [0.5, 0.8, 0.6667]
 * ```
 */
export class F1Score extends FBetaScore {
  /** The keys of its options object (no `beta`). */
  static override optionKeys: readonly string[] = FBetaScore.optionKeys.filter((k) => k !== "beta");

  /**
   * Creates the metric.
   * @param options `average` (default null), `threshold` (default null),
   *   `name` (default "f1_score"), `dtype`
   */
  constructor(options: F1ScoreOptions = {}) {
    const o = checkClassOptions(`build ${new.target.name}`, new.target, options);
    super({ ...o, name: o.name ?? "f1_score" });
  }

  /**
   * The options that rebuild this metric.
   * @returns name, average and threshold
   */
  override getConfig(): Record<string, unknown> {
    const { beta: _beta, ...rest } = super.getConfig();
    return rest;
  }
}
