/**
 * `CrossentropyLoss`: the shared base of {@linkcode BinaryCrossentropy} and
 * {@linkcode CategoricalCrossentropy}, which take the same options
 * (`fromLogits`, `labelSmoothing`) and differ only in the loss function.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { perSample } from "./common.ts";
import { number } from "../engine/validate.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/** Options of binary and categorical cross-entropy. */
export interface CrossentropyOptions {
  /**
   * Whether `yPred` holds logits (any real number) rather than probabilities.
   * @default false
   */
  fromLogits?: boolean;
  /**
   * In `[0, 1]`: targets are squeezed towards the uniform distribution,
   * `z (1 - s) + s / k` with `k` = 2 for binary cross-entropy and the number
   * of classes for categorical cross-entropy.
   * @default 0
   */
  labelSmoothing?: number;
}

/** A cross-entropy function: targets and predictions to (unreduced) losses. */
export type CrossentropyFunction = (
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  options: CrossentropyOptions,
) => tf.Tensor;

/**
 * A cross-entropy loss: holds `fromLogits` and `labelSmoothing`, and computes
 * one loss per sample with the function its subclass gives.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * import { BinaryCrossentropy } from "./binary_crossentropy.ts";
 * const loss: CrossentropyLoss = new BinaryCrossentropy({ labelSmoothing: 0.2 });
 * console.log(loss.getConfig()); // { name, reduction, fromLogits: false, labelSmoothing: 0.2 }
 * ```
 */
export abstract class CrossentropyLoss extends Loss {
  /** Whether predictions are logits. */
  readonly fromLogits: boolean;
  /** The label smoothing factor in [0, 1]. */
  readonly labelSmoothing: number;
  readonly #fn: CrossentropyFunction;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...LOSS_OPTION_KEYS,
    "fromLogits",
    "labelSmoothing",
  ];

  /**
   * Checks and stores the options.
   * @param className the subclass's name, used in error messages (e.g. "BinaryCrossentropy")
   * @param defaultName the name used when `options.name` is not given
   * @param fn the cross-entropy function `call` averages per sample
   * @param options `fromLogits` (default false), `labelSmoothing` (default 0),
   *   `name`, `reduction`
   */
  constructor(
    className: string,
    defaultName: string,
    fn: CrossentropyFunction,
    options: CrossentropyOptions & LossOptions,
  ) {
    super(defaultName, options);
    this.fromLogits = options.fromLogits ?? false;
    this.labelSmoothing = options.labelSmoothing ?? 0;
    number(`build ${className}`, "labelSmoothing", this.labelSmoothing, { min: 0, max: 1 });
    this.#fn = fn;
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred probabilities or logits
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() =>
      perSample(
        this.#fn(yTrue, yPred, {
          fromLogits: this.fromLogits,
          labelSmoothing: this.labelSmoothing,
        }),
      )
    );
  }

  /**
   * The options that rebuild this loss.
   * @returns name, reduction, fromLogits and labelSmoothing
   */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      fromLogits: this.fromLogits,
      labelSmoothing: this.labelSmoothing,
    };
  }
}
