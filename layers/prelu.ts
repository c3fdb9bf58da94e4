/**
 * PReLU: a leaky rectifier whose negative slopes are learned.
 *
 * @module
 */
import { tf } from "../engine/tf.ts";
import {
  type CallOptions,
  Layer,
  LAYER_OPTION_KEYS,
  type LayerOptions,
  type Shape,
} from "../engine/layer.ts";
import { getInitializer, type InitializerLike } from "../engine/initializers.ts";
import { getRegularizer, type RegularizerLike } from "../engine/regularizers.ts";
import { layerOptions, noPositional } from "./_checks.ts";
import { reject, show } from "../engine/validate.ts";

/** Options of {@link PReLU}. */
export interface PReLUOptions extends LayerOptions {
  /** Initializer of the slopes `alpha`. @default "zeros" */
  alphaInitializer?: InitializerLike;
  /** Penalty on `alpha`. @default null */
  alphaRegularizer?: RegularizerLike | null;
  /** Keras's constraint on `alpha`; kerno has no weight constraints, so only `null`. @default null */
  alphaConstraint?: null;
  /**
   * Axes (1-based, the batch axis excluded, as Keras) along which one slope
   * is shared, e.g. `[1, 2]` for one slope per channel of an image.
   * @default null (one slope per input element)
   */
  sharedAxes?: number | number[] | null;
}

/**
 * Keras's `PReLU`: `f(x) = x` for `x >= 0`, `alpha·x` otherwise, with
 * `alpha` a learned weight shaped like one sample (size 1 along
 * `sharedAxes`). Masks pass through.
 *
 * @example
 * ```ts
 * import { layers, tf } from "../mod.ts";
 * const x = tf.tensor2d([[-1, 2]]);
 * const y = new layers.PReLU({ alphaInitializer: "ones" }).apply(x); // [[-1, 2]]
 * tf.dispose([x, y]);
 * ```
 */
export class PReLU extends Layer {
  /** The shared axes (1-based), or null. */
  readonly sharedAxes: number[] | null;
  /** The learned slopes; set by `build`. */
  alpha: tf.Variable | null = null;
  readonly #initializer: InitializerLike;
  readonly #regularizer: RegularizerLike | null;

  /** The keys of {@link PReLUOptions}. */
  static override optionKeys: readonly string[] = [
    ...LAYER_OPTION_KEYS,
    "alphaInitializer",
    "alphaRegularizer",
    "alphaConstraint",
    "sharedAxes",
  ] satisfies (keyof PReLUOptions)[];

  /**
   * Creates a PReLU layer.
   *
   * @param options Initializer, regularizer and shared axes of `alpha`.
   */
  constructor(options: PReLUOptions = {}) {
    super(layerOptions("PReLU", options, noPositional, "new PReLU({ sharedAxes: [1, 2] })"));
    const what = "build PReLU";
    this.#initializer = options.alphaInitializer ?? "zeros";
    getInitializer(this.#initializer);
    this.#regularizer = options.alphaRegularizer ?? null;
    if (this.#regularizer !== null) getRegularizer(this.#regularizer);
    if (options.alphaConstraint !== undefined && options.alphaConstraint !== null) {
      reject(
        what,
        "alphaConstraint",
        options.alphaConstraint,
        "null, as kerno has no weight constraints; leave it out",
      );
    }
    const shared = options.sharedAxes ?? null;
    const list = typeof shared === "number" ? [shared] : shared;
    if (
      list !== null && (!Array.isArray(list) || list.some((a) => !Number.isInteger(a) || a < 1))
    ) {
      reject(what, "sharedAxes", shared, "a positive integer or a list of them (1-based axes)");
    }
    this.sharedAxes = list === null ? null : [...list];
    this.supportsMasking = true;
  }

  /** Creates `alpha` for the input shape (called once by `apply`). */
  override build(inputShape: Shape): void {
    const shape = inputShape.slice(1);
    for (const a of this.sharedAxes ?? []) {
      if (a > shape.length) {
        throw new RangeError(
          `Cannot build ${this.name} (PReLU) as "sharedAxes" ${
            show(this.sharedAxes)
          } names an axis beyond the input's: received shape [${inputShape}]`,
        );
      }
      shape[a - 1] = 1;
    }
    if (shape.some((d) => d === null)) {
      throw new RangeError(
        `Cannot build ${this.name} (PReLU) as the input has an axis of unknown size [${inputShape}]: share it with "sharedAxes"`,
      );
    }
    this.alpha = this.addWeight("alpha", shape as number[], {
      initializer: this.#initializer,
      regularizer: this.#regularizer ?? undefined,
    });
  }

  /** The layer's computation on one batch. */
  override call(inputs: tf.Tensor, _options: CallOptions): tf.Tensor {
    return tf.sub(tf.relu(inputs), tf.mul(this.alpha!, tf.relu(tf.neg(inputs))));
  }

  /** The output shape for an input shape, computed without running the layer. */
  override computeOutputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  /** The constructor's options (with defaults filled in), for `fromConfig`. */
  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      alphaInitializer: this.#initializer,
      alphaRegularizer: this.#regularizer,
      alphaConstraint: null,
      sharedAxes: this.sharedAxes === null ? null : [...this.sharedAxes],
    };
  }
}
