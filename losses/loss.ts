/**
 * The base of every loss: `call` gives one loss per sample, `apply` weights
 * and reduces them the way Keras 3 does (`"sum_over_batch_size"` by default).
 *
 * @module
 */
import "../engine/backend_setup.ts";
import { tf } from "../engine/tf.ts";
import { LOSS_REDUCTIONS, reduceWeighted } from "./_reduce.ts";
import { oneOf } from "../engine/validate.ts";
import { checkClassOptions } from "../engine/options.ts";

/**
 * A loss written as a plain function. It may return any shape whose first
 * axis is the batch; the mean over the other axes is taken per sample.
 */
export type LossFunction = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * How {@linkcode Loss.apply} reduces the weighted per-sample losses:
 * `"sum_over_batch_size"`/`"mean"` divide the weighted sum by the batch size,
 * `"sum"` keeps the sum, `"mean_with_sample_weight"` divides by the sum of the
 * sample weights.
 */
export type LossReduction = "sum_over_batch_size" | "mean" | "sum" | "mean_with_sample_weight";

/** Options every loss accepts. */
export interface LossOptions {
  /**
   * The loss's name.
   * @default the Keras snake_case name of the class, e.g. `"binary_crossentropy"`
   */
  name?: string;
  /**
   * How the weighted per-sample losses are reduced to a scalar.
   * @default "sum_over_batch_size"
   */
  reduction?: LossReduction;
}

/** The keys of {@link LossOptions}, which every loss's `optionKeys` spreads in. */
export const LOSS_OPTION_KEYS: readonly (keyof LossOptions)[] = ["name", "reduction"];

/**
 * A loss: `call(yTrue, yPred)` returns one value per sample (shape `[batch]`),
 * `apply(yTrue, yPred, sampleWeight)` returns the reduced scalar that training
 * minimises.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { MeanSquaredError } from "./mean_squared_error.ts";
 * const loss = new MeanSquaredError();
 * const value = loss.apply(tf.tensor2d([[1], [2]]), tf.tensor2d([[1], [4]]));
 * console.log(value.dataSync()[0]); // (0 + 4) / 2 = 2
 * ```
 */
export abstract class Loss {
  /** The Keras snake_case name, e.g. `"binary_crossentropy"`. */
  readonly name: string;
  /** How `apply` reduces the weighted per-sample losses. */
  readonly reduction: LossReduction;

  /**
   * The keys of the constructor's options object. A class that declares its
   * own list (every built-in loss) has unknown keys refused with a
   * suggestion; a subclass that declares none (a user's, with options of its
   * own) is not checked for them.
   */
  static optionKeys: readonly string[] = LOSS_OPTION_KEYS;

  /**
   * Creates the loss.
   * @param defaultName the name used when `options.name` is not given
   * @param options name and reduction
   */
  constructor(defaultName: string, options: LossOptions = {}) {
    options = checkClassOptions(`build ${new.target.name}`, new.target, options);
    const reduction = options.reduction ?? "sum_over_batch_size";
    this.name = options.name ?? defaultName;
    this.reduction = oneOf(`build loss ${defaultName}`, "reduction", reduction, LOSS_REDUCTIONS);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns the per-sample losses, shape `[batch]`
   */
  abstract call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor;

  /**
   * Computes the per-sample losses, weights them and reduces them to a scalar
   * (by default `sum(loss_i * w_i) / batch`, Keras's `"sum_over_batch_size"`).
   * @param yTrue the targets
   * @param yPred the predictions
   * @param sampleWeight optional weights: one per sample (`[batch]` or
   *   `[batch, 1]`) or a single weight
   * @returns the loss, a scalar
   */
  apply(yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor): tf.Scalar {
    return tf.tidy(() =>
      reduceWeighted(this.name, this.call(yTrue, yPred), sampleWeight, this.reduction)
    );
  }

  /**
   * The loss's options, enough to rebuild it.
   * @returns the name, the reduction and each option of the subclass
   */
  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: this.reduction };
  }

  /**
   * Rebuilds a loss from `getConfig()`'s output by passing it to the
   * constructor as the options object (a subclass whose constructor takes
   * other arguments overrides this).
   * @param config the options `getConfig()` returned
   * @returns a new loss
   */
  static fromConfig<T extends Loss>(
    this: new (options: never) => T,
    config: Record<string, unknown>,
  ): T {
    return new this(config as never);
  }
}
