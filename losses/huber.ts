/**
 * Huber loss, Keras 3's `huber` / `Huber`: with `e = yPred - yTrue`,
 * `0.5 e^2` where `|e| <= delta`, else `delta |e| - 0.5 delta^2`, averaged
 * over the last axis.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import { meanOfElementwise, perSample } from "./common.ts";
import { number, POSITIVE } from "../engine/validate.ts";
import { Loss, LOSS_OPTION_KEYS, type LossOptions } from "./loss.ts";

/** Options of the Huber loss. */
export interface HuberOptions {
  /**
   * Where the loss turns from quadratic to linear; a positive number.
   * @default 1
   */
  delta?: number;
}

function checkDelta(delta: number): void {
  number("build Huber", "delta", delta, POSITIVE);
}

/**
 * Huber loss averaged over the last axis.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * huber(tf.tensor2d([[0, 0]]), tf.tensor2d([[0.5, 3]])).print(); // (0.125 + 2.5) / 2
 * ```
 * @param yTrue the targets
 * @param yPred the predictions: the same shape, or one that broadcasts with `yTrue`'s
 *   as in Keras (`[batch, 1]` targets against `[batch, n]` predictions)
 * @param options `delta`
 * @returns the losses, the broadcast shape without its last axis
 */
export function huber(yTrue: tf.Tensor, yPred: tf.Tensor, options: HuberOptions = {}): tf.Tensor {
  const delta = options.delta ?? 1;
  checkDelta(delta);
  return meanOfElementwise("huber", yTrue, yPred, (t, p) => {
    const error = tf.sub(p, t);
    const absError = tf.abs(error);
    const quadratic = tf.mul(0.5, tf.square(error));
    const linear = tf.sub(tf.mul(delta, absError), 0.5 * delta * delta);
    // GreaterEqual is the one comparison with a gradient in TensorFlow.js
    const inside = tf.greaterEqual(delta, absError);
    return tf.where(inside, quadratic, linear);
  }, { broadcast: true });
}

/** Options of the {@linkcode Huber} loss. */
export interface HuberLossOptions extends HuberOptions, LossOptions {}

/**
 * The Huber loss: quadratic near zero, linear beyond `delta`.
 *
 * @example
 * ```ts
 * import { tf } from "../engine/tf.ts";
 * new Huber({ delta: 2 }).apply(tf.tensor2d([[0]]), tf.tensor2d([[3]])).print(); // 2*3 - 2
 * ```
 */
export class Huber extends Loss {
  /** Where the loss turns from quadratic to linear. */
  readonly delta: number;

  /** The keys of its options object. */
  static override optionKeys: readonly string[] = [
    ...LOSS_OPTION_KEYS,
    "delta",
  ];

  /**
   * Creates the loss.
   * @param options `delta` (default 1), `name` (default "huber_loss", as
   *   Keras names it), `reduction`
   */
  constructor(options: HuberLossOptions = {}) {
    super("huber_loss", options);
    this.delta = options.delta ?? 1;
    checkDelta(this.delta);
  }

  /**
   * Computes one loss value per sample.
   * @param yTrue the targets
   * @param yPred the predictions
   * @returns per-sample losses, shape `[batch]`
   */
  call(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
    return tf.tidy(() => perSample(huber(yTrue, yPred, { delta: this.delta })));
  }

  /**
   * The options that rebuild this loss.
   * @returns name, reduction and delta
   */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), delta: this.delta };
  }
}
