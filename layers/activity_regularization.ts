/**
 * ActivityRegularization: adds a penalty on its input to the training loss.
 *
 * @module
 */
import type { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { L1L2 } from "../engine/regularizers.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { NON_NEGATIVE, number } from "../engine/validate.ts";

/** Options of {@link ActivityRegularization}. */
export interface ActivityRegularizationOptions extends LayerOptions {
  /** Coefficient of `Σ|x|`. @default 0 */
  l1?: number;
  /** Coefficient of `Σx²`. @default 0 */
  l2?: number;
}

/**
 * Keras's `ActivityRegularization`: passes its input through and adds
 * `l1·Σ|x| + l2·Σx²` (over the whole batch, as Keras 3) to the model's
 * loss with `addLoss`, so `fit`, `evaluate` and `computeLoss` include it.
 * Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const layer = new layers.ActivityRegularization({ l2: 0.1 });
 * const x = tf.tensor2d([[1, 2]]);
 * const y = layer.apply(x); // [[1, 2]]
 * const [penalty] = layer.losses; // 0.1·(1 + 4) = 0.5
 * tf.dispose([x, y, penalty]);
 * layer.dispose();
 * ```
 */
export class ActivityRegularization extends Layer {
  /** Coefficient of the L1 term. */
  readonly l1: number;
  /** Coefficient of the L2 term. */
  readonly l2: number;
  readonly #regularizer: L1L2;

  /** The keys of {@link ActivityRegularizationOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "l1",
    "l2",
  ] satisfies (keyof ActivityRegularizationOptions)[];

  /**
   * Creates an ActivityRegularization layer.
   *
   * @param options `l1` and `l2`.
   */
  constructor(options: ActivityRegularizationOptions = {}) {
    super(
      layerOptions(
        "ActivityRegularization",
        options,
        noPositional,
        "new ActivityRegularization({ l1: 0.01, l2: 0 })",
      ),
    );
    const what = "build ActivityRegularization";
    this.l1 = number(what, "l1", options.l1, NON_NEGATIVE, 0);
    this.l2 = number(what, "l2", options.l2, NON_NEGATIVE, 0);
    this.#regularizer = new L1L2({ l1: this.l1, l2: this.l2 });
    this.supportsMasking = true;
  }

  /** The layer's computation on one batch: the input, with its penalty added as a loss. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    this.addLoss(this.#regularizer.apply(inputs));
    return inputs;
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), l1: this.l1, l2: this.l2 };
  }
}
